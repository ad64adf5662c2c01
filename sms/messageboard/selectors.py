"""Reads for the message board: a Level 1 user's board (messages targeted at their sponsor and its
notices, newest first, with what they have read), unread counts, and staff read counts."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.licensing.models import Licence, LicenceRoute
from sms.messageboard.models import Message, MessageRead, NoticeRead
from sms.messageboard.targeting import is_shown, is_targeted, routes_targeted
from sms.notifications.models import Notice


@dataclass
class BoardEntry:
    """One line of the board: a Home Office message or a system notice."""

    item: Message | Notice
    is_message: bool
    at: datetime
    read: bool

    @property
    def url(self) -> str:
        name = "messageboard:message" if self.is_message else "messageboard:notice"
        return reverse(name, kwargs={"pk": self.item.pk})

    @property
    def label(self) -> str:
        return "Home Office message" if self.is_message else self.item.get_kind_display()


def shown_at(message: Message) -> datetime:
    """When a message appeared on boards: its posting, or the start of a later publish date."""
    start = timezone.make_aware(datetime.combine(message.publish_on, time.min))
    return max(message.created_at, start)


def held_routes(sponsor_id) -> list[tuple[str, str]]:
    """The (route, rating) pairs the sponsor's licence holds now."""
    return list(
        LicenceRoute.objects.filter(licence__sponsor_id=sponsor_id, removed_on__isnull=True).values_list(
            "route", "rating"
        )
    )


def shown_messages(today: date) -> QuerySet[Message]:
    """Messages on boards today: published, not past their last day, not withdrawn."""
    return Message.objects.filter(publish_on__lte=today, withdrawn_at__isnull=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def message_for_staff(*, pk: int) -> Message:
    message = Message.objects.select_related("posted_by").filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def messages_for_sponsor(sponsor: Sponsor, *, today: date | None = None) -> list[Message]:
    """The messages shown today to the sponsor's Level 1 users (two queries)."""
    today = today or timezone.localdate()
    held = held_routes(sponsor.pk)
    shown = shown_messages(today)
    return [message for message in shown if is_targeted(message, size=sponsor.size, held=held)]


def board_entries(*, user: User, today: date | None = None) -> list[BoardEntry]:
    """The user's board, newest first: messages targeted at their sponsor and its notices."""
    messages = messages_for_sponsor(user.sponsor, today=today)
    read_messages = set(
        MessageRead.objects.filter(user=user, message__in=[m.pk for m in messages]).values_list("message_id", flat=True)
    )
    notices = list(Notice.objects.filter(sponsor_id=user.sponsor_id))
    read_notices = set(
        NoticeRead.objects.filter(user=user, notice__sponsor_id=user.sponsor_id).values_list("notice_id", flat=True)
    )
    entries = [BoardEntry(m, True, shown_at(m), m.pk in read_messages) for m in messages]
    entries += [BoardEntry(n, False, n.created_at, n.pk in read_notices) for n in notices]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


@dataclass
class Unread:
    count: int
    # Unread for longer than MESSAGE_BOARD_UNREAD_FLAG_DAYS (domain.md section 6: a week).
    overdue: int


def unread(*, user: User, now: datetime | None = None) -> Unread:
    """How many entries of the user's board they have not read, and how many of those are old.

    Three queries whatever the board's size (every Level 1 page shows the count in its navigation).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MESSAGE_BOARD_UNREAD_FLAG_DAYS)
    today = timezone.localdate(now)
    held = list(
        LicenceRoute.objects.filter(licence__sponsor_id=user.sponsor_id, removed_on__isnull=True).values_list(
            "route", "rating", "licence__sponsor__size"
        )
    )
    size = held[0][2] if held else ""
    pairs = [(route, rating) for route, rating, _ in held]
    messages = shown_messages(today).exclude(reads__user=user)
    at = [shown_at(message) for message in messages if is_targeted(message, size=size, held=pairs)]
    notices = (
        Notice.objects.filter(sponsor_id=user.sponsor_id)
        .exclude(reads__user=user)
        .aggregate(count=Count("pk"), overdue=Count("pk", filter=Q(created_at__lt=cutoff)))
    )
    return Unread(count=len(at) + notices["count"], overdue=sum(1 for when in at if when < cutoff) + notices["overdue"])


def message_for_reader(*, user: User, pk: int) -> Message:
    """A message shown to the user's sponsor today; 404 for any other (not targeted, not published,
    expired)."""
    message = Message.objects.filter(pk=pk).first()
    if message is None or not message_is_for(message, user.sponsor):
        raise Http404
    return message


def message_is_for(message: Message, sponsor: Sponsor) -> bool:
    return is_shown(message, timezone.localdate()) and is_targeted(
        message, size=sponsor.size, held=held_routes(sponsor.pk)
    )


def notice_for_reader(*, user: User, pk: int) -> Notice:
    """A notice on the user's sponsor's board; 404 for another sponsor's."""
    notice = Notice.objects.filter(pk=pk, sponsor_id=user.sponsor_id).first()
    if notice is None:
        raise Http404
    return notice


def targeted_sponsors(message: Message) -> QuerySet[Sponsor]:
    """Sponsors whose current licence the message targets (whatever its publish dates)."""
    held = {
        "licence__routes__removed_on__isnull": True,
        "licence__routes__route__in": sorted(routes_targeted(message.routes, message.categories)),
    }
    if message.ratings:
        held["licence__routes__rating__in"] = message.ratings
    sponsors = Sponsor.objects.filter(**held).exclude(licence__status__in=Licence.ENDED)
    if message.sizes:
        sponsors = sponsors.filter(size__in=message.sizes)
    return sponsors.distinct()


def messages_with_read_counts(messages: list[Message]) -> list[Message]:
    """Set on each message: sponsors targeted and read by at least one Level 1 user; Level 1 users
    targeted and read (two queries per message beyond the page's own)."""
    for message in messages:
        sponsors = targeted_sponsors(message)
        message.sponsors_targeted = sponsors.count()
        message.users_targeted = User.objects.filter(
            sponsor__in=sponsors.values("pk"), level=User.Level.LEVEL_1, is_active=True
        ).count()
    return messages


def staff_messages() -> QuerySet[Message]:
    """Every message, newest first, with its read counts (users and sponsors)."""
    return (
        Message.objects.select_related("posted_by")
        .annotate(users_read=Count("reads", distinct=True), sponsors_read=Count("reads__sponsor", distinct=True))
        .order_by("-publish_on", "-created_at", "-id")
    )
