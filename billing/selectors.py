"""Reads shared by the billing views."""

from django.db.models import Q, QuerySet

from aom.lib.numbers import ascii_digits_only
from aom.models import User
from billing.models import Receipt
from customers import rules
from customers.models import Customer


def receipts_for(user: User) -> QuerySet[Receipt]:
    """The receipts `user` may see: a biller their own, an administrator the entity's."""
    qs = Receipt.objects.filter(entity_id=user.entity_id)
    if not user.is_admin:
        qs = qs.filter(biller=user)
    return qs


def search_receipts(qs: QuerySet[Receipt], text: str) -> QuerySet[Receipt]:
    """Receipts whose number, customer name, identification or code matches `text`.

    Built to use the indexes: the name by substring (trigram index on PostgreSQL) and, ignoring
    accents, through the customers whose `search_name` holds it; the identification (in its
    stored form: "1.100.000" finds 1100000…) and the code (from four digits) by prefix, the
    number exactly (with or without its prefix).
    """
    text = " ".join(text.split())
    if not text:
        return qs
    cond = Q(customer_name__icontains=text)
    key = rules.search_key(text)
    if key:
        cond |= Q(customer_id__in=Customer.objects.filter(search_name__contains=key).values("pk"))
    ident = rules.identification_key(text)
    if ident:
        cond |= Q(customer_identification__startswith=ident)
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
