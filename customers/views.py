"""Customers and meters: the administrator's pages (seed figures 8 and 9)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aom.access import admin_required, get_for_entity
from customers.forms import CustomerForm, CustomerSearchForm, FirstMeterForm, IdentificationSearchForm, MeterForm
from customers.models import Customer, Meter
from licensing.models import LicenseError
from tokens.services import admin_password_for

PAGE_SIZE = 25

MESSAGE_ADDED = _("Agregado correctamente")
MESSAGE_UPDATED = _("Actualizado correctamente")
MESSAGE_NOT_YOURS = _("No tiene permisos para modificar los datos de este usuario")


@admin_required
def customer_list(request):
    search = CustomerSearchForm(request.GET or None)
    qs = Customer.objects.filter(entity_id=request.user.entity_id).prefetch_related("meters")
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q)
            | Q(identification__icontains=q)
            | Q(phone__icontains=q)
            | Q(meters__drn__icontains=q)
        ).distinct()
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
                    if with_meter:
                        meter_form.instance.customer = customer
                        meter_form.save()
            except LicenseError as e:
                messages.error(request, str(e))
            else:
                messages.success(request, MESSAGE_ADDED)
                return redirect("customers:detail", pk=customer.pk)
        elif form.has_error("identification", "duplicate"):
            messages.error(request, form.errors["identification"][0])
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
        customer = Customer.objects.filter(entity_id=request.user.entity_id, identification__iexact=ident).first()
        if customer is None:
            if Customer.objects.filter(identification__iexact=ident).exists():
                messages.error(request, MESSAGE_NOT_YOURS)
            else:
                messages.error(request, _("No existe un usuario con la identificación %(id)s.") % {"id": ident})
        else:
            form = CustomerForm(request.POST or None, instance=customer, entity=request.user.entity)
            if request.method == "POST":
                if form.is_valid():
                    form.save()
                    messages.success(request, MESSAGE_UPDATED)
                    return redirect(
                        f"{reverse('customers:edit')}?{urlencode({'identificacion': customer.identification})}"
                    )
                if form.has_error("identification", "duplicate"):
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
        form.save()
        messages.success(request, MESSAGE_ADDED)
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/meter_form.html", {"form": form, "customer": customer})


@admin_required
@require_http_methods(["GET", "POST"])
def meter_edit(request, pk):
    meter = get_for_entity(request, Meter.objects.select_related("customer", "entity"), pk=pk)
    form = MeterForm(request.POST or None, instance=meter, entity=request.user.entity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, MESSAGE_UPDATED)
        return redirect("customers:detail", pk=meter.customer_id)
    context = {"form": form, "customer": meter.customer, "meter": meter, "admin_password": admin_password_for(meter)}
    return render(request, "customers/meter_form.html", context)
