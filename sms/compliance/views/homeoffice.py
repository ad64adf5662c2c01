"""Home Office pages: rating a route (a downgrade sets an action plan), action plans and their
review, the representations queue and decisions, and the workers a revocation affects."""

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.compliance import forms, selectors, services
from sms.compliance.models import ActionPlan, Representation
from sms.core.fees import format_pounds
from sms.core.lifecycle import allowed
from sms.licensing import selectors as licensing_selectors
from sms.licensing.models import LicenceRoute
from sms.payments import selectors as payment_selectors
from sms.payments.models import Payment
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 25


class RouteRatingView(ServiceFormView):
    action = Action.ENFORCE_LICENCE
    form_class = forms.RatingForm
    title = "Change the route's rating"
    button_text = "Save rating"

    def load(self, request, *args, **kwargs):
        self.sponsor = licensing_selectors.sponsor_for_staff(uuid=kwargs["uuid"])
        self.held = LicenceRoute.objects.filter(
            licence__sponsor=self.sponsor, route=kwargs["route"], removed_on__isnull=True
        ).first()
        if self.held is None:
            raise Http404

    @property
    def caption(self):
        return f"{self.sponsor.name}: {self.held.get_route_display()}"

    def get_initial(self):
        return {"rating": self.held.rating}

    def get_back_url(self):
        return reverse("licensing:ho_sponsor", args=[self.sponsor.uuid])

    def perform(self, data):
        services.route_rate(
            licence_route=self.held,
            rating=data["rating"],
            actor=self.request.user,
            reason=data["reason"],
            required_actions=data["required_actions"],
        )
        return "Rating changed"


class ActionPlanQueueView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "compliance/homeoffice/action_plan_queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        status = status if status in ActionPlan.Status.values else ""
        page = Paginator(selectors.action_plan_queue(status=status), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "status": status,
            "statuses": ActionPlan.Status.choices,
        }


class ActionPlanStaffView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "compliance/homeoffice/action_plan.html"

    def get_context_data(self, **kwargs):
        plan = selectors.action_plan_for_staff(reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "fee": format_pounds(plan.fee_pence),
            "payments": payment_selectors.payments_for(
                purpose=Payment.Purpose.ACTION_PLAN, subject_reference=plan.reference
            ),
            "may_decide": can(self.request.user, Action.ENFORCE_LICENCE) and plan.is_open,
        }


class ActionPlanDecideView(ServiceFormView):
    action = Action.ENFORCE_LICENCE
    form_class = forms.ActionPlanDecisionForm
    title = "Review the action plan"
    button_text = "Save decision"

    def load(self, request, *args, **kwargs):
        self.plan = selectors.action_plan_for_staff(reference=kwargs["reference"])

    @property
    def caption(self):
        return f"{self.plan.sponsor.name}: action plan {self.plan.reference}"

    @property
    def intro(self):
        return f"The plan ends on {self.plan.ends_on:%-d %B %Y}. Restoring the A rating completes it."

    def get_back_url(self):
        return reverse("compliance:ho_action_plan", args=[self.plan.reference])

    def perform(self, data):
        services.action_plan_decide(
            plan=self.plan,
            actor=self.request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            new_end_date=data.get("new_end_date"),
        )
        return "Decision saved"


class RepresentationQueueView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "compliance/homeoffice/representation_queue.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.representations_awaiting_decision(), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return {**super().get_context_data(**kwargs), "page": page}


class RepresentationStaffView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "compliance/homeoffice/representation.html"

    def get_context_data(self, **kwargs):
        representation = selectors.representation_for_staff(reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "representation": representation,
            "may_decide": can(self.request.user, Action.ENFORCE_LICENCE)
            and allowed(representation, Representation.Status.LIFTED),
        }


class RepresentationDecideView(ServiceFormView):
    action = Action.ENFORCE_LICENCE
    form_class = forms.RepresentationDecisionForm
    title = "Decide the representations"
    button_text = "Save decision"

    def load(self, request, *args, **kwargs):
        self.representation = selectors.representation_for_staff(reference=kwargs["reference"])

    @property
    def caption(self):
        return f"{self.representation.sponsor.name}: representations {self.representation.reference}"

    def get_back_url(self):
        return reverse("compliance:ho_representation", args=[self.representation.reference])

    def get_success_url(self):
        return reverse("compliance:ho_representations")

    def perform(self, data):
        services.representation_decide(
            representation=self.representation, actor=self.request.user, outcome=data["outcome"], reason=data["reason"]
        )
        return "Decision saved"


class AffectedWorkersView(PolicyMixin, TemplateView):
    """The sponsored workers and students a revocation affects."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "compliance/homeoffice/affected_workers.html"

    def get_context_data(self, **kwargs):
        sponsor = licensing_selectors.sponsor_for_staff(uuid=kwargs["uuid"])
        page = Paginator(selectors.affected_workers(sponsor=sponsor), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "sponsor": sponsor, "licence": sponsor.licence, "page": page}
