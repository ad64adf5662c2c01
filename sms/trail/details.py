"""An audit event's details as people read them: labels, not keys; pounds, not pence; UK dates;
a change as "before → after". The trail page and its CSV export both use ``event_details``."""

import json
import re
from datetime import date

from sms.accounts.models import SponsorSize, User
from sms.audit.models import AuditEvent, Verb
from sms.certificates.models import AllocationRequest, Category, Certificate, DefinedCosRequest
from sms.core.dates import Nation
from sms.core.fees import format_pounds
from sms.licensing.models import KeyPersonRole, Licence, Rating, ReportableChange, Route, SponsorRequest
from sms.reporting.catalogue import EVENT_CHOICES
from sms.reporting.models import Fact, Obligation

ARROW = " → "

LABELS = {
    "api_token": "Through the API token",
    "address": "Address",
    "as_of": "As of",
    "category": "Category",
    "certificate": "Certificate",
    "changed": "Changed",
    "count": "Number",
    "documents": "Documents",
    "effective_date": "Takes effect",
    "email": "Email address",
    "end_date": "End date",
    "event": "Event",
    "expires_on": "Expires on",
    "expiry_date": "Expiry date",
    "family_name": "Family name",
    "fee_pence": "Fee",
    "format": "Format",
    "given_names": "Given names",
    "given_name": "Given name",
    "granted": "Granted",
    "internal_target_working_days": "Internal target (working days)",
    "kind": "Kind",
    "legal_deadline": "Legal deadline",
    "licence": "Licence",
    "name": "Name",
    "nation": "Nation",
    "note": "Note",
    "notes": "Notes",
    "number": "Number",
    "opened": "Obligations opened",
    "previous_expiry_date": "Previous expiry date",
    "priority": "Priority service",
    "reason": "Reason",
    "reasons": "Reasons",
    "reference": "Reference",
    "registered_address": "Registered office address",
    "remaining": "Recovery codes left",
    "request": "Request",
    "requested": "Requested",
    "role": "Role",
    "section": "Section",
    "route": "Route",
    "routes": "Routes",
    "rows": "Rows",
    "size": "Size",
    "skills_charge_pence": "Immigration Skills Charge",
    "start_date": "Start date",
    "status": "Status",
    "trading_address": "Trading address",
    "trigger_date": "Trigger date",
    "user_id": "User ID",
    "users_reviewed": "Users reviewed",
    "work_site": "Work site",
    "worker": "Worker",
    "year": "Year",
    "attempts_cleared": "Failed attempts cleared",
    "verb": "Event",
    "user": "User",
    "sponsor": "Sponsor",
    "date_from": "From date",
    "date_to": "To date",
    "permission_start": "Permission valid from",
    "permission_end": "Permission end date",
    "days_per_week": "Working days a week",
    "checked_on": "Date of the check",
    "follow_up_on": "Follow-up check due",
    "taken_on": "Date taken",
    "next_due": "Next due",
}

# What a stored code means, by the key it is stored under.
CHOICES: dict[str, dict[str, str]] = {
    "route": dict(Route.choices),
    "routes": dict(Route.choices),
    "category": dict(Category.choices),
    "role": {**dict(KeyPersonRole.choices), **dict(User.Level.choices), **dict(User.StaffRole.choices)},
    "nation": {**dict(Nation.choices), "all": "Every nation"},
    "event": {**dict(EVENT_CHOICES), **dict(ReportableChange.Event.choices)},
    "verb": dict(Verb.choices),
    "section": {
        "organisation": "Organisation",
        "size": "Size",
        "routes": "Routes",
        "authorising_officer": "Authorising Officer",
        "key_contact": "Key Contact",
        "level_1": "Level 1 user",
    },
    "size": dict(SponsorSize.choices),
    "kind": {
        **dict(Certificate.Kind.choices),
        **dict(AllocationRequest.Kind.choices),
        **dict(SponsorRequest.Kind.choices),
        **dict(Fact.Kind.choices),
    },
    "status": {
        **dict(Licence.Status.choices),
        **dict(Certificate.Status.choices),
        **dict(DefinedCosRequest.Status.choices),
        **dict(AllocationRequest.Status.choices),
        **dict(Obligation.Status.choices),
        "lapsed": "Lapsed",
    },
    "changed": {
        field.name: str(field.verbose_name).capitalize()
        for field in Certificate._meta.get_fields()
        if hasattr(field, "verbose_name")
    },
}

# A top-level "from"/"to" pair is a change of this, by verb.
FROM_TO_LABEL = {
    Verb.ROUTE_RATED: "Rating",
    Verb.LICENCE_SUSPENDED: "Status",
    Verb.LICENCE_REINSTATED: "Status",
    Verb.LICENCE_REVOKED: "Status",
    Verb.LICENCE_SURRENDERED: "Status",
    Verb.LICENCE_EXPIRED: "Status",
    Verb.LICENCE_ISSUED: "Status",
}
FROM_TO_CHOICES = {"Rating": dict(Rating.choices), "Status": dict(Licence.Status.choices)}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "%B %Y" without strftime (a third of the time of an export row with a date), in English whatever the locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
# A JSON string as json.dumps(..., ensure_ascii=False) writes it (the C function json uses itself).
_json_text = json.encoder.encode_basestring


def label_for(key: str) -> str:
    """The label for a stored key: from the table, else the key in words ("fee_pence" -> "Fee")."""
    if key in LABELS:
        return LABELS[key]
    words = key.removesuffix("_pence").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def value_text(key: str, value, choices: dict[str, str] | None = None) -> str:
    """One stored value as text: codes as labels, pence as pounds, ISO dates as "3 March 2026"."""
    if choices is None:
        choices = CHOICES.get(key, {})
    if value is None or value == "":
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int) and key.endswith("_pence"):
        return format_pounds(value)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(key, item, choices) for item in value) or "None"
    if isinstance(value, dict):
        return "; ".join(f"{label_for(k)}: {value_text(k, v)}" for k, v in value.items())
    if isinstance(value, str):
        if value in choices:
            return choices[value]
        if ISO_DATE.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return str(value)


def _is_change(value) -> bool:
    return isinstance(value, dict) and set(value) == {"from", "to"}


def _change_text(key: str, value: dict, choices: dict[str, str] | None = None) -> str:
    before, after = value["from"], value["to"]
    if before in (None, ""):
        return value_text(key, after, choices)
    return value_text(key, before, choices) + ARROW + value_text(key, after, choices)


def event_details(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's payload as (label, text) pairs (see ``payload_details``)."""
    return payload_details(event.verb, event.payload or {})


def payload_details(verb: str, payload: dict) -> list[tuple[str, str]]:
    """The event's payload as (label, text) pairs, in the order it was written.

    A change is stored as ``{"field": {"from": old, "to": new}}``, or as ``{"before": {...},
    "after": {...}}``, or (status and rating changes) as top-level ``from`` and ``to``; each shows
    as "old → new".
    """
    payload = dict(payload)
    pairs: list[tuple[str, str]] = []
    if "from" in payload and "to" in payload:
        label = FROM_TO_LABEL.get(verb, "Change")
        change = {"from": payload.pop("from"), "to": payload.pop("to")}
        pairs.append((label, _change_text(label, change, FROM_TO_CHOICES.get(label, {}))))
    if isinstance(payload.get("before"), dict) and isinstance(payload.get("after"), dict):
        before, after = payload.pop("before"), payload.pop("after")
        for key in after:
            if before.get(key) != after[key]:
                pairs.append((label_for(key), _change_text(key, {"from": before.get(key), "to": after[key]})))
    for key, value in payload.items():
        if value is None or value == "":  # nothing to say (a fact with no end date, a filter not used)
            continue
        if _is_change(value):
            pairs.append((label_for(key), _change_text(key, value)))
        else:
            pairs.append((label_for(key), value_text(key, value)))
    return pairs


def event_details_json(event: AuditEvent) -> str:
    """The details as a JSON object of labels to text, for the CSV export."""
    return details_json(event.verb, event.payload_json)


def details_json(verb: str, payload_json: str) -> str:
    """``event_details_json`` from the stored columns alone: the export reads no model objects."""
    if not payload_json or payload_json == "{}":
        return ""
    details = dict(payload_details(verb, json.loads(payload_json)))
    # json.dumps(details, ensure_ascii=False) of labels and texts, without building an encoder for
    # every event (the CSV export renders every different payload of a trail).
    return (
        "{" + ", ".join(f"{_json_text(label)}: {_json_text(text)}" for label, text in details.items()) + "}"
        if details
        else ""
    )
