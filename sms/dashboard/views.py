"""The monthly review page and its history. The dashboard itself is the sponsor's home page
(``sms.portal.views.SponsorHomeView``), which reads ``sms.dashboard.selectors.dashboard``."""

from django.urls import reverse
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.core import watch
from sms.dashboard import selectors, services
from sms.dashboard.forms import MonthlyReviewForm
from sms.web.formviews import ServiceFormView


class MonthlyReviewView(ServiceFormView):
    """Complete the monthly review: the page shows the figures each point is about."""

    action = Action.COMPLETE_MONTHLY_REVIEW
    form_class = MonthlyReviewForm
    template_name = "dashboard/monthly_review.html"
    title = "Complete the monthly review"
    intro = "Check each point against the figures below, fix what you can, then confirm."
    button_text = "Complete the review"

    def get_back_url(self):
        return reverse("portal:sponsor_home")

    def get_context_data(self, **kwargs):
        board = selectors.dashboard(user=self.request.user)
        return {**super().get_context_data(**kwargs), "board": board}

    def perform(self, data):
        checks = {name: data[name] for name in data if name != "notes"}
        review = services.monthly_review_complete(
            sponsor=self.request.user.sponsor, actor=self.request.user, checks=checks, notes=data["notes"]
        )
        next_due = watch.monthly_review_next_due(review.completed_on, review.completed_on)
        return f"Monthly review completed. The next is due on {selectors.day(next_due)}"


class MonthlyReviewHistoryView(PolicyMixin, TemplateView):
    """Past monthly reviews, newest first, with what each one saw."""

    action = Action.COMPLETE_MONTHLY_REVIEW
    template_name = "dashboard/review_history.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reviews": selectors.review_history(user=self.request.user)}
