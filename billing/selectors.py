"""Reads shared by the billing views."""

from django.db.models import Q, QuerySet

from aom.lib.numbers import ascii_digits_only
from aom.models import User
from billing.models import Receipt


def receipts_for(user: User) -> QuerySet[Receipt]:
    """The receipts `user` may see: a biller their own, an administrator the entity's."""
    qs = Receipt.objects.filter(entity_id=user.entity_id)
    if not user.is_admin:
        qs = qs.filter(biller=user)
    return qs


def search_receipts(qs: QuerySet[Receipt], text: str) -> QuerySet[Receipt]:
    """Receipts whose number, customer name, identification or code matches `text`.

    Built to use the indexes: the name by substring (trigram index on PostgreSQL), the
    identification and the code (from four digits) by prefix, the number exactly (with or without its prefix).
    """
    text = " ".join(text.split())
    if not text:
        return qs
    cond = Q(customer_name__icontains=text) | Q(customer_identification__startswith=text)
    digits = text.replace(" ", "")
    if ascii_digits_only(digits):
        if len(digits) >= 4:  # at least one group of the code: "2" means receipt 2, not every code
            cond |= Q(code__startswith=digits)
        if len(digits) <= 18:
            cond |= Q(number=int(digits))
    else:
        # "FE1234": a prefixed receipt number.
        head = text.rstrip("0123456789")
        tail = text[len(head) :]
        if head and ascii_digits_only(tail) and len(tail) <= 18:
            cond |= Q(prefix__iexact=head, number=int(tail))
    return qs.filter(cond)
