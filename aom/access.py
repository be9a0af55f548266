"""Who may see what: role decorators and per-entity object lookups.

Views answer 403 when the role may not use them and 404 for another entity's objects (so that
the existence of another entity's rows is never revealed).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404


def entity_member_required(view: Callable) -> Callable:
    """Logged in and belonging to an entity (administrator or biller)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.entity_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: Callable) -> Callable:
    """Logged in as an administrator of an entity."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_for_entity(request, model_or_qs: type[Model] | QuerySet, **lookup) -> Model:
    """The object of the user's entity matching `lookup`, or 404 (also for another entity's)."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    return get_object_or_404(qs, entity_id=request.user.entity_id, **lookup)
