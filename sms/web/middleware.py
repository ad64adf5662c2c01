"""Response headers for what a signed-in person sees."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers, patch_cache_control

from sms.core.exceptions import IllegalTransition

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NoStoreWhenSignedInMiddleware:
    """Pages and downloads for a signed-in person are never kept by the browser or a proxy.

    They hold sponsor and personal data; a shared computer's back button or cache must not show
    them after sign-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class RefuseNulCharactersMiddleware:
    """A NUL character in the address, a query parameter, a form field or a cookie is refused with
    400 before any view runs: no page takes one, and PostgreSQL refuses them in text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            if request.path.startswith("/api/"):  # the API answers in its own error format
                return JsonResponse(
                    {"type": "about:blank", "title": "Bad request", "status": 400,
                     "detail": "The request contains a NUL character"},
                    status=400, content_type="application/problem+json",
                )  # fmt: skip
            body = loader.get_template("errors/400.html").render({"service_name": settings.SERVICE_NAME})
            return HttpResponseBadRequest(body)
        return self.get_response(request)


def _holds_nul(request) -> bool:
    if NUL in request.path:
        return True
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    data = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        data.append(request.POST)
    return any(NUL in key or any(NUL in value for value in values) for query in data for key, values in query.lists())


class TransitionConflictMiddleware:
    """A status change that is no longer allowed (the same button pressed twice, or someone else
    decided first) that no view handled is answered 409 with its reason, not a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, IllegalTransition):
            return render(request, "errors/409.html", {"reason": str(exception)}, status=409)
        return None
