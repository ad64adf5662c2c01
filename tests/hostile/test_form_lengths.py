"""Every text field of every form states how much it takes, never more than the column it writes:
text longer than a column is refused on its field (PostgreSQL would refuse it with a server error)."""

import importlib
import pkgutil

import pytest
from django import forms
from django.db import models

import sms
from sms.accounts.models import Sponsor, User
from sms.api.models import ApiToken
from sms.certificates.allocation_rules import RequestOptions
from sms.core.models import ClosureDay
from sms.core.uploads import UploadedDocument
from sms.licensing.models import KeyPerson, Route
from sms.reporting.catalogue import EVENTS
from sms.reporting.models import Fact
from sms.righttowork.models import RightToWorkCheck, TrainingRecord
from sms.webhooks.models import WebhookEndpoint

# Plain forms' fields that write a bounded column (ModelForms are checked against their model).
COLUMNS = {
    ("SignInForm", "email"): User.email,
    ("PasswordResetRequestForm", "email"): User.email,
    ("OrganisationForm", "name"): Sponsor.name,
    ("OrganisationForm", "registered_number"): Sponsor.registered_number,
    ("OrganisationDetailsForm", "name"): Sponsor.name,
    **{(form, name): getattr(KeyPerson, name) for form in ("PersonForm", "KeyPersonForm")
       for name in ("given_name", "family_name", "email", "phone", "job_title")},
    **{("Level2UserForm", name): getattr(User, name) for name in ("given_name", "family_name", "email")},
    ("DocumentUploadForm", "description"): UploadedDocument.description,
    ("ClosureDayForm", "reason"): ClosureDay.reason,
    **{("StaffUserForm", name): getattr(User, name) for name in ("given_name", "family_name", "email")},
    ("RightToWorkCheckForm", "performed_by_name"): RightToWorkCheck.performed_by_name,
    ("RightToWorkCheckForm", "ecs_reference"): RightToWorkCheck.ecs_reference,
    ("TrainingRecordForm", "course"): TrainingRecord.course,
    ("TokenForm", "name"): ApiToken.name,
    ("EndpointForm", "description"): WebhookEndpoint.description,
    ("EndpointForm", "url"): WebhookEndpoint.url,
}  # fmt: skip

# Forms that need arguments, with every variant they build (one per kind of fact or event).
VARIANTS = {
    "SamePersonForm": [{"label": "Who?", "options": []}],
    "AllocationRequestForm": [
        {"options": RequestOptions(["worker", "temporary_worker", "student"], ["worker"], "")}
    ],
    "AllocationDecisionForm": [{"requested": {"worker": 3, "temporary_worker": 1, "student": 2}}],
    "FactForm": [{"kind": kind} for kind in Fact.Kind.values],
    "ReportForm": [{"event": event} for event in EVENTS.values()],
    "GrantApplicationForm": [{"requested_routes": Route.values}],
}


def project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(sms.__path__, "sms."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            # Forms the service uses (a test module's own forms, imported earlier in the run, are not).
            in_service = subclass.__module__.startswith("sms.") and ".tests" not in subclass.__module__
            if in_service and subclass.__name__ not in ("GovukForm", "AuditFilterForm"):
                found.append(subclass)
    return found


def instances(form_class):
    for kwargs in VARIANTS.get(form_class.__name__, [{}]):
        yield form_class(**kwargs)


def column_of(form, name):
    if isinstance(form, forms.ModelForm):
        try:
            return form._meta.model._meta.get_field(name)
        except Exception:  # noqa: BLE001 (a form field that writes no column)
            return None
    descriptor = COLUMNS.get((type(form).__name__, name))
    return descriptor.field if descriptor is not None else None


def test_the_sweep_finds_the_forms():
    names = {form_class.__name__ for form_class in project_forms()}
    assert {"CertificateForm", "Level2UserForm", "FactForm", "ReportForm", "ClosureDayForm"} <= names


@pytest.mark.django_db
def test_every_text_field_has_a_limit_no_larger_than_its_column():
    problems = []
    for form_class in project_forms():
        for form in instances(form_class):
            for name, field in form.fields.items():
                if not isinstance(field, forms.CharField):
                    continue
                where = f"{form_class.__module__}.{form_class.__name__}.{name}"
                if field.max_length is None:
                    problems.append(f"{where} has no max_length")
                    continue
                column = column_of(form, name)
                if isinstance(column, models.CharField) and field.max_length > column.max_length:
                    problems.append(f"{where} takes {field.max_length}, its column {column.max_length}")
    assert problems == []


def test_text_over_the_limit_is_a_gov_uk_field_error():
    from sms.licensing.forms import Level2UserForm

    form = Level2UserForm(data={"given_name": "A", "family_name": "B", "email": "a" * 300 + "@example.com"})
    assert form.errors["email"] == ["Email address must be 254 characters or less"]
