"""The public "apply for a sponsor licence" journey, one question per page (GOV.UK question pages).

The draft lives in the database and its id in the session, so answers survive between pages. After
the check-your-answers page the applicant declares and submits, and pays the fee through the payment
provider; once the provider confirms the payment the confirmation shows the reference. A payment
that fails or is abandoned leaves the application waiting for payment, and the applicant can try
again from the pay page.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from sms.accounts.models import SponsorSize
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.licensing import forms
from sms.licensing.models import LicenceApplication, Route
from sms.licensing.services import applications as services
from sms.payments import selectors as payment_selectors
from sms.payments.models import Payment
from sms.payments.views import payment_outcome_tell
from sms.web.ratelimits import seconds_to_wait, too_many_requests

SESSION_KEY = "licence_application_id"
SUBMITTED_KEY = "licence_application_submitted"
PAYING_KEY = "licence_application_paying"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    section: str


STEPS = [
    Step("organisation", "About the organisation", "organisation"),
    Step("addresses", "Organisation addresses", "addresses"),
    Step("size", "What size is the organisation?", "size"),
    Step("routes", "Which routes do you want to sponsor people on?", "routes"),
    Step("authorising-officer", "Authorising Officer", "authorising_officer"),
    Step("key-contact", "Who is the Key Contact?", "key_contact"),
    Step("key-contact-details", "Key Contact", "key_contact"),
    Step("level-1", "Who is the first Level 1 user?", "level_1"),
    Step("level-1-details", "Level 1 user", "level_1"),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def current_application(request) -> LicenceApplication | None:
    application_id = request.session.get(SESSION_KEY)
    if not application_id:
        return None
    return LicenceApplication.objects.filter(pk=application_id, status=LicenceApplication.Status.DRAFT).first()


def _person_name(entry: dict) -> str:
    return f"{entry.get('given_name', '')} {entry.get('family_name', '')}".strip()


def _next_url(step: Step, application: LicenceApplication, changing: bool) -> str:
    answers = application.answers
    if step.slug == "key-contact" and answers.get("key_contact", {}).get("same_as") is None:
        return reverse("licensing:apply_step", args=["key-contact-details"]) + ("?change=1" if changing else "")
    if step.slug == "level-1" and answers.get("level_1", {}).get("same_as") is None:
        return reverse("licensing:apply_step", args=["level-1-details"]) + ("?change=1" if changing else "")
    if changing:
        return reverse("licensing:apply_check")
    following = {
        "key-contact": "level-1",
        "level-1": "documents",
        "key-contact-details": "level-1",
        "level-1-details": "documents",
    }
    slug = following.get(step.slug)
    if slug is None:
        slug = STEPS[STEPS.index(step) + 1].slug
    if slug == "documents":
        return reverse("licensing:apply_documents")
    return reverse("licensing:apply_step", args=[slug])


class ApplyStartView(PolicyMixin, View):
    """The start page: what the applicant needs, and a start button that creates the draft."""

    action = Action.PUBLIC

    def get(self, request):
        paying = paying_application(request)
        return render(
            request,
            "licensing/apply/start.html",
            {
                "has_draft": current_application(request) is not None,
                "waiting_for_payment": paying
                if paying and paying.status == LicenceApplication.Status.AWAITING_PAYMENT
                else None,
            },
        )

    def post(self, request):
        if current_application(request) is None:
            # New drafts are limited per client address (APPLICATION_DRAFTS_RATE).
            wait = seconds_to_wait(request, group="apply:draft", rate=settings.APPLICATION_DRAFTS_RATE)
            if wait:
                return too_many_requests(request, seconds=wait, doing="started an application")
            request.session[SESSION_KEY] = services.application_start().pk
        return redirect("licensing:apply_step", "organisation")


class ApplyStepView(PolicyMixin, View):
    """One question page of the application."""

    action = Action.PUBLIC

    def _form(self, step: Step, application: LicenceApplication, data=None):
        answers = application.answers
        saved = answers.get(step.section, {})
        if step.slug == "organisation":
            return forms.OrganisationForm(data, initial=saved)
        if step.slug == "addresses":
            return forms.AddressesForm(data, initial=saved)
        if step.slug == "size":
            return forms.SizeForm(data, initial=saved)
        if step.slug == "routes":
            return forms.RoutesForm(data, initial=saved)
        if step.slug == "authorising-officer":
            return forms.PersonForm(data, initial=saved, who="the Authorising Officer", allow_representative=False)
        if step.slug == "key-contact":
            ao = _person_name(answers.get("authorising_officer", {}))
            initial = {"who": saved.get("same_as") or (forms.SOMEONE_ELSE if saved else None)}
            return forms.SamePersonForm(
                data,
                initial=initial,
                label="Who is the Key Contact?",
                options=[(forms.SAME_AS_AO, f"{ao}, the Authorising Officer")],
            )
        if step.slug == "level-1":
            options = [
                (forms.SAME_AS_AO, f"{_person_name(answers.get('authorising_officer', {}))}, the Authorising Officer")
            ]
            if "same_as" not in answers.get("key_contact", {}):
                options.append((forms.SAME_AS_KC, f"{_person_name(answers.get('key_contact', {}))}, the Key Contact"))
            initial = {"who": saved.get("same_as") or (forms.SOMEONE_ELSE if saved else None)}
            return forms.SamePersonForm(data, initial=initial, label="Who is the first Level 1 user?", options=options)
        who = "the Key Contact" if step.section == "key_contact" else "the Level 1 user"
        initial = saved if "same_as" not in saved else {}
        return forms.PersonForm(data, initial=initial, who=who)

    def _context(self, step, form):
        return {"step": step, "form": form, "title": step.title, "back_url": self._back_url(step)}

    def _back_url(self, step: Step) -> str:
        if self.request.GET.get("change"):
            return reverse("licensing:apply_check")
        index = STEPS.index(step)
        if index == 0:
            return reverse("licensing:apply_start")
        previous = {"level-1": "key-contact", "key-contact-details": "key-contact", "level-1-details": "level-1"}
        return reverse("licensing:apply_step", args=[previous.get(step.slug, STEPS[index - 1].slug)])

    def dispatch(self, request, *args, **kwargs):
        self.application = current_application(request)
        if self.application is None:
            return redirect("licensing:apply_start")
        self.step = STEP_BY_SLUG.get(kwargs["slug"])
        if self.step is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, slug):
        return render(
            request, "licensing/apply/question.html", self._context(self.step, self._form(self.step, self.application))
        )

    def post(self, request, slug):
        step = self.step
        form = self._form(step, self.application, request.POST)
        if not form.is_valid():
            return render(request, "licensing/apply/question.html", self._context(step, form))
        data = form.cleaned_data
        if isinstance(form, forms.SamePersonForm):
            if data["who"] == forms.SOMEONE_ELSE:
                # Keep a person already entered; otherwise the details page asks for one.
                existing = self.application.answers.get(step.section, {})
                answers = existing if existing and "same_as" not in existing else {}
            else:
                answers = {"same_as": data["who"]}
        else:
            answers = data
        try:
            self.application = services.application_save_answers(
                application=self.application, section=step.section, answers=answers
            )
        except DomainError as error:
            form.add_error("who" if isinstance(form, forms.SamePersonForm) else "email", str(error))
            return render(request, "licensing/apply/question.html", self._context(step, form))
        return redirect(_next_url(step, self.application, bool(request.GET.get("change"))))


class ApplyDocumentsView(PolicyMixin, View):
    """Add supporting documents, one at a time; they are listed as they are added."""

    action = Action.PUBLIC

    def dispatch(self, request, *args, **kwargs):
        self.application = current_application(request)
        if self.application is None:
            return redirect("licensing:apply_start")
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form):
        return render(
            request=self.request,
            template_name="licensing/apply/documents.html",
            context={"form": form, "documents": self.application.documents.all()},
        )

    def get(self, request):
        return self._render(forms.DocumentUploadForm())

    def post(self, request):
        if "continue" in request.POST:
            if not self.application.documents.exists():
                form = forms.DocumentUploadForm(data={}, files={})
                form.is_valid()
                form.errors["document"] = form.error_class(["Add at least one supporting document"])
                return self._render(form)
            return redirect("licensing:apply_check")
        # Uploads are limited per client address (APPLICATION_UPLOADS_RATE), counted before a file is stored.
        wait = seconds_to_wait(request, group="apply:upload", rate=settings.APPLICATION_UPLOADS_RATE)
        if wait:
            return too_many_requests(request, seconds=wait, doing="uploaded documents")
        form = forms.DocumentUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        try:
            services.application_add_document(
                application=self.application,
                upload=form.cleaned_data["document"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_error("document", str(error))
            return self._render(form)
        messages.success(request, f"{form.cleaned_data['document'].name} has been added")
        return redirect("licensing:apply_documents")


def answer_rows(application: LicenceApplication) -> list[dict]:
    """The check-your-answers summary: label, value and the page to change it on."""
    answers = application.answers

    def person(section: str) -> str:
        entry = answers.get(section, {})
        if entry.get("same_as"):
            return (
                f"Same as the {'Authorising Officer' if entry['same_as'] == 'authorising_officer' else 'Key Contact'}"
            )
        return ", ".join(
            part for part in (_person_name(entry), entry.get("email", ""), entry.get("job_title", "")) if part
        )

    organisation = answers.get("organisation", {})
    addresses = answers.get("addresses", {})
    size = answers.get("size", {}).get("size")
    routes = answers.get("routes", {}).get("routes", [])
    return [
        {"label": "Organisation name", "value": organisation.get("name", ""), "step": "organisation"},
        {
            "label": "Registration number",
            "value": organisation.get("registered_number") or "Not given",
            "step": "organisation",
        },
        {"label": "Registered office address", "value": addresses.get("registered_address", ""), "step": "addresses"},
        {
            "label": "Trading address",
            "value": addresses.get("trading_address") or "Same as registered office",
            "step": "addresses",
        },
        {"label": "Size", "value": SponsorSize(size).label if size else "", "step": "size"},
        {"label": "Routes", "value": "\n".join(Route(route).label for route in routes), "step": "routes"},
        {"label": "Authorising Officer", "value": person("authorising_officer"), "step": "authorising-officer"},
        {"label": "Key Contact", "value": person("key_contact"), "step": "key-contact"},
        {"label": "First Level 1 user", "value": person("level_1"), "step": "level-1"},
    ]


class ApplyCheckAnswersView(PolicyMixin, View):
    """Check your answers, see the fee, declare and submit."""

    action = Action.PUBLIC

    def dispatch(self, request, *args, **kwargs):
        self.application = current_application(request)
        if self.application is None:
            return redirect("licensing:apply_start")
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form):
        application = self.application
        missing = services.missing_sections(application)
        fee, fee_error, fee_basis = None, "", ""
        if "size" not in missing and "routes" not in missing:
            fee_basis = services.application_fee_basis(application.answers)
            try:
                fee = format_pounds(services.application_fee(application.answers, timezone.localdate()))
            except DomainError as error:
                # No fee figure in force: say so; submitting is refused with the same message.
                fee_error = str(error)
        return render(
            self.request,
            "licensing/apply/check_answers.html",
            {
                "form": form,
                "rows": answer_rows(application),
                "documents": application.documents.all(),
                "fee": fee,
                "fee_basis": fee_basis,
                "fee_error": fee_error,
                "missing": missing,
            },
        )

    def get(self, request):
        return self._render(forms.DeclarationForm())

    def post(self, request):
        form = forms.DeclarationForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            application = services.application_submit(application=self.application, declaration_confirmed=True)
        except (DomainError, ValidationError) as error:
            form.add_error(None, error.message if isinstance(error, ValidationError) else str(error))
            return self._render(form)
        request.session.pop(SESSION_KEY, None)
        request.session[PAYING_KEY] = application.pk
        return _start_payment(request, application)


def paying_application(request) -> LicenceApplication | None:
    """The applicant's submitted application (from their session), paid or not."""
    application_id = request.session.get(PAYING_KEY)
    if not application_id:
        return None
    return LicenceApplication.objects.filter(pk=application_id).exclude(status=LicenceApplication.Status.DRAFT).first()


def _start_payment(request, application: LicenceApplication):
    """Send the applicant to the payment provider's page; if it cannot start, to the pay page."""
    return_url = request.build_absolute_uri(reverse("licensing:apply_payment_return"))
    try:
        payment = services.application_payment_start(application=application, return_url=return_url)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("licensing:apply_pay")
    return redirect(payment.next_url)


class ApplyPayView(PolicyMixin, View):
    """Pay the application fee: shown when a payment did not complete, to try again."""

    action = Action.PUBLIC

    def dispatch(self, request, *args, **kwargs):
        self.application = paying_application(request)
        if self.application is None:
            return redirect("licensing:apply_start")
        if self.application.status != LicenceApplication.Status.AWAITING_PAYMENT:
            request.session[SUBMITTED_KEY] = self.application.reference
            return redirect("licensing:apply_submitted")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        application = self.application
        return render(
            request,
            "licensing/apply/pay.html",
            {
                "application": application,
                "fee": format_pounds(application.fee_pence),
                "fee_basis": services.application_fee_basis(application.answers),
                "payments": payment_selectors.payments_for(
                    purpose=Payment.Purpose.LICENCE_APPLICATION, subject_reference=application.reference
                ),
            },
        )

    def post(self, request):
        return _start_payment(request, self.application)


class ApplyPaymentReturnView(PolicyMixin, View):
    """Where the payment provider sends the applicant back: the outcome is asked of the provider,
    never read from the address. Paid: the confirmation page; otherwise the pay page, to try again."""

    action = Action.PUBLIC

    def get(self, request):
        application = paying_application(request)
        if application is None:
            return redirect("licensing:apply_start")
        try:
            payment = services.application_payment_confirm(application=application)
        except DomainError as error:
            messages.error(request, f"We could not check your payment: {error}")
            payment = None
        application.refresh_from_db()
        if application.status != LicenceApplication.Status.AWAITING_PAYMENT:
            request.session[SUBMITTED_KEY] = application.reference
            return redirect("licensing:apply_submitted")
        payment_outcome_tell(
            request, payment, still_due="Your application has not been sent: pay the fee to submit it."
        )
        return redirect("licensing:apply_pay")


class ApplySubmittedView(PolicyMixin, View):
    action = Action.PUBLIC

    def get(self, request):
        reference = request.session.get(SUBMITTED_KEY)
        if not reference:
            return redirect("licensing:apply_start")
        application = LicenceApplication.objects.filter(reference=reference).first()
        return render(request, "licensing/apply/submitted.html", {"reference": reference, "application": application})


class ApplyMoreInformationView(PolicyMixin, View):
    """The emailed, single-use link where an applicant answers a caseworker's request."""

    action = Action.PUBLIC

    def dispatch(self, request, *args, **kwargs):
        self.application = services.application_for_token(reference=kwargs["reference"], token=kwargs["token"])
        if self.application is None:
            return render(request, "licensing/apply/information_link_used.html", status=404)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form):
        return render(
            self.request, "licensing/apply/more_information.html", {"form": form, "application": self.application}
        )

    def get(self, request, reference, token):
        return self._render(forms.InformationReplyForm())

    def post(self, request, reference, token):
        form = forms.InformationReplyForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        document = form.cleaned_data.get("document")
        try:
            services.application_provide_information(
                application=self.application,
                response=form.cleaned_data["reply"],
                uploads=[document] if document else [],
            )
        except DomainError as error:
            form.add_error("document" if document else None, str(error))
            return self._render(form)
        return render(request, "licensing/apply/more_information_sent.html", {"application": self.application})
