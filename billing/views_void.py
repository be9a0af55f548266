"""Voided receipts: the void page of a receipt, and the administrator's list of requests."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aom.access import admin_required, entity_member_required, get_for_entity
from billing.models import ReceiptVoid
from billing.selectors import receipts_for
from billing.voids import VoidError, decide_void, request_void


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motivo"), min_length=5, max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_reason(self):
        return " ".join(self.cleaned_data["reason"].split())


@require_http_methods(["GET", "POST"])
@entity_member_required
def void(request, pk: int):
    receipt = get_for_entity(request, receipts_for(request.user).select_related("biller"), pk=pk)
    form = VoidForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                request_void(user=request.user, receipt=receipt, reason=form.cleaned_data["reason"], request=request)
            except VoidError as e:
                form.add_error(None, str(e))
            else:
                if request.user.is_admin:
                    messages.success(request, _("Comprobante %(n)s anulado.") % {"n": receipt.full_number})
                else:
                    messages.success(request, _("Anulación solicitada: un administrador debe concederla."))
                return redirect("billing:done", pk=receipt.pk)
        status = 400
    ctx = {"receipt": receipt, "form": form, "current": getattr(receipt, "void", None)}
    return render(request, "billing/void.html", ctx, status=status)


@require_GET
@admin_required
def void_requests(request):
    pending = (
        ReceiptVoid.objects.filter(receipt__entity_id=request.user.entity_id, status=ReceiptVoid.Status.REQUESTED)
        .select_related("receipt", "requested_by")
        .order_by("requested_at")
    )
    return render(request, "billing/void_requests.html", {"pending": pending})


@require_POST
@admin_required
def void_decide(request, pk: int):
    void = get_object_or_404(
        ReceiptVoid.objects.select_related("receipt"), pk=pk, receipt__entity_id=request.user.entity_id
    )
    decision = request.POST.get("decision")
    if decision not in ("grant", "refuse"):
        messages.error(request, _("Elija conceder o rechazar la anulación."))
        return redirect("billing:void_requests")
    try:
        decide_void(admin=request.user, void=void, grant=decision == "grant", request=request)
    except VoidError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Anulación concedida.") if decision == "grant" else _("Anulación rechazada."))
    return redirect("billing:void_requests")
