"""Key personnel and organisation details: each change is recorded with the date it took effect,
as a reportable change (key personnel 10 working days, organisation 20; domain.md section 5).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.licensing.models import KeyPerson, KeyPersonRole, ReportableChange, WorkSite
from sms.licensing.signals import reportable_change_recorded


@dataclass(frozen=True)
class PersonDetails:
    """Who is being named, and what they declared."""

    given_name: str
    family_name: str
    email: str
    phone: str = ""
    job_title: str = ""
    is_representative: bool = False
    declared_uk_based: bool = False
    declared_no_unspent_convictions: bool = False
    declared_not_bankrupt: bool = False

    @classmethod
    def from_answers(cls, answers: dict) -> "PersonDetails":
        return cls(
            **{field: answers.get(field, cls.__dataclass_fields__[field].default) for field in cls.__dataclass_fields__}
        )

    def check_suitable(self, role: str) -> None:
        """Key personnel must declare suitability; a representative may never be the AO (domain.md section 1)."""
        label = KeyPersonRole(role).label
        if not (self.declared_uk_based and self.declared_no_unspent_convictions and self.declared_not_bankrupt):
            raise DomainError(f"The {label} must make every suitability declaration")
        if role == KeyPersonRole.AUTHORISING_OFFICER and self.is_representative:
            raise DomainError("A representative cannot be the Authorising Officer")


def reportable_change_record(
    *, sponsor: Sponsor, event: str, effective_date: date, summary: str, actor, details: dict | None = None
) -> ReportableChange:
    """Record a change the sponsor must report; reporting opens its obligation, with the deadline
    derived from its date, in the same transaction (``reportable_change_recorded``)."""
    require(actor, Action.CHANGE_KEY_PERSONNEL, sponsor)
    change = ReportableChange.objects.create(
        sponsor=sponsor,
        event=event,
        effective_date=effective_date,
        summary=summary[:255],
        details=details or {},
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    reportable_change_recorded.send(sender=ReportableChange, change=change, actor=actor)
    return change


@transaction.atomic
def key_person_appoint(
    *,
    sponsor: Sponsor,
    role: str,
    person: PersonDetails,
    actor,
    effective_date: date | None = None,
    user=None,
    reportable: bool = True,
) -> KeyPerson:
    """Name the AO or KC, replacing the current one from ``effective_date``.

    There is exactly one of each at all times: the old appointment ends the day the new one starts,
    in the same transaction. A replacement is a reportable change (``reportable=False`` only for the
    first appointments made when the licence is granted).
    """
    # The first appointments are part of granting the licence; a replacement is the sponsor's.
    require(actor, Action.CHANGE_KEY_PERSONNEL if reportable else Action.DECIDE_CASES, sponsor)
    person.check_suitable(role)
    start = effective_date or timezone.localdate()
    if start > timezone.localdate():
        raise DomainError("The date the change takes effect must be today or in the past")
    current = KeyPerson.objects.select_for_update().filter(sponsor=sponsor, role=role, end_date__isnull=True).first()
    if current is not None:
        if start < current.start_date:
            raise DomainError(f"The date the change takes effect must be on or after {current.start_date:%d %B %Y}")
        current.end_date = start
        current.save(update_fields=["end_date", "updated_at"])
    appointed = KeyPerson.objects.create(sponsor=sponsor, role=role, start_date=start, user=user, **person.__dict__)
    audit.record(
        actor=actor,
        verb=Verb.KEY_PERSON_APPOINTED,
        target=appointed,
        sponsor=sponsor,
        payload={"role": role, "name": {"from": current.full_name if current else None, "to": appointed.full_name}},
    )
    if reportable and current is not None:
        reportable_change_record(
            sponsor=sponsor,
            event=ReportableChange.Event.KEY_PERSONNEL_CHANGE,
            effective_date=start,
            summary=f"{KeyPersonRole(role).label} changed from {current.full_name} to {appointed.full_name}",
            actor=actor,
            details={"role": role, "previous": current.full_name, "new": appointed.full_name},
        )
    return appointed


def _plain_text(text: str) -> str:
    """Text compared by what it says: browsers send a textarea's lines with CRLF, stored text has LF."""
    return "\n".join(line.strip() for line in (text or "").strip().splitlines())


@transaction.atomic
def organisation_details_change(
    *, sponsor: Sponsor, actor, name: str, registered_address: str, trading_address: str, effective_date: date
) -> list[ReportableChange]:
    """Change the organisation's name or addresses; each changed item is a reportable change (20 WD)."""
    require(actor, Action.CHANGE_KEY_PERSONNEL, sponsor)
    if effective_date > timezone.localdate():
        raise DomainError("The date the change takes effect must be today or in the past")
    sponsor = Sponsor.objects.select_for_update().get(pk=sponsor.pk)
    changes = []
    before = {
        "name": sponsor.name,
        "registered_address": sponsor.registered_address,
        "trading_address": sponsor.trading_address,
    }
    after = {
        "name": _plain_text(name),
        "registered_address": _plain_text(registered_address),
        "trading_address": _plain_text(trading_address),
    }
    for field, new in after.items():
        if new == _plain_text(before[field]):
            continue  # the same text, whatever line endings a browser sent: not a change
        event = ReportableChange.Event.NAME_CHANGE if field == "name" else ReportableChange.Event.ADDRESS_CHANGE
        label = {
            "name": "Name",
            "registered_address": "Registered office address",
            "trading_address": "Trading address",
        }[field]
        changes.append(
            reportable_change_record(
                sponsor=sponsor,
                event=event,
                effective_date=effective_date,
                summary=f"{label} changed",
                actor=actor,
                details={"field": field, "previous": before[field], "new": new},
            )
        )
        setattr(sponsor, field, new)
    if not changes:
        raise DomainError("You have not changed any of the organisation's details")
    sponsor.save(update_fields=[*after.keys(), "updated_at"])
    audit.record(
        actor=actor,
        verb=Verb.ORGANISATION_DETAILS_CHANGED,
        target=sponsor,
        payload={
            **{
                change.details["field"]: {"from": change.details["previous"], "to": change.details["new"]}
                for change in changes
            },
            "effective_date": effective_date.isoformat(),
        },
    )
    return changes


@transaction.atomic
def work_site_add(*, sponsor: Sponsor, address: str, opened_on: date, actor, reportable: bool = True) -> WorkSite:
    """A new address where sponsored workers work: a reportable change (20 WD).

    ``reportable=False`` records a site the licence was granted with (as ``key_person_appoint``
    does for the first key personnel): part of what the Home Office licensed, not a change since.
    """
    require(actor, Action.CHANGE_KEY_PERSONNEL, sponsor)
    if not address.strip():
        raise DomainError("Enter the work site's address")
    site = WorkSite.objects.create(sponsor=sponsor, address=address.strip(), opened_on=opened_on)
    if reportable:
        reportable_change_record(
            sponsor=sponsor,
            event=ReportableChange.Event.ADDRESS_CHANGE,
            effective_date=opened_on,
            summary=f"Work site opened: {site}",
            actor=actor,
            details={"work_site": site.address, "change": "opened"},
        )
    audit.record(
        actor=actor, verb=Verb.WORK_SITE_ADDED, target=site, sponsor=sponsor, payload={"address": site.address}
    )
    return site


@transaction.atomic
def work_site_close(*, site: WorkSite, closed_on: date, actor) -> WorkSite:
    """Sponsored workers no longer work at this address: a reportable change (20 WD)."""
    require(actor, Action.CHANGE_KEY_PERSONNEL, site)
    site = WorkSite.objects.select_for_update().get(pk=site.pk)
    if site.closed_on is not None:
        raise DomainError("This work site is already closed")
    if closed_on < site.opened_on:
        raise DomainError(f"The closing date must be on or after {site.opened_on:%d %B %Y}")
    site.closed_on = closed_on
    site.save(update_fields=["closed_on", "updated_at"])
    reportable_change_record(
        sponsor=site.sponsor,
        event=ReportableChange.Event.ADDRESS_CHANGE,
        effective_date=closed_on,
        summary=f"Work site closed: {site}",
        actor=actor,
        details={"work_site": site.address, "change": "closed"},
    )
    audit.record(actor=actor, verb=Verb.WORK_SITE_CLOSED, target=site, sponsor=site.sponsor)
    return site
