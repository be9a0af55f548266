from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    if request.user.entity_id is None:
        # The operator works in the Django admin.
        return redirect("admin:index")
    return render(request, "home.html")
