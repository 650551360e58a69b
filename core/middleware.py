from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class DefaultLanguageMiddleware:
    """Chinese unless the user chose otherwise on the page.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an
    English system would get English. The portal's language is Simplified Chinese by default;
    the switch in the navigation bar (Django's set_language view) stores the choice in the
    language cookie, which this middleware honours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
