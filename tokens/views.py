"""The administrator's pages of a meter's life: engineering codes ("Códigos de gestión"), key
changes (one meter or the whole entity), the provisioning file and the replacement."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aom.access import admin_required, get_for_entity
from billing.models import ReceiptPrint
from billing.receipts import render_receipt_pdf
from customers.models import Meter
from tokens import lifecycle
from tokens.forms import BatchKeyChangeForm, EngineeringForm, KeyChangeForm, ReplacementForm
from tokens.models import EngineeringCode, KeyChangeBatch, MeterKey, Provisioning

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


# -- batch key change -----------------------------------------------------------------------------
def _batch(request, pk: int) -> KeyChangeBatch:
    return get_for_entity(request, KeyChangeBatch.objects.select_related("entity", "started_by"), pk=pk)


def _batch_page(request, form, status=200):
    entity = request.user.entity
    ctx = {"form": form, "entity": entity, "batches": entity.key_change_batches.select_related("started_by")[:10]}
    return render(request, "tokens/batch.html", ctx, status=status)


@require_GET
@admin_required
def batch(request):
    return _batch_page(request, BatchKeyChangeForm())


@require_POST
@admin_required
def batch_start(request):
    form = BatchKeyChangeForm(request.POST)
    if not form.is_valid():
        return _batch_page(request, form, status=400)
    try:
        started = lifecycle.start_batch(
            admin=request.user,
            key_revision=form.cleaned_data["key_revision"],
            base_date=form.cleaned_data["base_date"],
            request=request,
        )
        lifecycle.advance_batch(started)
    except lifecycle.LifecycleError as e:
        form.add_error(None, str(e))
        return _batch_page(request, form, status=400)
    return redirect("tokens:batch_detail", pk=started.pk)


@require_GET
@admin_required
def batch_detail(request, pk: int):
    return render(request, "tokens/batch_detail.html", {"batch": _batch(request, pk)})


@require_POST
@admin_required
def batch_advance(request, pk: int):
    try:
        lifecycle.advance_batch(_batch(request, pk))
    except lifecycle.LifecycleError as e:
        messages.error(request, str(e))
    return redirect("tokens:batch_detail", pk=pk)


@require_GET
@admin_required
def batch_print(request, pk: int):
    b = _batch(request, pk)
    rows = (
        MeterKey.objects.filter(batch=b)
        .select_related("meter__customer")
        .order_by("meter__customer__full_name", "meter__drn")
    )
    ctx = {"batch": b, "rows": rows, "entity": b.entity, "printed_at": timezone.now()}
    return render(request, "tokens/batch_print.html", ctx)


# -- provisioning and replacement -----------------------------------------------------------------
@require_GET
@admin_required
def provisioning(request, pk: int):
    meter = _meter(request, pk)
    done = Provisioning.objects.filter(meter=meter).select_related("downloaded_by").first()
    return render(request, "tokens/provisioning.html", {"meter": meter, "done": done})


@require_POST
@admin_required
def provisioning_download(request, pk: int):
    meter = _meter(request, pk)
    try:
        content = lifecycle.provisioning_file(admin=request.user, meter=meter, request=request)
    except lifecycle.LifecycleError as e:
        messages.error(request, str(e))
        done = Provisioning.objects.filter(meter=meter).select_related("downloaded_by").first()
        return render(request, "tokens/provisioning.html", {"meter": meter, "done": done}, status=400)
    response = HttpResponse(content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="aprovisionamiento-{meter.drn}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@admin_required
def replace(request, pk: int):
    meter = _meter(request, pk)
    form = ReplacementForm(request.POST or None, entity=request.user.entity)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            new_meter = Meter(drn=form.cleaned_data["drn"], installed_on=form.cleaned_data["installed_on"])
            try:
                lifecycle.replace_meter(
                    admin=request.user,
                    old=meter,
                    new_meter=new_meter,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except lifecycle.LifecycleError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("El medidor %(old)s fue reemplazado por el %(new)s.") % {"old": meter.drn, "new": new_meter.drn},
                )
                return redirect("customers:detail", pk=meter.customer_id)
        status = 400
    return render(request, "tokens/replace.html", {"meter": meter, "form": form}, status=status)
