"""Form plumbing shared by every app: GOV.UK rendering through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from django import forms


class GovukFormMixin:
    """Render with the GOV.UK template pack; the page template owns the <form> tag and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class GovukForm(GovukFormMixin, forms.Form):
    """A plain form in GOV.UK style."""
