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
