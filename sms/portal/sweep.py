"""The daily sweep: every app's set-based step, in order. ``manage.py compliance_sweep`` runs it once a
day; the benchmark times it whole (issue 14: 1,000,000 workers in 30 s).

Each step is idempotent, so running the sweep twice on one day changes nothing.
"""

from datetime import date

from django.utils import timezone

from sms.alerts.services import alerts_sweep
from sms.certificates.services.allocations import allocations_low_reminders
from sms.certificates.services.bulk import certificate_imports_expire
from sms.certificates.services.certificates import certificates_expire
from sms.licensing.services.licence import licence_expiry_reminders, licences_expire
from sms.payments.services import payments_reconcile
from sms.reporting.services.sweep import obligations_sweep
from sms.trail.services import audit_exports_purge


def daily_sweep(*, today: date | None = None) -> dict[str, int]:
    """Run the day's steps and say what each did."""
    today = today or timezone.localdate()
    counts = {"licences_expired": licences_expire(today=today)}
    counts["certificates_expired"], counts["requests_lapsed"] = certificates_expire(today=today)
    obligations = obligations_sweep(today=today)
    counts["obligations_opened"] = sum(count for key, count in obligations.items() if key != "overdue")
    counts["obligations_overdue"] = obligations["overdue"]
    counts["payments_checked"] = payments_reconcile()["checked"]
    # Reminders on sponsors' message boards, each posted once (per expiry date; per year and category).
    counts["expiry_reminders"] = licence_expiry_reminders(today=today)
    counts["allocation_reminders"] = allocations_low_reminders(today=today)
    # Alerts to the users each sponsor chose (sms/alerts/rules.py RULES), once each; one digest email per user.
    counts["alerts"] = alerts_sweep(today=today)
    # Background audit exports past their 7-day download: their files go.
    counts["exports_purged"] = audit_exports_purge()
    # Background certificate imports abandoned for a day end, and their uploaded files go.
    counts["imports_expired"] = certificate_imports_expire()
    return counts
