"""Staff correct or withdraw a posted message: audited with before and after; a withdrawn message
leaves every board at once and its read counts stay."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.messageboard import selectors, services
from sms.messageboard.models import MessageRead


def post(staff, **kwargs):
    defaults = {"subject": "Allocation year", "body": "Please check.", "publish_on": timezone.localdate()}
    return services.message_post(actor=staff, **(defaults | kwargs))


def test_a_published_message_is_corrected_and_the_change_audited(client, caseworker, level_1):
    message = post(caseworker)
    services.message_read(actor=level_1, message=message)
    sign_in(client, caseworker)
    today = timezone.localdate()
    response = client.post(
        reverse("messageboard:ho_edit", args=[message.pk]),
        {
            "subject": "Allocation year ends soon",
            "body": "Please check your allocation.",
            "publish_on": today.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.subject == "Allocation year ends soon"
    event = AuditEvent.objects.get(verb=Verb.MESSAGE_EDITED)
    assert event.payload["before"]["subject"] == "Allocation year"
    assert event.payload["after"]["subject"] == "Allocation year ends soon"
    assert event.payload["before"]["body"] == "Please check."
    # Still on the board, changed; the earlier read still counts.
    assert [entry.item.subject for entry in selectors.board_entries(user=level_1)] == ["Allocation year ends soon"]
    assert MessageRead.objects.filter(message=message).count() == 1


def test_a_published_message_keeps_its_past_publish_date_but_cannot_move_into_the_past(caseworker):
    message = post(caseworker)
    yesterday = timezone.localdate() - timedelta(days=1)
    type(message).objects.filter(pk=message.pk).update(publish_on=yesterday)
    message.refresh_from_db()
    services.message_edit(actor=caseworker, message=message, subject="New", body="Body", publish_on=yesterday)
    with pytest.raises(DomainError, match="today or in the future"):
        services.message_edit(
            actor=caseworker, message=message, subject="New", body="Body", publish_on=yesterday - timedelta(days=1)
        )


def test_a_scheduled_message_is_retargeted_before_it_is_published(caseworker, level_1):
    tomorrow = timezone.localdate() + timedelta(days=1)
    message = post(caseworker, publish_on=tomorrow)
    services.message_edit(
        actor=caseworker,
        message=message,
        subject="Students",
        body="For students",
        publish_on=tomorrow,
        routes=["student"],
    )
    message.refresh_from_db()
    assert message.routes == ["student"]
    event = AuditEvent.objects.get(verb=Verb.MESSAGE_EDITED)
    assert event.payload["before"]["routes"] == []
    assert event.payload["after"]["routes"] == ["student"]


def test_a_withdrawn_message_leaves_the_board_and_keeps_its_read_counts(client, caseworker, level_1):
    message = post(caseworker)
    services.message_read(actor=level_1, message=message)
    sign_in(client, caseworker)
    response = client.post(reverse("messageboard:ho_withdraw", args=[message.pk]), {"reason": "Sent in error"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb=Verb.MESSAGE_WITHDRAWN)
    assert event.payload["reason"] == "Sent in error"
    staff_page = client.get(reverse("messageboard:ho_messages")).content.decode()
    assert "Withdrawn" in staff_page
    assert 'data-read="users">1 of' in staff_page
    assert reverse("messageboard:ho_edit", args=[message.pk]) not in staff_page
    # Gone from the Level 1 user's board, their unread count and the message's own page.
    assert selectors.board_entries(user=level_1) == []
    assert selectors.unread(user=level_1).count == 0
    client.logout()
    sign_in(client, level_1)
    assert client.get(reverse("messageboard:message", args=[message.pk])).status_code == 404
    assert "Allocation year" not in client.get(reverse("messageboard:board")).content.decode()
    # Neither withdrawn twice nor changed afterwards.
    with pytest.raises(DomainError, match="already been withdrawn"):
        services.message_withdraw(actor=caseworker, message=message, reason="Again")
    with pytest.raises(DomainError, match="withdrawn"):
        services.message_edit(actor=caseworker, message=message, subject="x", body="y", publish_on=timezone.localdate())


def test_only_staff_who_post_messages_change_or_withdraw_them(caseworker, helpdesk, level_1):
    message = post(caseworker)
    for actor in (helpdesk, level_1):
        with pytest.raises(PermissionDenied):
            services.message_withdraw(actor=actor, message=message, reason="No")
        with pytest.raises(PermissionDenied):
            services.message_edit(actor=actor, message=message, subject="x", body="y", publish_on=timezone.localdate())
