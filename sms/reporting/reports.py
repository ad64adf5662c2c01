"""What a report form starts from, and how a sent report reads: labels from the event catalogue and
UK dates ("3 March 2026"), never stored keys or ISO dates."""

from datetime import date

from sms.core.dates import add_working_days
from sms.core.fees import format_pounds
from sms.core.selectors import closure_days
from sms.reporting.catalogue import EVENTS
from sms.reporting.models import Fact, Obligation
from sms.reporting.services.obligations import sponsor_nation

# Stored keys that are not fields of the event's report.
EXTRA_LABELS = {"opened_with": "Details given when it was opened"}


def uk_date(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def _absence_initial(obligation: Obligation, fact: Fact) -> dict:
    initial = {"absence_start": fact.start_date, "contact_attempts": fact.notes}
    if fact.end_date:
        nation = sponsor_nation(obligation.sponsor_id)
        initial["return_date"] = add_working_days(fact.end_date, 1, nation=nation, closures=closure_days(nation=nation))
    return initial


def _fact_initial(obligation: Obligation, fact: Fact) -> dict:
    """The report's fields from the fact that opened the obligation."""
    on = uk_date(fact.start_date)
    event = obligation.event
    if event in ("unauthorised_absence", "student_absence"):
        initial = _absence_initial(obligation, fact)
        if event == "student_absence":
            last = f" to {uk_date(fact.end_date)}" if fact.end_date else ", not yet returned"
            initial["details"] = f"Absent without permission from {on}{last}."
        return initial
    if event == "employment_ended":
        reason = fact.get_end_reason_display() if fact.end_reason else ""
        return {"last_day": fact.start_date, "reason": "\n".join(part for part in (reason, fact.notes) if part)}
    if event == "salary_change":
        return {"new_salary": fact.new_salary_pence, "effective_date": fact.start_date}
    if event == "work_location_change":
        return {"new_address": fact.new_value, "effective_date": fact.start_date}
    if event == "role_change":
        return {"details": f"New job title and duties from {on}: {fact.new_value}"}
    return {"details": f"{fact.get_kind_display()} on {on}." + (f" {fact.notes}" if fact.notes else "")}


def _unpaid_leave_initial(obligation: Obligation) -> dict:
    year = obligation.trigger_date.year
    periods = [
        leave
        for leave in obligation.person.facts.filter(
            kind=Fact.Kind.ABSENCE, pay__in=(Fact.Pay.UNPAID, Fact.Pay.REDUCED), start_date__lte=obligation.trigger_date
        ).order_by("start_date")
        if (leave.end_date or leave.start_date).year >= year and leave.leave_reason == Fact.LeaveReason.NONE
    ]
    if not periods:
        return {}
    lines = [
        f"{uk_date(leave.start_date)} to {uk_date(leave.end_date) if leave.end_date else 'not yet returned'}"
        f" ({leave.get_pay_display().lower()})"
        for leave in periods
    ]
    return {"leave_start": max(periods[0].start_date, date(year, 1, 1)), "details": "\n".join(lines)}


def _change_initial(obligation: Obligation) -> dict:
    change = obligation.reportable_change
    details = change.details or {}
    text = f"{change.summary}, from {uk_date(change.effective_date)}."
    if "previous" in details and "new" in details:
        text += f"\nBefore: {details['previous'] or 'none'}\nNow: {details['new'] or 'none'}"
    elif details.get("work_site"):
        text += f"\nAddress: {details['work_site']}"
    return {"details": text}


def report_initial(obligation: Obligation) -> dict:
    """The report form pre-filled from what the system already knows about the event."""
    event = EVENTS[obligation.event]
    if obligation.fact_id:
        initial = _fact_initial(obligation, obligation.fact)
    elif obligation.event == "unpaid_leave" and obligation.person_id:
        initial = _unpaid_leave_initial(obligation)
    elif obligation.reportable_change_id:
        initial = _change_initial(obligation)
    elif obligation.report.get("opened_with"):
        initial = {"details": obligation.report["opened_with"]}
    else:
        initial = {}
    wanted = {spec.name for spec in event.fields}
    return {name: value for name, value in initial.items() if name in wanted and value not in (None, "")}


def recorded_rows(obligation: Obligation) -> list[tuple[str, str]]:
    """What changed, as the system recorded it: shown beside the report form."""
    rows = [("What happened", obligation.get_event_display()), ("Date", uk_date(obligation.trigger_date))]
    fact, change = obligation.fact, obligation.reportable_change
    if fact is not None:
        if fact.kind == Fact.Kind.ABSENCE:
            rows.append(("Absent", f"{uk_date(fact.start_date)} to {uk_date(fact.end_date) or 'not yet returned'}"))
        if fact.end_reason:
            rows.append(("Why it ended", fact.get_end_reason_display()))
        if fact.new_salary_pence:
            rows.append(("New salary", format_pounds(fact.new_salary_pence)))
        if fact.new_value:
            rows.append(("Now", fact.new_value))
        if fact.notes:
            rows.append(("Notes", fact.notes))
    if change is not None:
        rows.append(("Change", change.summary))
        details = change.details or {}
        if "previous" in details and "new" in details:
            rows += [("Before", details["previous"] or "None"), ("Now", details["new"] or "None")]
    return rows


def report_rows(obligation: Obligation) -> list[tuple[str, str]]:
    """A sent report as label and value, in the catalogue's order: UK dates, pounds, labels."""
    specs = {spec.name: spec for spec in EVENTS[obligation.event].fields}
    rows = []
    for key, value in sorted(
        obligation.report.items(), key=lambda item: list(specs).index(item[0]) if item[0] in specs else -1
    ):
        spec = specs.get(key)
        label = spec.label if spec else EXTRA_LABELS.get(key, key.replace("_", " ").capitalize())
        if spec and spec.kind == "date" and value:
            value = uk_date(date.fromisoformat(value))
        elif spec and spec.kind == "pounds" and value not in (None, ""):
            value = format_pounds(int(value))
        rows.append((label, str(value)))
    return rows
