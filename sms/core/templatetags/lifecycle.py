"""``{% load lifecycle %}``: ask a model's transition table whether an action's status move is allowed."""

from django import template

from sms.core import lifecycle

register = template.Library()


@register.filter
def allowed(obj, to_status: str) -> bool:
    """``{% if certificate|allowed:"withdrawn" %}``: the table allows ``obj`` to move to ``to_status``."""
    return hasattr(obj, "TRANSITIONS") and lifecycle.allowed(obj, to_status)
