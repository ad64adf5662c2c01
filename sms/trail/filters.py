"""The audit trail filters as a django-filter FilterSet: the same fields, labels and parameter names
as the form it replaced, applied to events already scoped to what the acting user may see."""

import uuid
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.audit.models import AuditEvent, Verb
from sms.core.forms import GovukForm, uk_date_options

# More sponsors than this matching a name is too many to mean one: ask for more of it.
SPONSOR_MATCHES = 20


def sponsors_matching(text: str) -> list[int]:
    """The sponsors a Home Office search names: a licence number, a sponsor's public id (the links
    from a case carry it), an exact name, or else every sponsor whose name contains the text."""
    text = " ".join(text.split())
    try:
        by_uuid = Q(uuid=uuid.UUID(text))
    except ValueError:
        by_uuid = Q(pk__in=[])
    exact = list(
        Sponsor.objects.filter(by_uuid | Q(licence__number=text.upper()) | Q(name__iexact=text))
        .order_by()
        .values_list("id", flat=True)[: SPONSOR_MATCHES + 1]
    )
    if exact:
        return exact
    return list(
        Sponsor.objects.filter(name__icontains=text).order_by().values_list("id", flat=True)[: SPONSOR_MATCHES + 1]
    )


class AuditFilterForm(GovukForm):
    """The filter form: dates typed as day/month/year (ISO in links); the to date not before the from date."""

    def clean_sponsor(self):
        text = self.cleaned_data.get("sponsor", "").strip()
        if not text:
            return text
        matches = sponsors_matching(text)
        if not matches:
            raise forms.ValidationError("No sponsor has that name or licence number")
        if len(matches) > SPONSOR_MATCHES:
            raise forms.ValidationError(
                f"More than {SPONSOR_MATCHES} sponsors match: enter more of the name, or the licence number"
            )
        self.sponsor_ids = matches
        return text

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
    # A text search, not a list: there are about 120,000 sponsors (issue 14).
    sponsor = django_filters.CharFilter(
        label="Sponsor",
        method="filter_sponsor",
        help_text="Name or licence number, for example Acme Care Ltd or AB12CD3",
        max_length=255,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = AuditEvent
        fields = []
        form = AuditFilterForm

    def __init__(self, data=None, *, queryset, viewer: User, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        user = self.filters["user"]
        if viewer.is_home_office:
            user.extra.update(
                widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
                help_text="For example, UACD3479K",
                error_messages={"invalid_choice": "Enter a user ID that exists"},
            )
            user.label = "User ID"
            user.queryset = User.objects.all()
        else:
            del self.filters["sponsor"]
            if viewer.level == User.Level.LEVEL_1:
                user.queryset = User.objects.filter(sponsor_id=viewer.sponsor_id)
            else:
                # A Level 2 user sees only their own actions: nothing to choose.
                del self.filters["user"]

    def filter_sponsor(self, queryset, name, value):
        return queryset.filter(sponsor_id__in=self.form.sponsor_ids)

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_start_of(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_start_of(value + timedelta(days=1)))
