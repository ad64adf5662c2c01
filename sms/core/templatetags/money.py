from django import template

from sms.core.fees import format_pounds

register = template.Library()


@register.filter
def pounds(pence) -> str:
    """Show an amount in pence as pounds: 157900 -> £1,579."""
    return "" if pence in (None, "") else format_pounds(int(pence))
