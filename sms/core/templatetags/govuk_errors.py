"""The GOV.UK error summary's links, each to the element that takes focus for its field.

crispy-forms-gds links every error to the field's ``auto_id``, which no element has for radios and
checkboxes (their inputs are ``id_<name>_1``, ``id_<name>_2``...) or for a GOV.UK date input (its
inputs are ``<id>_0`` for the day, then month and year). GOV.UK: the link goes to the first radio or
checkbox, and to the day input of a date.
"""

from django import forms, template

register = template.Library()


def field_anchor(bound_field) -> str:
    """The id of the element an error summary link for this field should focus."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"  # crispy-forms-gds numbers the options from 1
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"  # the first part: the day of a date input
    return bound_field.auto_id


@register.filter
def error_links(form) -> list[tuple[str, str]]:
    """(element id, message) for every error on the form, non-field errors first, linked to the
    first field."""
    fields = list(form.visible_fields())
    links = []
    if fields:
        links.extend((field_anchor(fields[0]), error) for error in form.non_field_errors())
    for bound_field in fields:
        seen = []
        if isinstance(bound_field.field, forms.MultiValueField):
            for index, subfield in enumerate(bound_field.field.fields):
                for error in getattr(subfield.widget, "errors", []):
                    links.append((f"{bound_field.auto_id}_{index}", error))
                    seen.append(error)
        anchor = field_anchor(bound_field)
        links.extend((anchor, error) for error in bound_field.errors if error not in seen)
    return links
