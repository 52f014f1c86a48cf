class SessionSecurityMiddleware:
    """Idle timeout, forced password change and forced second-factor enrolment (filled in by
    identity.session_rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
