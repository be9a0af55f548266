"""The administrator's pages of a meter's life: engineering codes ("Códigos de gestión"), key
changes (one meter or the whole entity), the provisioning file and the replacement."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from aom.access import admin_required, get_for_entity
from billing.models import ReceiptPrint
from billing.receipts import render_receipt_pdf
from customers.models import Meter
from tokens import lifecycle
from tokens.forms import EngineeringForm, KeyChangeForm
from tokens.models import EngineeringCode, MeterKey, Provisioning

DOCUMENT_FORMATS = {
    ReceiptPrint.Format.LETTER: "tokens/document_letter.html",
    ReceiptPrint.Format.MM80: "tokens/document_80mm.html",
    ReceiptPrint.Format.MM58: "tokens/document_58mm.html",
}


def _meter(request, pk: int) -> Meter:
    return get_for_entity(request, Meter.objects.select_related("entity", "customer"), pk=pk)


def _codes_page(request, meter: Meter, form=None, key_form=None, status: int = 200):
    generations = list(MeterKey.objects.filter(meter=meter).order_by("generation"))
    ctx = {
        "meter": meter,
        "customer": meter.customer,
        "form": form or EngineeringForm(),
        "key_form": key_form or KeyChangeForm(),
        "documents": meter.engineering_codes.select_related("issued_by")[:50],
        "pending": generations[-1] if generations and generations[-1].is_pending else None,
        "last_change": next((g for g in reversed(generations) if g.kct1), None),
        "provisioned": Provisioning.objects.filter(meter=meter).first(),
        "replacement": getattr(meter, "replaced_by", None),
    }
    return render(request, "tokens/meter_codes.html", ctx, status=status)


@require_GET
@admin_required
def meter_codes(request, pk: int):
    return _codes_page(request, _meter(request, pk))


@require_POST
@admin_required
def meter_codes_issue(request, pk: int):
    meter = _meter(request, pk)
    form = EngineeringForm(request.POST)
    if not form.is_valid():
        return _codes_page(request, meter, form=form, status=400)
    try:
        doc = lifecycle.issue_engineering(
            admin=request.user,
            meter=meter,
            kind=form.cleaned_data["kind"],
            value=form.cleaned_data.get("value"),
            request=request,
        )
    except lifecycle.LifecycleError as e:
        form.add_error(None, str(e))
        return _codes_page(request, meter, form=form, status=400)
    return redirect("tokens:document", pk=doc.pk)


@require_POST
@admin_required
def meter_key_change(request, pk: int):
    meter = _meter(request, pk)
    form = KeyChangeForm(request.POST)
    if not form.is_valid():
        return _codes_page(request, meter, key_form=form, status=400)
    data = form.cleaned_data
    try:
        doc = lifecycle.change_meter_key(
            admin=request.user,
            meter=meter,
            key_revision=data["key_revision"],
            tariff_index=data["tariff_index"],
            base_date=data["base_date"],
            rollover=data["rollover"],
            request=request,
        )
    except lifecycle.LifecycleError as e:
        form.add_error(None, str(e))
        return _codes_page(request, meter, key_form=form, status=400)
    return redirect("tokens:document", pk=doc.pk)


# -- documents ------------------------------------------------------------------------------------
def _document(request, pk: int) -> EngineeringCode:
    return get_for_entity(request, EngineeringCode.objects.select_related("entity", "meter", "issued_by"), pk=pk)


def _document_html(doc: EngineeringCode, format: str, *, for_pdf: bool = False) -> str:
    if format not in DOCUMENT_FORMATS:
        raise Http404
    ctx = {
        "doc": doc,
        "entity": doc.entity,
        "key_change": getattr(doc, "key_change", None),
        "printed_at": timezone.now(),
        "for_pdf": for_pdf,
    }
    return render_to_string(DOCUMENT_FORMATS[format], ctx)


@require_GET
@admin_required
def document(request, pk: int):
    doc = _document(request, pk)
    ctx = {"doc": doc, "key_change": getattr(doc, "key_change", None), "formats": ReceiptPrint.Format.choices}
    return render(request, "tokens/document.html", ctx)


@require_GET
@admin_required
def document_print(request, pk: int, format: str):
    return HttpResponse(_document_html(_document(request, pk), format))


@require_GET
@admin_required
def document_pdf(request, pk: int, format: str):
    doc = _document(request, pk)
    html = _document_html(doc, format, for_pdf=True)
    response = HttpResponse(render_receipt_pdf(html, format), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="documento-{doc.full_number}-{format}.pdf"'
    return response
