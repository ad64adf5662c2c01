"""Sponsor-side licence pages: the summary, users, key personnel, organisation, renewal, changes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.core.lifecycle import allowed
from sms.core.models import FeeRate
from sms.core.selectors import fee_amount
from sms.licensing import forms, selectors
from sms.licensing.models import KeyPersonRole, SponsorRequest
from sms.licensing.services import licence as licence_services
from sms.licensing.services import personnel, users
from sms.licensing.services import requests as request_services
from sms.payments import selectors as payment_selectors
from sms.payments.models import Payment
from sms.payments.views import FeePaymentReturnView, FeePayView
from sms.web.formviews import ServiceFormView


class AccessRegisterView(PolicyMixin, TemplateView):
    """Every user with role, start, last sign-in and who added them; stale Level 1 users flagged."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "licensing/access_register.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            **selectors.access_register(user=user),
            "may_manage_users": can(user, Action.MANAGE_LEVEL_2_USERS),
            "may_manage_training": can(user, Action.MANAGE_TRAINING),
            "may_deactivate": can(user, Action.DEACTIVATE_USER),
            "may_request_level_1": can(user, Action.REQUEST_ADDITIONAL_LEVEL_1),
            "may_review": can(user, Action.REVIEW_ACCESS),
            "may_manage_api_tokens": can(user, Action.MANAGE_API_TOKENS),
            "may_manage_webhooks": can(user, Action.MANAGE_WEBHOOKS),
        }


class SponsorFormView(ServiceFormView):
    """A licence form page that returns to the licence summary or access register."""

    success_url_name = "portal:licence_summary"
    back_url_name = "portal:licence_summary"

    def get_success_url(self):
        return reverse(self.success_url_name)

    def get_back_url(self):
        return reverse(self.back_url_name)


class AccessReviewView(SponsorFormView):
    action = Action.REVIEW_ACCESS
    form_class = forms.AccessReviewForm
    title = "Complete the access review"
    intro = "Check the access register: every active user should still need access, at the right level."
    button_text = "Complete review"
    success_url_name = back_url_name = "licensing:access_register"

    def perform(self, data):
        users.access_review_complete(sponsor=self.request.user.sponsor, actor=self.request.user, notes=data["notes"])
        return "Access review completed"


class Level2UserAddView(SponsorFormView):
    action = Action.MANAGE_LEVEL_2_USERS
    form_class = forms.Level2UserForm
    title = "Add a Level 2 user"
    intro = "We will email them a link to set their password. The link works once and expires after 72 hours."
    button_text = "Add user"
    success_url_name = back_url_name = "licensing:access_register"

    def perform(self, data):
        # The same words whether or not the address has an account outside the sponsor.
        users.level_2_user_add(sponsor=self.request.user.sponsor, actor=self.request.user, **data)
        return f"We have emailed {data['email']} with what {data['given_name']} needs to do next"


class Level2UserEditView(SponsorFormView):
    action = Action.MANAGE_LEVEL_2_USERS
    form_class = forms.Level2UserForm
    title = "Change a Level 2 user's details"
    button_text = "Save changes"
    success_url_name = back_url_name = "licensing:access_register"

    def load(self, request, *args, **kwargs):
        self.target = selectors.sponsor_user_for_user(user=request.user, user_id=kwargs["user_id"])

    @property
    def caption(self):
        return f"{self.target.full_name}, user ID {self.target.user_id}"

    def get_initial(self):
        return {
            "given_name": self.target.given_name,
            "family_name": self.target.family_name,
            "email": self.target.email,
        }

    def perform(self, data):
        users.sponsor_user_edit(user=self.target, actor=self.request.user, **data)
        return "The user's details have been changed"


class UserDeactivateView(PolicyMixin, View):
    """Confirm, then deactivate a user of the sponsor (never the last Level 1 user)."""

    action = Action.DEACTIVATE_USER

    def load(self, request, *args, **kwargs):
        self.target = selectors.sponsor_user_for_user(user=request.user, user_id=kwargs["user_id"])

    def get(self, request, user_id):
        return render(request, "licensing/deactivate_user.html", {"target": self.target})

    def post(self, request, user_id):
        try:
            users.sponsor_user_deactivate(user=self.target, actor=request.user)
        except DomainError as error:
            return render(
                request, "licensing/deactivate_user.html", {"target": self.target, "error": str(error)}, status=409
            )
        messages.success(request, f"{self.target.full_name} can no longer sign in")
        return redirect("licensing:access_register")


class _UserButtonView(PolicyMixin, View):
    """A button on the access register that calls one service about one user, then returns there."""

    action = Action.DEACTIVATE_USER
    http_method_names = ["post"]

    def load(self, request, *args, **kwargs):
        self.target = selectors.sponsor_user_for_user(user=request.user, user_id=kwargs["user_id"])

    def post(self, request, user_id):
        try:
            messages.success(request, self.perform())
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("licensing:access_register")


class UserReactivateView(_UserButtonView):
    """Reactivate a deactivated Level 2 user of the sponsor."""

    def perform(self) -> str:
        users.sponsor_user_reactivate(user=self.target, actor=self.request.user)
        return f"{self.target.full_name} can sign in again. We have emailed them"


class ActivationResendView(_UserButtonView):
    """Send a new activation link to a user who has not activated their account."""

    def perform(self) -> str:
        users.sponsor_user_activation_resend(user=self.target, actor=self.request.user)
        return f"We have sent {self.target.full_name} a new activation link. Earlier links no longer work"


class AdditionalLevel1RequestView(SponsorFormView):
    action = Action.REQUEST_ADDITIONAL_LEVEL_1
    form_class = forms.Level2UserForm
    title = "Request an additional Level 1 user"
    intro = (
        "Level 1 users have full rights. When your licence is active and A-rated the request is approved at once; "
        "otherwise the Home Office decides."
    )
    button_text = "Send request"
    success_url_name = back_url_name = "licensing:access_register"

    def perform(self, data):
        request = users.additional_level_1_request_submit(
            sponsor=self.request.user.sponsor, actor=self.request.user, **data
        )
        if request.status == SponsorRequest.Status.GRANTED:
            # The same words whether or not the address has an account outside the sponsor.
            return f"Request {request.reference} approved: we have emailed {data['email']} with what to do next"
        return f"Request {request.reference} sent to the Home Office"


class KeyPersonReplaceView(SponsorFormView):
    """Replace the Authorising Officer or Key Contact: a reportable change, dated."""

    action = Action.CHANGE_KEY_PERSONNEL
    form_class = forms.KeyPersonForm
    button_text = "Save and record the change"

    def load(self, request, *args, **kwargs):
        self.role = forms.KEY_PERSON_ROLES.get(kwargs["role"])
        if self.role is None:
            raise Http404

    @property
    def title(self):
        return f"Replace the {KeyPersonRole(self.role).label}"

    @property
    def intro(self):
        return (
            "This is a change you must report to the Home Office within 10 working days. "
            "We record it with the date it took effect."
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "who": f"the new {KeyPersonRole(self.role).label}",
            "allow_representative": self.role != KeyPersonRole.AUTHORISING_OFFICER,
        }

    def perform(self, data):
        effective_date = data.pop("effective_date")
        appointed = personnel.key_person_appoint(
            sponsor=self.request.user.sponsor,
            role=self.role,
            person=personnel.PersonDetails(**data),
            actor=self.request.user,
            effective_date=effective_date,
        )
        return f"{appointed.full_name} is now the {appointed.get_role_display()}"


class OrganisationDetailsView(SponsorFormView):
    action = Action.CHANGE_KEY_PERSONNEL
    form_class = forms.OrganisationDetailsForm
    title = "Change organisation details"
    intro = "Changes of name or address must be reported to the Home Office within 20 working days."
    button_text = "Save and record the change"

    def get_initial(self):
        sponsor = self.request.user.sponsor
        return {
            "name": sponsor.name,
            "registered_address": sponsor.registered_address,
            "trading_address": sponsor.trading_address,
            "effective_date": timezone.localdate(),
        }

    def perform(self, data):
        changes = personnel.organisation_details_change(
            sponsor=self.request.user.sponsor, actor=self.request.user, **data
        )
        return f"{len(changes)} change{'s' if len(changes) != 1 else ''} recorded"


class WorkSiteAddView(SponsorFormView):
    action = Action.CHANGE_KEY_PERSONNEL
    form_class = forms.WorkSiteForm
    title = "Add a work site"
    intro = "A new place where sponsored workers work must be reported within 20 working days."
    button_text = "Add work site"

    def perform(self, data):
        personnel.work_site_add(sponsor=self.request.user.sponsor, actor=self.request.user, **data)
        return "Work site added"


class WorkSiteCloseView(SponsorFormView):
    action = Action.CHANGE_KEY_PERSONNEL
    form_class = forms.WorkSiteCloseForm
    title = "Close a work site"
    button_text = "Close work site"

    def load(self, request, *args, **kwargs):
        self.site = selectors.work_site_for_user(user=request.user, uuid=kwargs["uuid"])

    @property
    def caption(self):
        return str(self.site)

    def perform(self, data):
        personnel.work_site_close(site=self.site, closed_on=data["closed_on"], actor=self.request.user)
        return "Work site closed"


class RenewalView(SponsorFormView):
    action = Action.CHANGE_LICENCE
    form_class = forms.RenewalForm
    title = "Apply to renew the licence"
    button_text = "Apply and pay"

    @property
    def intro(self):
        sponsor = self.request.user.sponsor
        fee = fee_amount(kind=FeeRate.Kind.LICENCE_RENEWAL, sponsor_size=sponsor.size, on=timezone.localdate())
        return (
            f"The licence expires on {sponsor.licence.expiry_date:%-d %B %Y}. "
            f"The renewal fee for a {sponsor.get_size_display().lower()} sponsor is {format_pounds(fee)}. "
            "You pay it on the next page: the renewal application is sent to the Home Office once it is paid."
        )

    def perform(self, data):
        """Record the renewal (waiting for payment) and send the payer to the payment provider; if the
        payment cannot start, to the renewal's page, where they can pay later."""
        renewal = request_services.renewal_request_submit(
            sponsor=self.request.user.sponsor, actor=self.request.user, declaration_confirmed=data["declaration"]
        )
        self.next_url = reverse("licensing:request_detail", args=[renewal.reference])
        return_url = self.request.build_absolute_uri(reverse("licensing:request_paid", args=[renewal.reference]))
        try:
            payment = request_services.renewal_payment_start(
                request=renewal, actor=self.request.user, return_url=return_url
            )
        except DomainError as error:
            messages.error(self.request, f"Renewal application {renewal.reference} is waiting for its fee. {error}")
            return None
        self.next_url = payment.next_url
        return None

    def get_success_url(self):
        return self.next_url


class VariationView(SponsorFormView):
    action = Action.CHANGE_LICENCE
    form_class = forms.VariationForm
    title = "Request a change to the licence"
    intro = "Add or remove a route, surrender the licence, or tell us about a change of ownership or linked entities."
    button_text = "Send request"

    def perform(self, data):
        upload = data.get("documents")
        request = request_services.variation_request_submit(
            sponsor=self.request.user.sponsor,
            actor=self.request.user,
            kind=data["kind"],
            route=data.get("route", ""),
            details=data["details"],
            uploads=[upload] if upload else [],
        )
        self.created = request
        return f"Request {request.reference} sent to the Home Office"

    def get_success_url(self):
        return reverse("licensing:request_detail", args=[self.created.reference])


class SponsorRequestDetailView(PolicyMixin, TemplateView):
    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "licensing/request_detail.html"

    def get_context_data(self, **kwargs):
        request = selectors.sponsor_request_for_user(user=self.request.user, reference=kwargs["reference"])
        return {
            **super().get_context_data(**kwargs),
            "sponsor_request": request,
            "may_withdraw": allowed(request, SponsorRequest.Status.WITHDRAWN)
            and can(self.request.user, Action.CHANGE_LICENCE),
            "may_pay": request.status == SponsorRequest.Status.AWAITING_PAYMENT
            and can(self.request.user, Action.CHANGE_LICENCE),
            "payments": payment_selectors.payments_for(
                purpose=Payment.Purpose.LICENCE_RENEWAL, subject_reference=request.reference
            ),
        }


class RenewalPayView(FeePayView):
    """Pay a renewal's fee (after a payment that did not complete, or could not start)."""

    action = Action.CHANGE_LICENCE

    def load(self, request, *args, **kwargs):
        self.renewal = selectors.sponsor_request_for_user(user=request.user, reference=kwargs["reference"])

    def start_payment(self, return_url):
        return request_services.renewal_payment_start(
            request=self.renewal, actor=self.request.user, return_url=return_url
        )

    def detail_url(self):
        return reverse("licensing:request_detail", args=[self.renewal.reference])

    def return_url(self):
        return reverse("licensing:request_paid", args=[self.renewal.reference])


class RenewalPaymentReturnView(FeePaymentReturnView):
    action = Action.CHANGE_LICENCE

    def load(self, request, *args, **kwargs):
        self.renewal = selectors.sponsor_request_for_user(user=request.user, reference=kwargs["reference"])

    def confirm_payment(self):
        return request_services.renewal_payment_confirm(request=self.renewal)

    def still_due(self):
        return "Your renewal application has not been sent to the Home Office: pay the fee to send it."

    def detail_url(self, payment):
        return reverse("licensing:request_detail", args=[self.renewal.reference])


class SponsorRequestWithdrawView(PolicyMixin, View):
    action = Action.CHANGE_LICENCE
    http_method_names = ["post"]

    def post(self, request, reference):
        sponsor_request = selectors.sponsor_request_for_user(user=request.user, reference=reference)
        try:
            request_services.request_withdraw(request=sponsor_request, actor=request.user)
            messages.success(request, "Request withdrawn")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("licensing:request_detail", reference)


class ReportingSettingsView(SponsorFormView):
    action = Action.MANAGE_SETTINGS
    form_class = forms.ReportingSettingsForm
    title = "Reporting settings"
    button_text = "Save settings"

    def get_initial(self):
        sponsor = self.request.user.sponsor
        return {"nation": sponsor.licence.nation, "internal_target_working_days": sponsor.internal_target_working_days}

    def perform(self, data):
        licence_services.reporting_settings_update(sponsor=self.request.user.sponsor, actor=self.request.user, **data)
        return "Reporting settings saved"
