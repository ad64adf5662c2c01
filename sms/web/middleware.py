"""Response headers for what a signed-in person sees."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


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
