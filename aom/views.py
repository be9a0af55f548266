from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext as _

from aom import audit


@login_required
def home(request):
    if request.user.entity_id is None:
        # The operator works in the Django admin.
        return redirect("admin:index")
    try:
        return redirect(reverse("billing:index"))
    except NoReverseMatch:  # the billing pages are not installed yet
        return render(request, "home.html")


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
