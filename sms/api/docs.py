"""The OpenAPI document and a page that lists the endpoints from it (server-rendered: no script
from elsewhere, which the Content Security Policy forbids)."""

from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.api.problems import problem_json


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3.1 document, public: it describes the API, not any sponsor's data."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    renderer_classes = [JSONRenderer]

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.policy_action = Action.PUBLIC
        view.login_required = False
        view.api = True
        return view


METHODS = ("get", "post")


class DocumentationView(PolicyMixin, TemplateView):
    """Every endpoint with its summary, parameters and answers, read from the OpenAPI document."""

    action = Action.PUBLIC
    template_name = "api/documentation.html"

    def get_context_data(self, **kwargs):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        sections: dict[str, list] = {}
        for path, operations in schema["paths"].items():
            for method in METHODS:
                operation = operations.get(method)
                if operation is None:
                    continue
                tag = (operation.get("tags") or ["Other"])[0]
                sections.setdefault(tag, []).append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "parameters": [
                            p for p in operation.get("parameters", []) if p.get("in") in ("query", "header")
                        ],
                        "responses": sorted(operation.get("responses", {})),
                    }
                )
        return {**super().get_context_data(**kwargs), "sections": sections, "title": "API documentation"}


@csrf_exempt  # no session signs an API request in, so there is nothing to forge
def not_found(request, *args, **kwargs):
    """An address under /api/ that names no endpoint: a problem, not the HTML page."""
    return problem_json(404, "There is no such endpoint")


not_found.policy_action = Action.PUBLIC
not_found.login_required = False
not_found.api = True
