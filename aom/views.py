from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse


@login_required
def home(request):
    if request.user.entity_id is None:
        # The operator works in the Django admin.
        return redirect("admin:index")
    try:
        return redirect(reverse("billing:index"))
    except NoReverseMatch:  # the billing pages are not installed yet
        return render(request, "home.html")
