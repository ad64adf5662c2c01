from sms.core.forms import GovukForm, uk_date_field


class PackPeriodForm(GovukForm):
    """The period the audit trail and the reports made are taken from (the rest is as it stands today)."""

    period_start = uk_date_field("From", "Enter the first day of the period", example="24/11/2025")
    period_end = uk_date_field("To", "Enter the last day of the period", example="23/11/2026")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be the same as or after its start")
        return data
