import uuid

from xinan.audit.services import request_id_var


class RequestIdMiddleware:
    """Gives each request an id that its audit events carry (and the response echoes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-Id"] = request.id
        return response


class LanguageMiddleware:
    """Chinese first: the interface is zh-Hans unless the person chose another language with the
    switch (the language cookie); the browser's Accept-Language does not override the default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        with translation.override(language):  # restored afterwards: no language leaks between requests
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
