from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
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
