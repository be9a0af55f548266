import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aom import audit
from aom.access import admin_required, entity_member_required, get_for_entity
from aom.lib.numbers import page_number
from billing.forms import IssueForm, ProductForm, RechargeForm
from billing.models import Product, Receipt, ReceiptPrint, ReceiptVoid
from billing.money import MoneyError, format_kwh, format_percent, format_pesos, parse_amount
from billing.receipts import FORMATS, render_receipt_html, render_receipt_pdf
from billing.selectors import receipts_for, search_receipts
from billing.services import RechargeError, product_for, recharge_issue, recharge_quote
from customers import rules, selectors
from customers.models import Meter
from licensing.models import LicenseError

PAGE_SIZE = 25
RECENT_RECHARGE = timedelta(minutes=15)
PRODUCT_FIELDS = ["description", "iva_percent", "price_per_kwh"]


def _get_receipt(request, pk: int) -> Receipt:
    """A receipt the user may see, or 404 (another entity's, or another biller's)."""
    qs = receipts_for(request.user).select_related("entity", "biller")
    return get_for_entity(request, qs, pk=pk)


def _check_format(format: str) -> str:
    if format not in FORMATS:
        raise Http404
    return format


def _new_url(identification: str, meter: Meter, amount) -> str:
    """The new-receipt page filled in again (to correct it, or to retry after a refusal)."""
    return (
        reverse("billing:new")
        + "?"
        + urlencode({"identification": identification, "meter": meter.pk, "amount": amount})
    )


def _license_refusal(entity) -> str:
    """Why the entity's license may not issue a receipt now (the seed's message), or ""."""
    license = entity.current_license()
    try:
        if license is None:
            raise LicenseError(_("La entidad no tiene una licencia activa."))
        license.check_can_issue()
    except LicenseError as e:
        return str(e)
    return ""


def _record_print(request, receipt: Receipt, format: str, *, as_pdf: bool = False) -> bool:
    """Record this view or download; every one after the first is a reprint in the audit trail."""
    with transaction.atomic():
        is_copy = receipt.record_print(request.user, format, as_pdf=as_pdf)
        if is_copy:
            audit.record(
                "receipt_reprinted", request=request, target=receipt, detail=format + (" PDF" if as_pdf else "")
            )
    return is_copy


def _product(request) -> Product:
    return Product.objects.filter(entity_id=request.user.entity_id).first() or Product(entity=request.user.entity)


@require_GET
@entity_member_required
def index(request):
    text = request.GET.get("q", "").strip()[:60]
    page = page_number(request.GET.get("page"))
    qs = search_receipts(receipts_for(request.user), text)
    qs = qs.only(
        "id",
        "prefix",
        "number",
        "customer_name",
        "customer_identification",
        "code",
        "iva",
        "subtotal",
        "total",
        "issued_at",
    ).annotate(voided=Exists(ReceiptVoid.objects.filter(receipt=OuterRef("pk"), status=ReceiptVoid.Status.GRANTED)))
    # One row more than a page tells whether there is a next page, without counting a table
    # that may hold millions of receipts.
    start = (page - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    ctx = {
        "receipts": rows[:PAGE_SIZE],
        "q": text,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "has_previous": page > 1,
    }
    return render(request, "billing/index.html", ctx)


# -- product --------------------------------------------------------------------------------------
@require_GET
@admin_required
def product(request):
    return render(request, "billing/product.html", {"form": ProductForm(instance=_product(request))})


@require_POST
@admin_required
def product_save(request):
    product = _product(request)
    before = audit.snapshot(product, PRODUCT_FIELDS) if product.pk else {}
    form = ProductForm(request.POST, instance=product)
    if not form.is_valid():
        return render(request, "billing/product.html", {"form": form}, status=400)
    with transaction.atomic():
        form.save()
        product.refresh_from_db(fields=PRODUCT_FIELDS)  # the values as stored, like `before`
        changes = audit.diff(before, audit.snapshot(product, PRODUCT_FIELDS))
        if changes:
            audit.record("product_changed", request=request, target=product, changes=changes)
    messages.success(
        request,
        _("Producto actualizado: %(price)s por kWh, IVA %(iva)s %%.")
        % {"price": format_pesos(product.price_per_kwh), "iva": format_percent(product.iva_percent)},
    )
    return redirect("billing:product")


# -- new receipt ----------------------------------------------------------------------------------
@require_GET
@entity_member_required
def new(request):
    """Identification → customer and meter(s); amount → what it buys; then the confirmation.

    Everything here is a GET: nothing is written until `RECARGAR` posts the confirmation.
    Enter submits without a `step`: the page then goes one step forward (to the amount once
    the customer is found, to the confirmation once the amount is typed), and the caret
    lands on the field to type next. A license that may not issue refuses here, before the
    cashier types anything.
    """
    entity = request.user.entity
    refusal = _license_refusal(entity)
    if refusal:
        return render(request, "billing/new.html", {"refusal": refusal})
    if "identification" not in request.GET:
        ctx = {"form": RechargeForm(entity), "product": _product(request), "focus": "identification"}
        return render(request, "billing/new.html", ctx)
    step = request.GET.get("step", "")
    if step not in ("lookup", "confirm"):
        step = "confirm" if request.GET.get("amount", "").strip() else "lookup"
    form = RechargeForm(entity, request.GET, lookup_only=step != "confirm")
    quote = product = None
    if form.is_valid() and step == "confirm":
        try:
            product = product_for(entity)
            quote = recharge_quote(entity, form.cleaned_data["amount"], product)
        except RechargeError as e:
            form.add_error("amount", str(e))
    if quote is None:
        ctx = {"form": form, "product": _product(request), "focus": form.next_field()}
        return render(request, "billing/new.html", ctx)
    meter = form.cleaned_data["meter"]
    issue = IssueForm(
        initial={
            "meter": meter.pk,
            "amount": str(quote.amount_received),
            "total": quote.total,
            # Made once per confirmation page: a double click or a resubmission of this page
            # carries the same key, and the service answers with the receipt already issued.
            "idempotency_key": uuid.uuid4(),
        }
    )
    back = _new_url(form.cleaned_data["identification"], meter, quote.amount_received)
    ctx = {
        "customer": form.customer,
        "meter": meter,
        "quote": quote,
        "product": product,
        "issue": issue,
        "back": back,
        # A sale started over for a meter just recharged may be the same one charged twice.
        "recent": receipts_for(request.user)
        .filter(meter=meter, issued_at__gte=timezone.now() - RECENT_RECHARGE)
        .first(),
    }
    return render(request, "billing/confirm.html", ctx)


@require_POST
@entity_member_required
def issue(request):
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La confirmación no es válida. Vuelva a empezar la recarga."))
        return redirect("billing:new")
    meter = get_for_entity(request, Meter, pk=form.cleaned_data["meter"])
    try:
        receipt = recharge_issue(
            biller=request.user,
            meter=meter,
            amount=form.cleaned_data["amount"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            expected_total=form.cleaned_data["total"],
            request=request,
        )
    except RechargeError as e:
        if not _license_refusal(request.user.entity):  # else the new-receipt page says it, once
            messages.error(request, str(e))
        return redirect(_new_url(meter.customer.identification, meter, form.cleaned_data["amount"]))
    if receipt.replayed:
        # The same confirmation posted again (the back button, RECARGAR pressed twice): nothing
        # new was issued or is to be charged.
        return redirect(reverse("billing:done", args=[receipt.pk]) + "?repetido=1")
    return redirect(reverse("billing:done", args=[receipt.pk]) + "?exito=1")


@require_GET
@entity_member_required
def done(request, pk: int):
    receipt = _get_receipt(request, pk)
    ctx = {
        "receipt": receipt,
        "formats": ReceiptPrint.Format.choices,
        "just_issued": "exito" in request.GET,
        "replayed": "repetido" in request.GET,
    }
    return render(request, "billing/done.html", ctx)


# -- the cashier's helpers (JSON, for the page's few lines of script) -----------------------------
@require_GET
@entity_member_required
def lookup(request):
    try:
        ident = rules.identification_lookup(request.GET.get("identification"))
    except ValidationError as exc:
        return JsonResponse({"found": False, "error": exc.messages[0]})
    customer = selectors.customer_by_identification(request.user.entity, ident)
    if customer is None:
        msg = _("No existe un usuario con la identificación %(ident)s en esta entidad.") % {"ident": ident}
        return JsonResponse({"found": False, "error": msg})
    meters = [{"id": m.pk, "drn": m.drn} for m in selectors.active_meters(customer)]
    error = (
        ""
        if meters
        else _("El usuario %(name)s no tiene un medidor activo: no se puede recargar.") % {"name": customer.full_name}
    )
    return JsonResponse(
        {
            "found": True,
            "name": customer.full_name,
            "id_type": customer.id_type,
            "phone": customer.phone,
            "meters": meters,
            "error": error,
        }
    )


@require_GET
@entity_member_required
def quote(request):
    try:
        amount = parse_amount(request.GET.get("amount", ""))
        q = recharge_quote(request.user.entity, amount)
    except (MoneyError, RechargeError) as e:
        return JsonResponse({"ok": False, "error": str(e)})
    return JsonResponse(
        {
            "ok": True,
            "kwh": str(q.kwh),
            "kwh_display": f"{format_kwh(q.kwh)} kWh",
            "total": str(q.total),
            "total_display": format_pesos(q.total),
            "change_display": format_pesos(q.change),
        }
    )


# -- receipts -------------------------------------------------------------------------------------
@require_GET
@entity_member_required
def receipt(request, pk: int, format: str):
    """The receipt on screen. Looking is not a paper: nothing is recorded until it prints."""
    receipt = _get_receipt(request, pk)
    _check_format(format)
    html = render_receipt_html(
        receipt,
        format,
        is_copy=receipt.was_printed,
        print_url=reverse("billing:receipt_print", args=[receipt.pk, format]),
        csrf=get_token(request),
    )
    return HttpResponse(html)


@require_POST
@entity_member_required
def receipt_print(request, pk: int, format: str):
    """The browser is about to print the receipt: record the paper, say if it is a copy."""
    receipt = _get_receipt(request, pk)
    _check_format(format)
    is_copy = _record_print(request, receipt, format)
    return JsonResponse({"copy": is_copy})


@require_GET
@entity_member_required
def receipt_pdf(request, pk: int, format: str):
    """The receipt as a PDF: a paper (it can be printed), recorded like a browser print."""
    receipt = _get_receipt(request, pk)
    _check_format(format)
    is_copy = _record_print(request, receipt, format, as_pdf=True)
    html = render_receipt_html(receipt, format, is_copy=is_copy, printed_at=timezone.now(), for_pdf=True)
    response = HttpResponse(render_receipt_pdf(html, format), content_type="application/pdf")
    name = f"comprobante-{receipt.full_number}-{format}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
