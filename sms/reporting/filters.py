"""The obligations list filters as a django-filter FilterSet: the same fields, labels and parameter
names as the form it replaced, applied to a queryset already scoped to the acting user's sponsor."""

import django_filters
from django.utils import timezone

from sms.core.forms import uk_date_options
from sms.reporting.catalogue import EVENT_CHOICES
from sms.reporting.models import Obligation

OVERDUE = "overdue"


class ObligationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[(OVERDUE, "Overdue"), *Obligation.Status.choices],
        empty_label="Any status",
        method="filter_status",
    )
    event = django_filters.ChoiceFilter(label="Event", choices=EVENT_CHOICES, empty_label="Any event")
    q = django_filters.CharFilter(label="Worker or student name", max_length=100, method="filter_q")
    due_before = django_filters.DateFilter(
        field_name="legal_deadline", lookup_expr="lte", **uk_date_options("Due on or before")
    )

    class Meta:
        model = Obligation
        fields = []

    def __init__(self, data=None, *, queryset, sponsor_id=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.sponsor_id = sponsor_id

    @property
    def qs(self):
        # An invalid filter shows everything (the errors are on the form), as before.
        if self.is_bound and not self.is_valid():
            return self.queryset.all()
        return super().qs

    def filter_status(self, queryset, name, value):
        if value == OVERDUE:  # open with the legal deadline passed: the one definition, on the queryset
            return queryset.overdue(timezone.localdate())
        return queryset.filter(status=value)

    def filter_q(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        if self.sponsor_id is not None:  # the register's name index is per sponsor: name the sponsor
            queryset = queryset.filter(person__sponsor_id=self.sponsor_id)
        return queryset.filter(person__family_name__istartswith=term)
