"""The audit trail filters are a django-filter FilterSet over events already scoped to the viewer."""

import django_filters

from sms.audit import services as audit
from sms.audit.models import Verb
from sms.trail.selectors import audit_event_search


def test_the_search_is_a_filterset_with_the_pages_parameters_and_labels(level_1, caseworker):
    search = audit_event_search(user=level_1, data={})
    assert isinstance(search, django_filters.FilterSet)
    labels = {name: field.label for name, field in search.form.fields.items()}
    assert labels == {"date_from": "From date", "date_to": "To date", "user": "User", "verb": "Event"}
    staff = audit_event_search(user=caseworker, data={})
    assert {name: field.label for name, field in staff.form.fields.items()}["user"] == "User ID"
    assert "sponsor" in staff.form.fields


def test_sponsor_scope_comes_before_any_filter(level_1, other_level_1):
    audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    audit.record(actor=other_level_1, verb=Verb.PASSWORD_CHANGED, target=other_level_1)
    search = audit_event_search(user=level_1, data={"verb": Verb.PASSWORD_CHANGED})
    assert {event.sponsor_id for event in search.qs} == {level_1.sponsor_id}
    # A sponsor user cannot reach another sponsor's events through the Home Office-only parameter.
    widened = audit_event_search(user=level_1, data={"sponsor": str(other_level_1.sponsor.uuid)})
    assert {event.sponsor_id for event in widened.qs} == {level_1.sponsor_id}


def test_the_to_date_may_not_come_before_the_from_date(level_1):
    search = audit_event_search(user=level_1, data={"date_from": "2/1/2026", "date_to": "1/1/2026"})
    assert not search.is_valid()
    assert search.form.errors["date_to"] == ["To date must be the same as or after the from date"]
