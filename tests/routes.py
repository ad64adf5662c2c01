"""Every route of the service, read from the URL resolver, for the tests that must cover them all."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str
    callback: object

    @property
    def action(self):
        return getattr(self.callback, "policy_action", None)

    @property
    def is_api(self) -> bool:
        """A JSON API endpoint (sms.api): signed in by a token, walked by the API's own route tests."""
        return getattr(self.callback, "api", False)

    @property
    def takes_arguments(self) -> bool:
        return "<" in self.pattern

    @property
    def methods(self) -> list[str]:
        view_class = getattr(self.callback, "view_class", None)
        allowed = getattr(view_class, "http_method_names", ["get"])
        return [method for method in ("get", "post") if method in allowed and hasattr(view_class, method)]


def all_routes(*, api: bool = False) -> list[Route]:
    """Every page's route; with ``api``, the JSON API's endpoints too (tests/test_api_routes.py walks them)."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
                )
                walk(entry.url_patterns, prefix + str(entry.pattern), inner or "")
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                routes.append(Route(name=name, pattern=prefix + str(entry.pattern), callback=entry.callback))

    walk(get_resolver().url_patterns, "", "")
    return [route for route in routes if api or not route.is_api]
