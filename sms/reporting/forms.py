"""Forms for recording facts and reporting, built from the kind of fact and the event catalogue."""

from django import forms

from sms.certificates.forms import PoundsField
from sms.core.forms import DocumentField, GovukForm, uk_date_field
from sms.reporting.catalogue import EVENT_CHOICES, EventType
from sms.reporting.models import Fact, Obligation, SponsoredPerson, fact_kinds_for

YES_NO = [("yes", "Yes"), ("no", "No")]
Kind = Fact.Kind

# The fields each kind of fact asks for, beyond its date.
FACT_FIELDS = {
    Kind.START_CONFIRMED: (),
    Kind.ABSENCE: ("end_date", "authorised", "paid", "leave_reason"),
    Kind.SALARY_CHANGE: ("new_salary",),
    Kind.ROLE_CHANGE: ("new_value",),
    Kind.LOCATION_CHANGE: ("new_value",),
    Kind.EMPLOYMENT_ENDED: (),
    Kind.ENROLLED: (),
    Kind.STUDENT_WITHDRAWN: (),
    Kind.STUDENT_SUSPENDED: ("end_date",),
    Kind.STUDENT_COMPLETED_EARLY: (),
}
DATE_LABEL = {
    Kind.START_CONFIRMED: "Date they started",
    Kind.ABSENCE: "First day of absence",
    Kind.SALARY_CHANGE: "Date the new salary took effect",
    Kind.ROLE_CHANGE: "Date of the change",
    Kind.LOCATION_CHANGE: "Date of the change",
    Kind.EMPLOYMENT_ENDED: "Last day of employment",
    Kind.ENROLLED: "Date they enrolled",
    Kind.STUDENT_WITHDRAWN: "Date they withdrew",
    Kind.STUDENT_SUSPENDED: "First day of the suspension",
    Kind.STUDENT_COMPLETED_EARLY: "Date they completed",
}


def facts_for(person: SponsoredPerson) -> list[str]:
    return fact_kinds_for(person.kind)


class FactForm(GovukForm):
    """One fact about a person; which fields appear depends on the kind of fact."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        label = DATE_LABEL.get(kind, "Date")  # an unknown kind (a bad CSV cell) still has its date checked
        self.fields["start_date"] = uk_date_field(label, f"Enter the {label[0].lower() + label[1:]}")
        wanted = FACT_FIELDS.get(kind, ())
        if "end_date" in wanted:
            self.fields["end_date"] = uk_date_field("Last day (leave blank if it has not ended)")
        if "authorised" in wanted:
            self.fields["authorised"] = forms.ChoiceField(
                label="Did you give permission for the absence?", choices=YES_NO, widget=forms.RadioSelect,
                error_messages={"required": "Select whether the absence was authorised"},
            )  # fmt: skip
        if "paid" in wanted:
            self.fields["paid"] = forms.ChoiceField(
                label="Was it paid?", choices=YES_NO, widget=forms.RadioSelect,
                error_messages={"required": "Select whether the absence was paid"},
            )  # fmt: skip
        if "leave_reason" in wanted:
            self.fields["leave_reason"] = forms.ChoiceField(
                label="Reason for the leave (optional)", choices=Fact.LeaveReason.choices, required=False
            )
        if "new_salary" in wanted:
            self.fields["new_salary"] = PoundsField(
                label="New gross annual salary (£)", error_messages={"required": "Enter the new salary"}
            )
        if "new_value" in wanted:
            label = "New job title and duties" if kind == Kind.ROLE_CHANGE else "New main work address"
            self.fields["new_value"] = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": f"Enter the {label.lower()}"},
            )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day must be on or after the first day")
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "start_date": data["start_date"],
            "end_date": data.get("end_date"),
            "authorised": {"yes": True, "no": False}.get(data.get("authorised")),
            "paid": {"yes": True, "no": False}.get(data.get("paid")),
            "leave_reason": data.get("leave_reason") or "",
            "new_salary_pence": data.get("new_salary"),
            "new_value": data.get("new_value") or "",
            "notes": data.get("notes") or "",
        }


class ReportForm(GovukForm):
    """The report an event needs (its catalogue fields), evidence and the declaration."""

    def __init__(self, *args, event: EventType, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in event.fields:
            if spec.kind == "date":
                field = uk_date_field(spec.label, f"Enter the {spec.label.lower()}" if spec.required else "")
            elif spec.kind == "pounds":
                field = PoundsField(label=spec.label, required=spec.required)
            else:
                widget = forms.Textarea(attrs={"rows": 4}) if spec.kind == "long_text" else forms.TextInput()
                field = forms.CharField(label=spec.label, required=spec.required, widget=widget)
            field.error_messages["required"] = f"Enter {spec.label[0].lower() + spec.label[1:]}"
            self.fields[spec.name] = field
        self.fields["evidence"] = DocumentField(
            label="Evidence (optional)",
            required=False,
            help_text="A PDF, PNG, JPG or Word (DOCX) file, smaller than 10MB.",
        )
        self.fields["declaration"] = forms.BooleanField(
            label="I confirm this report is true and complete",
            error_messages={"required": "Confirm the declaration to send the report"},
        )

    def report(self) -> dict:
        """The structured fields as stored on the obligation (dates as ISO text)."""
        result = {}
        for name, value in self.cleaned_data.items():
            if name in ("evidence", "declaration") or value in (None, ""):
                continue
            result[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return result


class OpenObligationForm(GovukForm):
    event = forms.ChoiceField(
        label="What happened?", choices=EVENT_CHOICES, error_messages={"required": "Select the event"}
    )
    trigger_date = uk_date_field("Date it happened", "Enter the date it happened")
    person = forms.ChoiceField(label="Who it is about (optional)", required=False)
    details = forms.CharField(label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "The organisation"), *[(str(p.uuid), p.full_name) for p in people]]


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why are you cancelling it?", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the obligation is cancelled"},
    )  # fmt: skip


class ObligationFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Obligation.Status.choices])
    event = forms.ChoiceField(label="Event", required=False, choices=[("", "Any event"), *EVENT_CHOICES])
    q = forms.CharField(label="Worker or student name", required=False, max_length=100)
    due_before = uk_date_field("Due on or before")


class FactsImportForm(GovukForm):
    upload = forms.FileField(label="CSV file", error_messages={"required": "Select a file to upload"})
