"""The Home Office workspace: every queue with its counts, one searchable list of cases, and the
assignment and notes actions the decision pages' casework panel posts to."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView, View

from sms.accounts import services as account_services
from sms.accounts.models import User
from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.casework import forms, queues, selectors, services
from sms.casework.cases import case_label, case_object, case_url
from sms.casework.sponsor import TABS, tab_context
from sms.core.exceptions import DomainError
from sms.licensing.selectors import sponsor_for_staff
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 25


class WorkspaceView(PolicyMixin, TemplateView):
    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "casework/workspace.html"

    def get_context_data(self, **kwargs):
        form = forms.WorkspaceFilterForm(self.request.GET or None)
        chosen = form.cleaned_data if form.is_valid() else {}
        cases = queues.case_list(
            queue=chosen.get("queue", ""),
            search=chosen.get("q", ""),
            assignment=chosen.get("assignment", ""),
            sort=chosen.get("sort") or "due",
            user=self.request.user,
        )
        page = Paginator(cases, PAGE_SIZE).get_page(self.request.GET.get("page"))
        owners = selectors.users_by_id(row["c_assignee"] for row in page)
        rows = [
            {
                **row,
                "url": case_url(row["c_type"], reference=row["c_ref"], uuid=row["c_uuid"]),
                "queue_label": queues.QUEUE_LABELS[row["c_queue"]],
                "owner": owners.get(row["c_assignee"]),
            }
            for row in page
        ]
        counts = queues.queue_counts()
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": page,
            "rows": rows,
            "queues": [{"queue": queue, **counts[queue.key]} for queue in queues.QUEUES],
            "query": query.urlencode(),
        }


class CaseActionView(ServiceFormView):
    """A form about one case, posted from the case's panel; back to the case afterwards."""

    action = Action.DECIDE_CASES

    def load(self, request, *args, **kwargs):
        self.case = case_object(kwargs["case_type"], kwargs["case_id"])
        self.case_type = kwargs["case_type"]

    @property
    def caption(self):
        return f"Case {case_label(self.case)}"

    def get_back_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return case_url(self.case_type, reference=getattr(self.case, "reference", ""), uuid=self.case.uuid)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.get_back_url()}


class CaseAssignView(CaseActionView):
    form_class = forms.AssignForm
    template_name = "casework/case_form.html"
    title = "Assign the case"
    button_text = "Assign"

    def get_initial(self):
        assignment = selectors.case_assignment(case_type=self.case_type, case_id=self.case.pk)
        return {"assignee": assignment.assigned_to if assignment else self.request.user}

    def perform(self, data):
        services.case_assign(case=self.case, assignee=data["assignee"], actor=self.request.user)
        who = "you" if data["assignee"] == self.request.user else data["assignee"].full_name or data["assignee"].email
        return f"Case {case_label(self.case)} assigned to {who}"


class CaseNoteView(CaseActionView):
    form_class = forms.CaseNoteForm
    template_name = "casework/case_form.html"
    title = "Add an internal note"
    button_text = "Add note"

    def perform(self, data):
        services.case_note_add(case=self.case, text=data["text"], actor=self.request.user)
        return "Note added"


class SponsorView(PolicyMixin, TemplateView):
    """Everything about one sponsor for Home Office staff, a tab at a time."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "casework/sponsor.html"

    def get_context_data(self, **kwargs):
        tab = kwargs.get("tab", "summary")
        if tab not in TABS:
            raise Http404
        sponsor = sponsor_for_staff(uuid=kwargs["uuid"])
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "sponsor": sponsor,
            "licence": sponsor.licence,
            "tab": tab,
            "tab_label": TABS[tab],
            "tabs": TABS,
            "may_help": can(self.request.user, Action.UNLOCK_ACCOUNT),
            "may_plan_visit": can(self.request.user, Action.RECORD_COMPLIANCE_VISIT),
            "trail_url": f"{reverse('audit:home_office_trail')}?sponsor={sponsor.uuid}",
            **tab_context(sponsor=sponsor, tab=tab, params=self.request.GET),
        }


class SponsorUserActionView(PolicyMixin, View):
    """Helpdesk actions on a sponsor's user from the staff sponsor view: reactivate, resend activation."""

    action = Action.UNLOCK_ACCOUNT
    http_method_names = ["post"]

    def post(self, request, uuid, user_id, what):
        sponsor = sponsor_for_staff(uuid=uuid)
        user = User.objects.filter(sponsor=sponsor, user_id=user_id).first()
        if user is None or what not in {"reactivate", "resend-activation"}:
            raise Http404
        try:
            if what == "reactivate":
                account_services.account_reactivate(actor=request.user, user=user)
                messages.success(request, f"{user.email} can sign in again. We have emailed them")
            else:
                account_services.account_activation_resend(actor=request.user, user=user)
                messages.success(request, f"We have sent {user.email} a new activation link")
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("casework:sponsor_tab", uuid=sponsor.uuid, tab="users")
