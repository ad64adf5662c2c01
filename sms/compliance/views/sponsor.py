"""Sponsor pages: the action plan (why, the fee, paying, progress per action) and representations."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.compliance import forms, selectors, services
from sms.compliance.models import ActionPlan
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.payments import selectors as payment_selectors
from sms.payments.models import Payment
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 25


class ActionPlanListView(PolicyMixin, TemplateView):
    """The sponsor's action plans, past and current, and its representations against a suspension."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "compliance/action_plans.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = Paginator(selectors.action_plan_list_for_user(user=user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "representations": list(selectors.representations_for_user(user=user)[:PAGE_SIZE]),
        }


class RepresentationView(PolicyMixin, TemplateView):
    """The sponsor's own representations: what they sent, the evidence, the Home Office's decision."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "compliance/representation.html"

    def get_context_data(self, **kwargs):
        representation = selectors.representation_for_user(user=self.request.user, reference=kwargs["reference"])
        return {**super().get_context_data(**kwargs), "representation": representation}


class ActionPlanView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "compliance/action_plan.html"

    def get_context_data(self, **kwargs):
        plan = selectors.action_plan_for_user(user=self.request.user, reference=kwargs["reference"])
        may_manage = can(self.request.user, Action.MANAGE_ACTION_PLAN, plan)
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "fee": format_pounds(plan.fee_pence),
            "may_pay": may_manage and plan.status == ActionPlan.Status.AWAITING_PAYMENT,
            "may_record": may_manage and plan.status == ActionPlan.Status.IN_PROGRESS,
            "payments": payment_selectors.payments_for(
                purpose=Payment.Purpose.ACTION_PLAN, subject_reference=plan.reference
            ),
        }


class ActionPlanPayView(PolicyMixin, View):
    """Start paying the fee and send the payer to the provider's page."""

    action = Action.MANAGE_ACTION_PLAN
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.plan = selectors.action_plan_for_user(user=request.user, reference=kwargs["reference"])

    def post(self, request, *args, **kwargs):
        detail = reverse("compliance:action_plan", args=[self.plan.reference])
        return_url = request.build_absolute_uri(reverse("compliance:action_plan_paid", args=[self.plan.reference]))
        try:
            payment = services.action_plan_payment_start(plan=self.plan, actor=request.user, return_url=return_url)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(detail)
        return redirect(payment.next_url)


class ActionPlanPaymentReturnView(PolicyMixin, View):
    """Where the provider sends the payer back: the outcome is asked of the provider, never read
    from the address."""

    action = Action.MANAGE_ACTION_PLAN
    http_method_names = ["get"]

    def load(self, request, *args, **kwargs):
        self.plan = selectors.action_plan_for_user(user=request.user, reference=kwargs["reference"])

    def get(self, request, *args, **kwargs):
        try:
            payment = services.action_plan_payment_confirm(plan=self.plan)
        except DomainError as error:
            messages.error(request, f"We could not check your payment: {error}")
            payment = None
        if payment is not None and payment.is_paid:
            messages.success(
                request, f"Payment received: {format_pounds(payment.amount_pence)}, reference {payment.reference}"
            )
        elif payment is not None and payment.is_finished:
            messages.warning(
                request,
                f"Your payment was not completed ({payment.get_status_display().lower()}). The fee is still due by "
                f"{self.plan.payment_due:%-d %B %Y}.",
            )
        elif payment is not None:
            messages.warning(request, "Your payment has not finished yet. Check again in a few minutes.")
        return redirect(reverse("compliance:action_plan", args=[self.plan.reference]))


class ActionProgressView(ServiceFormView):
    action = Action.MANAGE_ACTION_PLAN
    form_class = forms.ProgressForm
    button_text = "Save progress"

    def load(self, request, *args, **kwargs):
        self.plan = selectors.action_plan_for_user(user=request.user, reference=kwargs["reference"])
        self.required = self.plan.actions.filter(number=kwargs["number"]).first()
        if self.required is None:
            raise Http404

    @property
    def title(self):
        return f"Action {self.required.number}: record progress"

    @property
    def intro(self):
        return self.required.description

    @property
    def caption(self):
        return f"Action plan {self.plan.reference}"

    def get_initial(self):
        return {"progress": self.required.progress, "notes": self.required.progress_notes}

    def get_back_url(self):
        return reverse("compliance:action_plan", args=[self.plan.reference])

    def perform(self, data):
        upload = data.get("evidence")
        services.action_progress_record(
            action=self.required,
            actor=self.request.user,
            progress=data["progress"],
            notes=data["notes"],
            uploads=[upload] if upload else [],
        )
        return f"Progress on action {self.required.number} saved"


class RepresentationsView(ServiceFormView):
    action = Action.RESPOND_TO_SUSPENSION
    form_class = forms.RepresentationsForm
    title = "Respond to the suspension"
    button_text = "Send representations"

    def load(self, request, *args, **kwargs):
        self.licence = request.user.sponsor.licence

    @property
    def intro(self):
        due = self.licence.suspension_response_due
        reasons = (
            f"The Home Office gave these reasons: {self.licence.status_reason} " if self.licence.status_reason else ""
        )
        return reasons + (f"Send your representations by {due:%-d %B %Y}." if due else "")

    def get_back_url(self):
        return reverse("portal:licence_summary")

    def perform(self, data):
        upload = data.get("evidence")
        representation = services.representations_submit(
            sponsor=self.request.user.sponsor,
            actor=self.request.user,
            text=data["text"],
            uploads=[upload] if upload else [],
        )
        return f"Representations {representation.reference} sent to the Home Office"
