"""The administrators' pages for their entity's billers (recharge points)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aom.access import admin_required, get_for_entity
from aom.models import User
from licensing.forms import BillerForm


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
