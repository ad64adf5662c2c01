"""The audit trail filters as a django-filter FilterSet: the same fields, labels and parameter names
as the form it replaced, applied to events already scoped to what the acting user may see."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.audit.models import AuditEvent, Verb
from sms.core.forms import GovukForm, uk_date_options


class AuditFilterForm(GovukForm):
    """The filter form: dates typed as day/month/year (ISO in links); the to date not before the from date."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return cleaned


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEventFilterSet(django_filters.FilterSet):
    """Narrow the trail by date, user, event and (Home Office staff only) sponsor."""

    date_from = django_filters.DateFilter(method="filter_date_from", **uk_date_options("From date"))
    date_to = django_filters.DateFilter(method="filter_date_to", **uk_date_options("To date", example="3/4/2026"))
    user = django_filters.ModelChoiceFilter(
        field_name="actor",
        label="User",
        queryset=User.objects.none(),
        empty_label="Any user",
        to_field_name="user_id",
        error_messages={"invalid_choice": "Select a user from the list"},
    )
    verb = django_filters.ChoiceFilter(
        label="Event",
        choices=Verb.choices,
        empty_label="Any event",
        error_messages={"invalid_choice": "Select an event from the list"},
    )
    sponsor = django_filters.ModelChoiceFilter(
        label="Sponsor",
        queryset=Sponsor.objects.none(),
        empty_label="Any sponsor",
        to_field_name="uuid",
        error_messages={"invalid_choice": "Select a sponsor from the list"},
    )

    class Meta:
        model = AuditEvent
        fields = []
        form = AuditFilterForm

    def __init__(self, data=None, *, queryset, viewer: User, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        user, sponsor = self.filters["user"], self.filters["sponsor"]
        if viewer.is_home_office:
            user.extra.update(
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
                help_text="For example, UACD3479K",
                error_messages={"invalid_choice": "Enter a user ID that exists"},
            )
            user.label = "User ID"
            user.queryset = User.objects.all()
            sponsor.queryset = Sponsor.objects.order_by("name")
        else:
            del self.filters["sponsor"]
            if viewer.level == User.Level.LEVEL_1:
                user.queryset = User.objects.filter(sponsor_id=viewer.sponsor_id)
            else:
                # A Level 2 user sees only their own actions: nothing to choose.
                del self.filters["user"]

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_start_of(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_start_of(value + timedelta(days=1)))
