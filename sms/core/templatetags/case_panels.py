from django import template
from django.utils.safestring import mark_safe

from sms.core import case_panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panels(context, case_type: str, obj) -> str:
    """The panels registered apps add to a case's page (casework: assignment and internal notes)."""
    return mark_safe(registry.render(request=context.get("request"), case_type=case_type, obj=obj))  # noqa: S308
