"""GOV.UK-style error pages."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be the reason we are here.
    body = loader.get_template("errors/500.html").render({"service_name": settings.SERVICE_NAME})
    return HttpResponseServerError(body)
