"""The certificate search as a django-filter FilterSet: the same fields, labels and parameter names
as the form it replaced, applied to a queryset already scoped to the acting user's sponsor."""

import django_filters
from django import forms
from django.db.models import Q

from sms.accounts.models import User
from sms.certificates.models import Certificate
from sms.core.forms import uk_date_options
from sms.licensing.models import Route


class CheckboxFilter(django_filters.BooleanFilter):
    """A tick box: ticked filters, unticked does not."""

    field_class = forms.BooleanField


class CertificateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference or worker name", max_length=100, method="filter_q")
    status = django_filters.ChoiceFilter(label="Status", choices=Certificate.Status.choices, empty_label="Any status")
    route = django_filters.ChoiceFilter(label="Route", choices=Route.choices, empty_label="Any route")
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", **uk_date_options("Created from")
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", **uk_date_options("Created to")
    )
    created_by = django_filters.ChoiceFilter(
        label="Created by", choices=[], empty_label="Anyone", method="filter_created_by"
    )
    mine = CheckboxFilter(label="Only certificates I created", method="filter_mine")

    class Meta:
        model = Certificate
        fields = []

    def __init__(self, data=None, *, queryset, user, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.user = user
        self.creators = User.objects.filter(sponsor_id=user.sponsor_id).order_by("family_name", "given_name")
        self.filters["created_by"].extra["choices"] = [
            (creator.user_id, creator.full_name or creator.email) for creator in self.creators
        ]

    @property
    def qs(self):
        # An invalid search shows everything (the errors are on the form), as before.
        if self.is_bound and not self.is_valid():
            return self.queryset.all()
        return super().qs

    def filter_q(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        # References are stored in capitals: comparing exactly uses the unique index; each name side
        # has its own index on UPPER(name) (certificates migration 0005).
        return queryset.filter(
            Q(reference=term.upper()) | Q(family_name__istartswith=term) | Q(given_names__istartswith=term)
        )

    def filter_created_by(self, queryset, name, value):
        if self.form.cleaned_data.get("mine"):
            return queryset  # "only mine" wins
        pk = self.creators.filter(user_id=value).values_list("pk", flat=True).first()
        return queryset.filter(created_by_id=pk) if pk else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(created_by_id=self.user.pk) if value else queryset
