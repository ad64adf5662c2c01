"""Sponsor pages: recording right-to-work checks, a worker's compliance file, the follow-ups owed, and
training records."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.reporting import selectors as register
from sms.reporting.models import SponsoredPerson
from sms.righttowork import forms, selectors, services
from sms.righttowork.models import RightToWorkCheck
from sms.web.formviews import ServiceFormView


class RightToWorkCheckView(ServiceFormView):
    """Record a right-to-work check of a worker, with its evidence."""

    action = Action.RECORD_RIGHT_TO_WORK
    form_class = forms.RightToWorkCheckForm
    title = "Record a right-to-work check"
    button_text = "Save the check"

    def load(self, request, *args, **kwargs):
        self.person = register.person_for_user(user=request.user, uuid=kwargs["uuid"])
        if not can(request.user, Action.RECORD_RIGHT_TO_WORK, self.person):
            raise PermissionDenied

    @property
    def caption(self):
        return self.person.full_name

    @property
    def intro(self):
        return (
            "Record each check you make: before the worker starts, and again before time-limited permission ends. "
            "The follow-up date is set from the worker's permission end date."
        )

    def unavailable(self):
        if self.person.kind != SponsoredPerson.Kind.WORKER:
            return "Right-to-work checks are recorded for workers"
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sponsor": self.request.user.sponsor}

    def get_initial(self):
        return {
            "checked_on": timezone.localdate(),
            "checked_by": self.request.user.pk,
            "permission_end": self.person.permission_end,
        }

    def get_back_url(self):
        return reverse("righttowork:file", args=[self.person.uuid])

    def perform(self, data):
        check = services.rtw_check_record(
            person=self.person,
            actor=self.request.user,
            checked_on=data["checked_on"],
            method=data["method"],
            result=data["result"],
            checked_by=data["checked_by"],
            uploads=[data["evidence"]],
            performed_by_name=data["performed_by_name"],
            share_code=data["share_code"],
            ecs_reference=data["ecs_reference"],
            permission_end=data["permission_end"] if data["result"] == RightToWorkCheck.Result.TIME_LIMITED else None,
            notes=data["notes"],
        )
        if check.follow_up_on:
            return f"Right-to-work check saved. Follow-up check due by {check.follow_up_on:%-d %B %Y}"
        return "Right-to-work check saved"


class ComplianceFileView(PolicyMixin, TemplateView):
    """One page with everything kept about a worker, to print or show a compliance officer."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "righttowork/file.html"

    def load(self, request, *args, **kwargs):
        self.person = register.person_for_user(user=request.user, uuid=kwargs["uuid"])

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        contents = selectors.compliance_file(self.person)
        current = next((check for check in contents["checks"] if check.is_current), None)
        return {
            **super().get_context_data(**kwargs),
            "person": self.person,
            "certificate": self.person.certificate,
            **contents,
            "current": current,
            "follow_up_overdue": bool(
                current and current.follow_up_on and current.follow_up_on < today
                and self.person.status != SponsoredPerson.Status.LEFT
            ),
            "today": today,
            "may_record": self.person.kind == SponsoredPerson.Kind.WORKER
            and can(self.request.user, Action.RECORD_RIGHT_TO_WORK, self.person),
            "may_change_permission": can(self.request.user, Action.REPORT_ACTIVITY, self.person),
        }


class FollowUpsView(PolicyMixin, TemplateView):
    """Right-to-work follow-up checks overdue and due within the notice window, and workers not yet checked."""

    action = Action.VIEW_SPONSOR_RECORDS
    template_name = "righttowork/follow_ups.html"
    LIMIT = 200

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        sponsor_id = self.request.user.sponsor_id
        unchecked = selectors.workers_without_a_check(sponsor_id=sponsor_id)
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "overdue": list(selectors.follow_ups_overdue(sponsor_id=sponsor_id, today=today)[: self.LIMIT]),
            "due": list(selectors.follow_ups_due(sponsor_id=sponsor_id, today=today)[: self.LIMIT]),
            "notice_days": selectors.RTW_FOLLOW_UP_NOTICE_DAYS,
            "unchecked": list(unchecked[: self.LIMIT]),
            "unchecked_count": unchecked.count(),
            "limit": self.LIMIT,
        }


class TrainingListView(PolicyMixin, TemplateView):
    action = Action.MANAGE_TRAINING
    template_name = "righttowork/training.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        page = Paginator(selectors.training_records(user=self.request.user), 50).get_page(self.request.GET.get("page"))
        for record in page.object_list:
            record.flags = selectors.training_flags(record, today)
        return {**super().get_context_data(**kwargs), "page": page, "today": today}


class TrainingAddView(ServiceFormView):
    action = Action.MANAGE_TRAINING
    form_class = forms.TrainingRecordForm
    title = "Record training"
    button_text = "Save"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sponsor": self.request.user.sponsor}

    def get_back_url(self):
        return reverse("righttowork:training")

    def perform(self, data):
        user, key_person = self.form.chosen_trainee(self.request.user.sponsor)
        record = services.training_record_add(
            sponsor=self.request.user.sponsor,
            actor=self.request.user,
            user=user,
            key_person=key_person,
            course=data["course"],
            taken_on=data["taken_on"],
            next_due=data["next_due"],
            notes=data["notes"],
        )
        return f"Training recorded for {record.trainee_name}: next due {record.next_due:%-d %B %Y}"


class TrainingEditView(ServiceFormView):
    action = Action.MANAGE_TRAINING
    form_class = forms.TrainingRecordForm
    title = "Change a training record"
    button_text = "Save"

    def load(self, request, *args, **kwargs):
        self.record = selectors.training_record_for_user(user=request.user, uuid=kwargs["uuid"])

    @property
    def caption(self):
        return f"{self.record.trainee_name}: {self.record.course}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        record = self.record
        fields = ("course", "taken_on", "next_due", "notes")
        return {field: getattr(record, field) for field in fields}

    def get_back_url(self):
        return reverse("righttowork:training")

    def perform(self, data):
        services.training_record_update(
            record=self.record,
            actor=self.request.user,
            course=data["course"],
            taken_on=data["taken_on"],
            next_due=data["next_due"],
            notes=data["notes"],
        )
        return f"Training record for {self.record.trainee_name} saved"
