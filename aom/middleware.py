from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
