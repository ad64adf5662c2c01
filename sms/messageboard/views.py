"""The message board pages: a Level 1 user's board and its entries; staff messages and posting."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action, can
from sms.messageboard import selectors
from sms.messageboard.forms import MessageEditForm, MessageForm, WithdrawForm
from sms.messageboard.services import message_edit, message_post, message_read, message_withdraw, notice_read
from sms.messageboard.targeting import describe
from sms.web.formviews import ServiceFormView

PAGE_SIZE = 20


class BoardView(PolicyMixin, TemplateView):
    """Messages from the Home Office and the system's notices, newest first, unread highlighted."""

    action = Action.READ_MESSAGE_BOARD
    template_name = "messageboard/board.html"

    def get_context_data(self, **kwargs):
        entries = selectors.board_entries(user=self.request.user)
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page, "unread": sum(not e.read for e in entries)}


class EntryView(PolicyMixin, TemplateView):
    """One entry of the board; opening it records that the user has read it."""

    action = Action.READ_MESSAGE_BOARD
    template_name = "messageboard/entry.html"

    def get(self, request, *args, **kwargs):
        self.record_read()
        return super().get(request, *args, **kwargs)

    def record_read(self) -> None:
        raise NotImplementedError


class MessageView(EntryView):
    def load(self, request, pk):
        self.item = selectors.message_for_reader(user=request.user, pk=pk)

    def record_read(self):
        message_read(actor=self.request.user, message=self.item)

    def get_context_data(self, **kwargs):
        at = selectors.shown_at(self.item)
        return {**super().get_context_data(**kwargs), "item": self.item, "label": "Home Office message", "at": at}


class NoticeView(EntryView):
    def load(self, request, pk):
        self.item = selectors.notice_for_reader(user=request.user, pk=pk)

    def record_read(self):
        notice_read(actor=self.request.user, notice=self.item)

    def get_context_data(self, **kwargs):
        label = self.item.get_kind_display()
        return {**super().get_context_data(**kwargs), "item": self.item, "label": label, "at": self.item.created_at}


class StaffMessagesView(PolicyMixin, TemplateView):
    """Every message posted, its targeting and how many sponsors and Level 1 users have read it."""

    action = Action.VIEW_HOME_OFFICE_RECORDS
    template_name = "messageboard/staff_messages.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.staff_messages(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        messages = selectors.messages_with_read_counts(list(page.object_list))
        today = timezone.localdate()
        for message in messages:
            message.targeting = describe(message)
            message.status = (
                "Withdrawn"
                if message.withdrawn_at
                else "Scheduled"
                if message.publish_on > today
                else "Expired"
                if message.expires_on and message.expires_on < today
                else "Shown"
            )
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "messages_on_page": messages,
            "may_post": can(self.request.user, Action.POST_MESSAGES),
        }


class MessagePostView(ServiceFormView):
    action = Action.POST_MESSAGES
    form_class = MessageForm
    title = "Post a message"
    intro = (
        "Only Level 1 users of the sponsors you target see it. A sponsor is targeted when it holds a route that "
        "matches the routes, type and rating you select, and is of a size you select."
    )
    button_text = "Post message"

    def get_initial(self):
        return {"publish_on": timezone.localdate()}

    def get_back_url(self):
        return reverse("messageboard:ho_messages")

    def perform(self, data):
        message = message_post(actor=self.request.user, **data)
        return f"Message \u201c{message.subject}\u201d posted"


class StaffMessageFormView(ServiceFormView):
    """A change to one posted message; a withdrawn message can no longer change."""

    action = Action.POST_MESSAGES

    def load(self, request, *args, **kwargs):
        self.message = selectors.message_for_staff(pk=kwargs["pk"])

    @property
    def caption(self):
        return f"Message \u201c{self.message.subject}\u201d"

    def unavailable(self):
        return "This message has been withdrawn" if self.message.withdrawn_at else ""

    def get_back_url(self):
        return reverse("messageboard:ho_messages")


class MessageEditView(StaffMessageFormView):
    form_class = MessageEditForm
    title = "Change the message"
    intro = "Level 1 users see the changed message at once. Those who have already read it stay counted."
    button_text = "Save changes"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "current_publish_on": self.message.publish_on}

    def get_initial(self):
        fields = ("subject", "body", "routes", "categories", "sizes", "ratings", "publish_on", "expires_on")
        return {field: getattr(self.message, field) for field in fields}

    def perform(self, data):
        message = message_edit(actor=self.request.user, message=self.message, **data)
        return f"Message \u201c{message.subject}\u201d changed"


class MessageWithdrawView(StaffMessageFormView):
    form_class = WithdrawForm
    title = "Withdraw the message"
    button_text = "Withdraw message"
    warning = "The message leaves every sponsor's board at once and cannot be shown again."

    def perform(self, data):
        message = message_withdraw(actor=self.request.user, message=self.message, reason=data["reason"])
        return f"Message \u201c{message.subject}\u201d withdrawn"
