"""The request's client IP, available to `audit.record` without passing requests into services."""

from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)
# The API token a request is made with ("name (#id)"), set by the API's authentication: every row
# written during the request names it, so each use of a token is attributable.
current_api_token: ContextVar[str | None] = ContextVar("audit_current_api_token", default=None)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry our own proxies added."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Remember the client IP for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        api_token = current_api_token.set(None)
        try:
            return self.get_response(request)
        finally:
            current_api_token.reset(api_token)
            current_ip.reset(token)
