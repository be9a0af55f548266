"""Customers and meters: the administrator's pages (seed figures 8 and 9)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aom import audit
from aom.access import admin_required, get_for_entity
from customers import selectors
from customers.forms import (
    MESSAGE_DUPLICATE_ID,
    CustomerForm,
    CustomerSearchForm,
    FirstMeterForm,
    IdentificationSearchForm,
    MeterForm,
)
from customers.models import Customer, Meter
from licensing.models import LicenseError
from tokens.services import admin_password_for

PAGE_SIZE = 25

MESSAGE_ADDED = _("Agregado correctamente")
MESSAGE_UPDATED = _("Actualizado correctamente")
MESSAGE_NOT_YOURS = _("No tiene permisos para modificar los datos de este usuario")

# What the audit trail keeps of each change (never a key: the STS overrides are parameters).
CUSTOMER_FIELDS = ("id_type", "identification", "full_name", "phone", "email", "address", "data_consent_on")
METER_FIELDS = tuple(MeterForm.Meta.fields)


def _save_meter(request, form: MeterForm) -> Meter:
    """Save the meter form and record it in the audit trail (inside the caller's transaction)."""
    created = form.instance.pk is None
    before = {} if created else audit.snapshot(Meter.objects.get(pk=form.instance.pk), METER_FIELDS)
    meter = form.save()
    after = audit.snapshot(meter, METER_FIELDS)
    audit.record(
        "meter_created" if created else "meter_changed",
        request=request,
        target=meter,
        changes=audit.diff(before, after),
    )
    return meter


@admin_required
def customer_list(request):
    search = CustomerSearchForm(request.GET or None)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    qs = selectors.search_customers(request.user.entity, q).prefetch_related("meters")
    page = Paginator(qs.order_by("full_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/list.html", {"page": page, "search": search, "q": q})


@admin_required
@require_http_methods(["GET", "POST"])
def customer_add(request):
    entity = request.user.entity
    data = request.POST if request.method == "POST" else None
    form = CustomerForm(data, entity=entity)
    meter_form = FirstMeterForm(data, entity=entity)
    if request.method == "POST":
        with_meter = not meter_form.is_blank()
        if form.is_valid() and (not with_meter or meter_form.is_valid()):
            try:
                with transaction.atomic():
                    entity.check_can_add_customers()
                    customer = form.save()
                    audit.record(
                        "customer_created",
                        request=request,
                        target=customer,
                        changes=audit.diff({}, audit.snapshot(customer, CUSTOMER_FIELDS)),
                    )
                    if with_meter:
                        meter_form.instance.customer = customer
                        _save_meter(request, meter_form)
            except LicenseError as e:
                messages.error(request, str(e))
            except IntegrityError:
                # Someone stored the same identification or serial between the check and the save.
                messages.error(request, MESSAGE_DUPLICATE_ID)
            else:
                messages.success(request, MESSAGE_ADDED)
                return redirect("customers:detail", pk=customer.pk)
        elif form.has_error("identification", "duplicate"):
            messages.error(request, form.errors["identification"][0])
        if not with_meter:
            # Left blank, the optional meter is not wrong: show it blank, without errors.
            meter_form = FirstMeterForm(entity=entity)
    else:
        try:
            entity.check_can_add_customers()
        except LicenseError as e:
            messages.warning(request, str(e))
    return render(request, "customers/add.html", {"form": form, "meter_form": meter_form})


@admin_required
@require_http_methods(["GET", "POST"])
def customer_edit(request):
    """Search the identification first (GET ?identificacion=), then change the data (POST)."""
    search = IdentificationSearchForm(request.GET or None)
    customer = form = None
    if search.is_valid():
        ident = search.cleaned_data["identificacion"]
        customer = selectors.customer_by_identification(request.user.entity, ident)
        if customer is None:
            if selectors.identification_elsewhere(request.user.entity, ident):
                messages.error(request, MESSAGE_NOT_YOURS)
            else:
                messages.error(request, _("No existe un usuario con la identificación %(id)s.") % {"id": ident})
        else:
            form = CustomerForm(request.POST or None, instance=customer, entity=request.user.entity)
            if request.method == "POST":
                before = audit.snapshot(customer, CUSTOMER_FIELDS)
                if form.is_valid():
                    try:
                        with transaction.atomic():
                            form.save()
                            changes = audit.diff(before, audit.snapshot(customer, CUSTOMER_FIELDS))
                            audit.record("customer_changed", request=request, target=customer, changes=changes)
                    except IntegrityError:
                        messages.error(request, MESSAGE_DUPLICATE_ID)
                    else:
                        messages.success(request, MESSAGE_UPDATED)
                        return redirect(
                            f"{reverse('customers:edit')}?{urlencode({'identificacion': customer.identification})}"
                        )
                elif form.has_error("identification", "duplicate"):
                    messages.error(request, form.errors["identification"][0])
    elif request.method == "POST":
        messages.error(request, _("Busque primero el usuario por su identificación."))
    return render(request, "customers/edit.html", {"search": search, "customer": customer, "form": form})


@admin_required
def customer_detail(request, pk):
    customer = get_for_entity(request, Customer, pk=pk)
    meters = customer.meters.select_related("entity")
    return render(request, "customers/detail.html", {"customer": customer, "meters": meters})


@admin_required
@require_http_methods(["GET", "POST"])
def meter_add(request, customer_pk):
    customer = get_for_entity(request, Customer, pk=customer_pk)
    form = MeterForm(request.POST or None, entity=request.user.entity, customer=customer)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _save_meter(request, form)
        messages.success(request, MESSAGE_ADDED)
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/meter_form.html", {"form": form, "customer": customer})


@admin_required
@require_http_methods(["GET", "POST"])
def meter_edit(request, pk):
    meter = get_for_entity(request, Meter.objects.select_related("customer", "entity"), pk=pk)
    form = MeterForm(request.POST or None, instance=meter, entity=request.user.entity)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _save_meter(request, form)
        messages.success(request, MESSAGE_UPDATED)
        return redirect("customers:detail", pk=meter.customer_id)
    # The password of the meter as stored: a refused form has put its typed values on `meter`.
    stored = Meter.objects.select_related("entity").get(pk=meter.pk)
    context = {"form": form, "customer": meter.customer, "meter": meter, "admin_password": admin_password_for(stored)}
    return render(request, "customers/meter_form.html", context)
