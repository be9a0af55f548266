from django.conf import settings
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
