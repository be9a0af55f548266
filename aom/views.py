from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from aom import audit
from billing import reports
from billing.selectors import receipts_for

LATEST_RECEIPTS = 5


@login_required
def home(request):
    """Today at a glance: a biller's own sales; the entity's sales and its license for an administrator."""
    user = request.user
    if user.entity_id is None:
        # The operator works in the Django admin.
        return redirect("admin:index")
    entity = user.entity
    today = timezone.localdate()
    mine = reports.SalesFilter(entity=entity, start=today, end=today, biller=user)
    since, _until = reports.day_bounds(today, today)
    ctx = {
        "today": today,
        "my_totals": reports.sales_summary(mine),
        "latest": receipts_for(user).filter(biller=user, issued_at__gte=since)[:LATEST_RECEIPTS],
    }
    if user.is_admin:
        license = entity.current_license()
        ctx.update(
            entity_totals=reports.sales_summary(reports.SalesFilter(entity=entity, start=today, end=today)),
            billers=reports.sales_per_biller(entity, today, today),
            license=license,
            license_expired=license is not None and license.is_expired(),
            customers=entity.customers.count(),
        )
    return render(request, "home.html", ctx)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every account changes its own password here (the menu's "Cambiar contraseña"); an account
    with a temporary password is sent here until it does (aom.middleware)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        form.user.must_change_password = False  # saved with the new password
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record("password_changed", request=self.request, target=form.user)
        messages.success(self.request, _("Su contraseña fue cambiada."))
        return response
