"""The administrators' pages for their entity: its billers (recharge points) and the receipt's header."""

from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aom import audit
from aom.access import admin_required, get_for_entity
from aom.models import User
from billing.models import DEFAULT_DESCRIPTION, Product, Receipt
from billing.receipts import render_receipt_html
from licensing.forms import RESOLUTION_FIELDS, BillerForm, NumberingResolutionForm, ReceiptHeaderForm
from licensing.models import Entity, License

HEADER_AUDIT_FIELDS = ["name", "nit", "address", "city", "phone", "email", "web", "logo", "sponsor", "receipt_title"]


def _billers(request):
    return User.objects.filter(entity_id=request.user.entity_id, role=User.Role.BILLER)


@admin_required
def billers(request):
    rows = _billers(request).order_by("-is_active", "full_name")
    return render(request, "licensing/billers.html", {"billers": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def biller_add(request):
    form = BillerForm(request.POST or None, entity=request.user.entity)
    if request.method == "POST" and form.is_valid():
        biller = form.save()
        messages.success(request, _("Facturador %(name)s creado.") % {"name": biller.full_name})
        return redirect("licensing:billers")
    return render(request, "licensing/biller_form.html", {"form": form})


@admin_required
@require_http_methods(["GET", "POST"])
def biller_edit(request, pk):
    biller = get_for_entity(request, _billers(request), pk=pk)
    form = BillerForm(request.POST or None, instance=biller, entity=request.user.entity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Actualizado correctamente"))
        return redirect("licensing:billers")
    return render(request, "licensing/biller_form.html", {"form": form, "biller": biller})


@admin_required
@require_http_methods(["GET", "POST"])
def biller_deactivate(request, pk):
    """GET asks for confirmation; POST deactivates (the biller can no longer log in)."""
    biller = get_for_entity(request, _billers(request), pk=pk)
    if request.method == "POST":
        biller.is_active = False
        biller.save(update_fields=["is_active"])
        messages.success(request, _("El facturador %(name)s fue desactivado.") % {"name": biller.full_name})
        return redirect("licensing:billers")
    return render(request, "licensing/biller_deactivate.html", {"biller": biller})


@admin_required
@require_POST
def biller_reactivate(request, pk):
    biller = get_for_entity(request, _billers(request), pk=pk)
    biller.is_active = True
    biller.save(update_fields=["is_active"])
    messages.success(request, _("El facturador %(name)s fue reactivado.") % {"name": biller.full_name})
    return redirect("licensing:billers")


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
