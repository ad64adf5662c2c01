"""Panels that higher apps add to a case's decision page.

A decision page (an allocation request, a defined CoS, an application...) lives in a lower app and
cannot import the casework app above it; casework registers a provider here instead, and the
page's template asks for the panels with ``{% case_panels case_type obj %}``.
"""

from collections.abc import Callable

Provider = Callable[..., str]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider: called as ``provider(request=, case_type=, obj=)``, it returns HTML (or "")."""
    if provider not in _providers:
        _providers.append(provider)


def render(*, request, case_type: str, obj) -> str:
    return "".join(provider(request=request, case_type=case_type, obj=obj) for provider in _providers)
