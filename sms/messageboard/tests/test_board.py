"""The message board: targeting, publish dates, read receipts and counts, unread flags, tenancy."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.messageboard import selectors, services
from sms.messageboard.models import Message, MessageRead, NoticeRead
from sms.messageboard.targeting import is_targeted
from sms.notifications.models import Notice
from sms.notifications.services import notice_post
from tests.factories import SponsorFactory, make_sponsor_user


def target(**lists):
    return SimpleNamespace(**{"routes": [], "categories": [], "sizes": [], "ratings": [], **lists})


@pytest.mark.parametrize(
    ("lists", "size", "held", "expected"),
    [
        ({}, "large", [("skilled_worker", "a")], True),
        ({"routes": ["skilled_worker"]}, "large", [("skilled_worker", "a")], True),
        ({"routes": ["student"]}, "large", [("skilled_worker", "a")], False),
        ({"categories": ["temporary_worker"]}, "large", [("scale_up", "a")], True),
        ({"categories": ["temporary_worker"]}, "large", [("skilled_worker", "a")], False),
        ({"categories": ["student"]}, "small", [("child_student", "b")], True),
        ({"sizes": ["small"]}, "large", [("skilled_worker", "a")], False),
        ({"sizes": ["small"]}, "small", [("skilled_worker", "a")], True),
        ({"ratings": ["b"]}, "large", [("skilled_worker", "a")], False),
        ({"ratings": ["b"]}, "large", [("skilled_worker", "a"), ("student", "b")], True),
        # Route and rating are met by the same route: a B-rated student route is not a B-rated Skilled Worker one.
        ({"routes": ["skilled_worker"], "ratings": ["b"]}, "large", [("skilled_worker", "a"), ("student", "b")], False),
        ({"routes": ["skilled_worker"], "categories": ["student"]}, "large", [("skilled_worker", "a")], False),
        ({}, "large", [], False),
    ],
)
def test_targeting_by_route_type_size_and_rating(lists, size, held, expected):
    assert is_targeted(target(**lists), size=size, held=held) is expected


def post(staff, **kwargs):
    defaults = {"subject": "Allocation year", "body": "Please check.", "publish_on": timezone.localdate()}
    return services.message_post(actor=staff, **(defaults | kwargs))


@pytest.fixture
def student_sponsor(db):
    sponsor = SponsorFactory(name="College Ltd", licence=["student"])
    return sponsor, make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="l1@college.example")


def test_only_level_1_users_of_targeted_sponsors_see_a_message(client, level_1, level_2, student_sponsor, caseworker):
    message = post(caseworker, subject="Students only", categories=["student"])
    college_l1 = student_sponsor[1]

    client.force_login(college_l1)
    assert "Students only" in client.get(reverse("messageboard:board")).text
    assert client.get(reverse("messageboard:message", args=[message.pk])).status_code == 200

    client.force_login(level_1)
    assert "Students only" not in client.get(reverse("messageboard:board")).text
    assert client.get(reverse("messageboard:message", args=[message.pk])).status_code == 404

    client.force_login(level_2)
    assert client.get(reverse("messageboard:board")).status_code == 403
    assert client.get(reverse("messageboard:message", args=[message.pk])).status_code == 403
    assert not MessageRead.objects.exists() or MessageRead.objects.get().user == college_l1


def test_a_message_shows_from_its_publish_date_to_its_last_day(level_1, caseworker):
    today = timezone.localdate()
    later = post(
        caseworker, subject="Later", publish_on=today + timedelta(days=2), expires_on=today + timedelta(days=3)
    )
    names = lambda day: [e.item.subject for e in selectors.board_entries(user=level_1, today=day)]  # noqa: E731
    assert "Later" not in names(today + timedelta(days=1))
    assert "Later" in names(today + timedelta(days=2))
    assert "Later" in names(today + timedelta(days=3))
    assert "Later" not in names(today + timedelta(days=4))
    assert later.expires_on == today + timedelta(days=3)


def test_posting_checks_dates_and_who_may_post(caseworker, compliance_officer, helpdesk, level_1):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="today or in the future"):
        post(caseworker, publish_on=today - timedelta(days=1))
    with pytest.raises(DomainError, match="on or after the publish date"):
        post(caseworker, expires_on=today - timedelta(days=1))
    with pytest.raises(DomainError, match="route"):
        post(caseworker, routes=["no_such_route"])
    post(compliance_officer)
    for refused in (helpdesk, level_1):
        with pytest.raises(PermissionDenied):
            post(refused)
    assert Message.objects.count() == 1
    assert AuditEvent.objects.filter(verb=Verb.MESSAGE_POSTED).count() == 1


def test_the_post_page_shows_errors_in_the_summary(client, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("messageboard:ho_post"), {"publish_on": "2020-01-01"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Enter a subject" in response.text
    assert "The publish date must be today or in the future" in response.text
    assert not Message.objects.exists()


def test_reads_are_recorded_once_and_staff_see_read_counts(client, sponsor, level_1, other_level_1, caseworker):
    second_l1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="second@acme.example")
    message = post(caseworker, subject="Everyone")
    client.force_login(level_1)
    board = client.get(reverse("messageboard:board")).text
    assert "Unread" in board
    client.get(reverse("messageboard:message", args=[message.pk]))
    client.get(reverse("messageboard:message", args=[message.pk]))
    assert MessageRead.objects.filter(message=message, user=level_1).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.MESSAGE_READ).count() == 1
    assert "Unread" not in client.get(reverse("messageboard:board")).text
    assert selectors.unread(user=second_l1).count == 1

    client.force_login(caseworker)
    page = client.get(reverse("messageboard:ho_messages")).text
    # Two sponsors (Acme, Borealis) are targeted; one has read it. Three Level 1 users; one has read it.
    assert "1 of 2" in page
    assert "1 of 3" in page
    assert other_level_1.sponsor_id != sponsor.pk


def test_notices_are_on_the_board_read_once_and_another_sponsors_is_not_found(client, sponsor, other_sponsor, level_1):
    notice = notice_post(sponsor=sponsor, kind=Notice.Kind.DECISION, subject="Request granted", body="Granted.")
    theirs = notice_post(sponsor=other_sponsor, kind=Notice.Kind.SANCTION, subject="Theirs", body="Not yours.")
    client.force_login(level_1)
    board = client.get(reverse("messageboard:board")).text
    assert "Request granted" in board
    assert "Theirs" not in board
    assert client.get(reverse("messageboard:notice", args=[notice.pk])).status_code == 200
    client.get(reverse("messageboard:notice", args=[notice.pk]))
    assert NoticeRead.objects.filter(notice=notice, user=level_1).count() == 1
    assert client.get(reverse("messageboard:notice", args=[theirs.pk])).status_code == 404
    with pytest.raises(Http404):
        services.notice_read(actor=level_1, notice=theirs)


def test_the_board_lists_newest_first_and_paginates(level_1, sponsor, client):
    for number in range(25):
        notice_post(sponsor=sponsor, kind=Notice.Kind.REMINDER, subject=f"Reminder {number:02}", body=".")
    entries = selectors.board_entries(user=level_1)
    assert entries[0].item.subject == "Reminder 24"
    client.force_login(level_1)
    assert "Page 1 of 2" in client.get(reverse("messageboard:board")).text


def test_home_and_navigation_show_unread_and_flag_those_older_than_a_week(client, sponsor, level_1, level_2):
    fresh = notice_post(sponsor=sponsor, kind=Notice.Kind.DECISION, subject="New", body=".")
    old = notice_post(sponsor=sponsor, kind=Notice.Kind.REMINDER, subject="Old", body=".")
    Notice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    client.force_login(level_1)
    home = client.get(reverse("portal:sponsor_home")).text
    assert "2 unread messages and notices" in home
    assert "1 message on the message board has been unread for more than 7 days" in home
    client.get(reverse("messageboard:notice", args=[old.pk]))
    home = client.get(reverse("portal:sponsor_home")).text
    assert "1 unread message and notice" in home
    assert "unread for more than" not in home
    assert fresh.pk
    client.force_login(level_2)
    home = client.get(reverse("portal:sponsor_home")).text
    assert "Messages" not in home
    assert "unread" not in home


def test_board_queries_do_not_grow_with_the_number_of_entries(
    client, sponsor, level_1, caseworker, django_assert_max_num_queries
):
    for number in range(30):
        notice_post(sponsor=sponsor, kind=Notice.Kind.REMINDER, subject=f"R{number}", body=".")
        post(caseworker, subject=f"M{number}")
    client.force_login(level_1)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("messageboard:board")).status_code == 200


def test_a_message_targeted_by_rating_reaches_a_downgraded_sponsor(level_1, sponsor, caseworker):
    message = post(caseworker, subject="B-rated sponsors", ratings=["b"])
    assert sponsor not in selectors.targeted_sponsors(message)
    sponsor.licence.routes.update(rating="b")
    assert list(selectors.targeted_sponsors(message)) == [sponsor]
    assert [entry.item for entry in selectors.board_entries(user=level_1)] == [message]
