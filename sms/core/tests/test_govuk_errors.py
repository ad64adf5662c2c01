"""Error summary links go to the first radio or checkbox, and to the day input of a GOV.UK date."""

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.template import Context, Template

from sms.core.forms import GovukForm


class ChoicesForm(GovukForm):
    name = forms.CharField(label="Name")
    paid = forms.ChoiceField(label="Paid?", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(
        label="Reasons", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    born = DateInputField(label="Date of birth")


def test_links_go_to_the_first_option_and_the_day_input():
    form = ChoicesForm(data={})
    form.is_valid()
    form.add_error(None, "Something about the whole form")
    html = Template("{% load crispy_forms_gds %}{% error_summary form %}").render(Context({"form": form}))
    fragments = [part.split('"')[0] for part in html.split('href="#')[1:]]
    assert fragments == ["id_name", "id_name", "id_paid_1", "id_reasons_1", "id_born_0"]
