import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aom.access import admin_required, entity_member_required, get_for_entity
from billing.forms import IssueForm, ProductForm, RechargeForm, active_meters, normalise_identification
from billing.models import Product, Receipt, ReceiptPrint
from billing.money import MoneyError, format_kwh, format_percent, format_pesos, parse_amount
from billing.receipts import FORMATS, render_receipt_html, render_receipt_pdf
from billing.selectors import receipts_for, search_receipts
from billing.services import RechargeError, product_for, recharge_issue, recharge_quote
from customers.models import Customer, Meter

PAGE_SIZE = 25


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


def _product(request) -> Product:
    return Product.objects.filter(entity_id=request.user.entity_id).first() or Product(entity=request.user.entity)


@require_GET
@entity_member_required
def index(request):
    text = request.GET.get("q", "").strip()[:60]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
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
    )
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
    form = ProductForm(request.POST, instance=_product(request))
    if not form.is_valid():
        return render(request, "billing/product.html", {"form": form}, status=400)
    product = form.save()
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
    """
    entity = request.user.entity
    step = request.GET.get("step", "")
    if "identification" not in request.GET:
        return render(request, "billing/new.html", {"form": RechargeForm(entity), "product": _product(request)})
    form = RechargeForm(entity, request.GET, lookup_only=step != "confirm")
    quote = product = None
    if form.is_valid() and step == "confirm":
        try:
            product = product_for(entity)
            quote = recharge_quote(entity, form.cleaned_data["amount"], product)
        except RechargeError as e:
            form.add_error("amount", str(e))
    if quote is None:
        return render(request, "billing/new.html", {"form": form, "product": _product(request)})
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
        )
    except RechargeError as e:
        messages.error(request, str(e))
        return redirect(_new_url(meter.customer.identification, meter, form.cleaned_data["amount"]))
    return redirect(reverse("billing:done", args=[receipt.pk]) + "?exito=1")


@require_GET
@entity_member_required
def done(request, pk: int):
    receipt = _get_receipt(request, pk)
    ctx = {"receipt": receipt, "formats": ReceiptPrint.Format.choices, "just_issued": "exito" in request.GET}
    return render(request, "billing/done.html", ctx)


# -- the cashier's helpers (JSON, for the page's few lines of script) -----------------------------
@require_GET
@entity_member_required
def lookup(request):
    ident = normalise_identification(request.GET.get("identification"))
    customer = (
        Customer.objects.filter(entity_id=request.user.entity_id, identification=ident).first() if ident else None
    )
    if customer is None:
        msg = _("No existe un usuario con la identificación %(ident)s en esta entidad.") % {"ident": ident}
        return JsonResponse({"found": False, "error": msg})
    meters = [{"id": m.pk, "drn": m.drn} for m in active_meters(customer)]
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
    is_copy = receipt.record_print(request.user, format)
    return JsonResponse({"copy": is_copy})


@require_GET
@entity_member_required
def receipt_pdf(request, pk: int, format: str):
    """The receipt as a PDF: a paper (it can be printed), recorded like a browser print."""
    receipt = _get_receipt(request, pk)
    _check_format(format)
    is_copy = receipt.record_print(request.user, format, as_pdf=True)
    html = render_receipt_html(receipt, format, is_copy=is_copy, printed_at=timezone.now(), for_pdf=True)
    response = HttpResponse(render_receipt_pdf(html, format), content_type="application/pdf")
    name = f"comprobante-{receipt.full_number}-{format}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
