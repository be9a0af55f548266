"""The administrators' pages for their entity: its billers (recharge points), the receipt's
header and the audit trail."""

import io
from decimal import Decimal

import openpyxl
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aom import audit, logins
from aom.access import admin_required, get_for_entity
from aom.lib.numbers import page_number
from aom.lib.spreadsheet import XLSX_CONTENT_TYPE, safe_cell, safe_value
from aom.models import AuditEvent, User
from billing.models import DEFAULT_DESCRIPTION, Product, Receipt
from billing.receipts import render_receipt_html
from licensing.forms import RESOLUTION_FIELDS, AuditFilterForm, BillerForm, NumberingResolutionForm, ReceiptHeaderForm
from licensing.models import Entity, License

BILLER_FIELDS = ["email", "full_name", "identification", "is_active"]
AUDIT_PAGE_SIZE = 50
HEADER_AUDIT_FIELDS = ["name", "nit", "address", "city", "phone", "email", "web", "logo", "sponsor", "receipt_title"]


def _billers(request):
    return User.objects.filter(entity_id=request.user.entity_id, role=User.Role.BILLER)


@admin_required
def billers(request):
    rows = list(_billers(request).order_by("-is_active", "full_name"))
    locked = logins.locked_usernames(b.email for b in rows)
    for b in rows:
        b.is_locked = b.email in locked
    return render(request, "licensing/billers.html", {"billers": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def biller_add(request):
    form = BillerForm(request.POST or None, entity=request.user.entity)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            biller = form.save()
            changes = audit.diff({}, audit.snapshot(biller, BILLER_FIELDS))
            audit.record("biller_created", request=request, target=biller, changes=changes)
        messages.success(request, _("Facturador %(name)s creado.") % {"name": biller.full_name})
        return redirect("licensing:billers")
    return render(request, "licensing/biller_form.html", {"form": form})


@admin_required
@require_http_methods(["GET", "POST"])
def biller_edit(request, pk):
    biller = get_for_entity(request, _billers(request), pk=pk)
    before = audit.snapshot(biller, BILLER_FIELDS)
    form = BillerForm(request.POST or None, instance=biller, entity=request.user.entity)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            changes = audit.diff(before, audit.snapshot(biller, BILLER_FIELDS))
            if changes:
                audit.record("biller_changed", request=request, target=biller, changes=changes)
            if form.cleaned_data.get("password1"):
                audit.record("password_reset", request=request, target=biller)
        messages.success(request, _("Actualizado correctamente"))
        return redirect("licensing:billers")
    return render(request, "licensing/biller_form.html", {"form": form, "biller": biller})


def _set_active(request, biller, active: bool) -> None:
    with transaction.atomic():
        biller.is_active = active
        biller.save(update_fields=["is_active"])
        audit.record(
            "biller_changed", request=request, target=biller, changes={"is_active": [str(not active), str(active)]}
        )


@admin_required
@require_http_methods(["GET", "POST"])
def biller_deactivate(request, pk):
    """GET asks for confirmation; POST deactivates (the biller can no longer log in)."""
    biller = get_for_entity(request, _billers(request), pk=pk)
    if request.method == "POST":
        _set_active(request, biller, False)
        messages.success(request, _("El facturador %(name)s fue desactivado.") % {"name": biller.full_name})
        return redirect("licensing:billers")
    return render(request, "licensing/biller_deactivate.html", {"biller": biller})


@admin_required
@require_POST
def biller_reactivate(request, pk):
    biller = get_for_entity(request, _billers(request), pk=pk)
    _set_active(request, biller, True)
    messages.success(request, _("El facturador %(name)s fue reactivado.") % {"name": biller.full_name})
    return redirect("licensing:billers")


@admin_required
@require_POST
def biller_unlock(request, pk):
    """Lift the lock that too many failed logins put on the biller's account."""
    biller = get_for_entity(request, _billers(request), pk=pk)
    logins.unlock(biller, request=request)
    messages.success(request, _("El ingreso de %(name)s fue desbloqueado.") % {"name": biller.full_name})
    return redirect("licensing:billers")


# -- the audit trail ------------------------------------------------------------------------------
def _audit_form(request) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None, entity=request.user.entity)


def _audit_events(request, form: AuditFilterForm):
    """The entity's events narrowed by the filters, newest first (none while the filters are wrong)."""
    events = AuditEvent.objects.for_entity(request.user.entity)
    if form.is_bound:
        events = form.filter(events) if form.is_valid() else events.none()
    return events


@admin_required
@require_GET
def audit_trail(request):
    form = _audit_form(request)
    page = page_number(request.GET.get("page"))
    start = (page - 1) * AUDIT_PAGE_SIZE
    # One row more than a page tells whether there is a next page, without counting.
    rows = list(_audit_events(request, form)[start : start + AUDIT_PAGE_SIZE + 1])
    for event in rows:
        event.action_label = audit.label(event.action)
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "events": rows[:AUDIT_PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > AUDIT_PAGE_SIZE,
        "has_previous": page > 1,
        "query": query.urlencode(),
    }
    return render(request, "licensing/audit.html", ctx)


@admin_required
@require_GET
def audit_trail_xlsx(request):
    form = _audit_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(" ".join(m for errors in form.errors.values() for m in errors), status=400)
    events = _audit_events(request, form)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_("Auditoría"))
    entity = request.user.entity
    ws.append([safe_cell(ws, _("Auditoría")), safe_cell(ws, entity.name)])
    ws.append([safe_cell(ws, _("Generado por")), safe_cell(ws, request.user.email)])
    ws.append([])
    headers = [_("Fecha"), _("Quién"), _("Acción"), _("Objeto"), _("Cambios"), _("Detalle"), _("Dirección IP")]
    ws.append([safe_cell(ws, h) for h in headers])
    for event in events.iterator(chunk_size=2000):
        ws.append(
            [
                timezone.localtime(event.at).replace(tzinfo=None),
                safe_value(ws, event.actor_label),
                safe_value(ws, audit.label(event.action)),
                safe_value(ws, event.target_label),
                safe_value(ws, event.changes_text()),
                safe_value(ws, event.detail),
                safe_value(ws, event.ip or ""),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    with transaction.atomic():
        audit.record("export", request=request, detail=_("Auditoría"))
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="auditoria_{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


# -- the receipt's header -------------------------------------------------------------------------
PREVIEW_FORMATS = ("80mm", "58mm", "letter")


def _header_forms(request):
    """The header form and, when the entity has a license, its DIAN resolution form."""
    entity = request.user.entity
    license = entity.current_license()
    data = request.POST if request.method == "POST" else None
    resolution = NumberingResolutionForm(data, instance=license, prefix="dian") if license else None

    def has_resolution() -> bool:
        if resolution is None:
            return False
        if data is None:
            return license.has_dian_resolution
        return resolution.is_valid() and bool(resolution.cleaned_data.get("dian_resolution"))

    header = ReceiptHeaderForm(data, request.FILES or None, instance=entity, has_resolution=has_resolution)
    return entity, license, header, resolution


@admin_required
@require_http_methods(["GET", "POST"])
def receipt_header(request):
    """The entity's administrator edits what every receipt prints above and around the sale."""
    entity, license, header, resolution = _header_forms(request)
    if request.method == "POST":
        valid = header.is_valid() & (resolution is None or resolution.is_valid())
        if valid:
            with transaction.atomic():
                before = audit.snapshot(Entity.objects.get(pk=entity.pk), HEADER_AUDIT_FIELDS)
                header.save()
                audit.record(
                    "entity_changed",
                    request=request,
                    target=entity,
                    changes=audit.diff(before, audit.snapshot(entity, HEADER_AUDIT_FIELDS)),
                )
                if resolution is not None and resolution.has_changed():
                    old = audit.snapshot(License.objects.get(pk=license.pk), RESOLUTION_FIELDS)
                    resolution.save()
                    audit.record(
                        "license_changed",
                        request=request,
                        target=license,
                        changes=audit.diff(old, audit.snapshot(license, RESOLUTION_FIELDS)),
                    )
            messages.success(request, _("Encabezado del comprobante actualizado."))
            return redirect("licensing:receipt_header")
    fmt = request.GET.get("formato", PREVIEW_FORMATS[0])
    ctx = {
        "header": header,
        "resolution": resolution,
        "license": license,
        "preview_format": fmt if fmt in PREVIEW_FORMATS else PREVIEW_FORMATS[0],
        "preview_formats": PREVIEW_FORMATS,
    }
    return render(request, "licensing/receipt_header.html", ctx, status=400 if request.method == "POST" else 200)


@admin_required
@require_GET
@xframe_options_sameorigin
def receipt_header_preview(request):
    """A sample receipt of the entity, exactly as one would print now (shown in the header page)."""
    fmt = request.GET.get("formato", PREVIEW_FORMATS[0])
    if fmt not in PREVIEW_FORMATS:
        raise Http404
    entity = request.user.entity
    license = entity.current_license() or License(entity=entity, receipt_from=1, receipt_to=1, next_receipt=1)
    now = timezone.now()
    sample = Receipt(
        entity=entity,
        license=license,
        prefix=license.receipt_prefix,
        number=license.next_receipt,
        biller=request.user,
        customer_name=_("Usuario de ejemplo"),
        customer_id_type="CC",
        customer_identification="1234567890",
        customer_phone="3001234567",
        meter_drn="47000000000",
        description=getattr(Product.objects.filter(entity=entity).first(), "description", DEFAULT_DESCRIPTION),
        price_per_kwh=Decimal("800"),
        iva_percent=Decimal("0"),
        amount_received=Decimal("8000"),
        kwh=Decimal("10.0"),
        subtotal=Decimal("8000"),
        iva=Decimal("0"),
        total=Decimal("8000"),
        code="0" * 20,
        issued_at=now,
        title=entity.receipt_title_for(license),
        resolution_text=license.resolution_text(),
    )
    return HttpResponse(render_receipt_html(sample, fmt, is_copy=False, printed_at=now))
