"""The public register of licensed sponsors: a page (search, filters, pages) and the whole CSV."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.core.csv_export import csv_rows
from sms.licensing.models import Rating, Route
from sms.register.selectors import HEADER, as_register_row, register_rows, route_name

PAGE_SIZE = 50
CHUNK = 2000


def _filters(request) -> dict:
    return {
        "search": request.GET.get("search", "").strip()[:255],
        "route": request.GET.get("route", ""),
        "rating": request.GET.get("rating", ""),
    }


class RegisterView(PolicyMixin, TemplateView):
    """No sign-in needed: the register is public."""

    action = Action.PUBLIC
    template_name = "register/register.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request)
        page = Paginator(register_rows(**filters), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            **filters,
            "page": page,
            "rows": [as_register_row(row) for row in page.object_list],
            "routes": [(value, route_name(value)) for value in Route.values],
            "ratings": Rating.choices,
        }


class RegisterCsvView(PolicyMixin, View):
    """The whole register (or the filtered part) as CSV, streamed: one query, read in chunks."""

    action = Action.PUBLIC

    def get(self, request):
        rows = register_rows(**_filters(request)).iterator(chunk_size=CHUNK)
        response = StreamingHttpResponse(
            csv_rows(HEADER, (as_register_row(row) for row in rows)), content_type="text/csv; charset=utf-8"
        )
        filename = f"register-of-licensed-sponsors-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
