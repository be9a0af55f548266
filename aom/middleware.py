import time

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Spanish unless the person chose another language with the selector.

    Django's LocaleMiddleware also follows the browser's Accept-Language, but many recharge
    points run a laptop whose system language is English: their cashiers must still get the
    Spanish UI. Only the language cookie set by the selector (`set_language`) switches it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class PageGZipMiddleware(GZipMiddleware):
    """Compress the pages and JSON answers, nothing else.

    Static files come compressed from whitenoise; PDFs and .xlsx files are compressed formats
    already, and gzipping a 100,000-row report again would only cost time. BREACH (a secret
    guessed from compressed sizes, with text the attacker puts in the same page): Django's
    GZipMiddleware pads every response with up to 100 random bytes ("Heal the BREACH"), and
    the CSRF token in a page is masked anew on every response, so it never repeats.
    """

    COMPRESSIBLE = ("text/html", "application/json")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class PasswordChangeRequiredMiddleware:
    """An account with a temporary password may open only the password change page (and log
    out, or switch language) until it has chosen its own password."""

    ALLOWED = {"password_change", "logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        if request.resolver_match.view_name in self.ALLOWED:
            return None
        return redirect("password_change")


SESSION_TOUCHED = "_aom_touched"
TOUCH_EVERY_SECONDS = 60


def touch_session(session) -> None:
    session[SESSION_TOUCHED] = int(time.time())


def touch_session_on_login(sender, request, user, **kwargs):
    touch_session(request.session)


class SessionIdleMiddleware:
    """A session ends after SESSION_COOKIE_AGE without a request: each request pushes its expiry
    forward. The push is a write, so it is done at most once a minute, not on every request
    (SESSION_SAVE_EVERY_REQUEST would add a write to every cashier's click)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None:
            return response
        if session.modified or time.time() - session.get(SESSION_TOUCHED, 0) >= TOUCH_EVERY_SECONDS:
            touch_session(session)
        return response


def refuse_nul_characters(get_response):
    """A query string holding a NUL character gets a 400 before any view reads it.

    PostgreSQL cannot store or compare a string with NUL (psycopg refuses it), so a view that
    searches with a parameter as typed (`?q=%00`) would answer 500. Form fields already refuse
    NUL in posted data with a message (Django's ProhibitNullCharactersValidator).
    """

    def middleware(request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(
                _("La dirección contiene un carácter no válido (NUL)."), content_type="text/plain; charset=utf-8"
            )
        return get_response(request)

    return middleware
