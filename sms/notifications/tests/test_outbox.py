"""Emails are stored first, sent after commit, retried when sending fails."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from sms.notifications.delivery import email_deliver, outbox_retry
from sms.notifications.models import OutboundEmail
from sms.notifications.services import email_enqueue


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_after_the_transaction_commits():
    with transaction.atomic():
        email = email_enqueue(to="a@example.com", subject="Hello", body="Body")
        assert mail.outbox == []
    assert [message.subject for message in mail.outbox] == ["Hello"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_stored_or_sent_when_the_transaction_rolls_back():
    def enqueue_then_fail():
        with transaction.atomic():
            email_enqueue(to="a@example.com", subject="Hello", body="Body")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_a_failed_send_stays_pending_and_is_retried(settings):
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    with mock.patch("sms.notifications.delivery.send_mail", side_effect=OSError("SMTP down")):
        assert email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.PENDING, 1, "SMTP down")

    assert outbox_retry() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_email_that_keeps_failing_is_marked_failed_after_the_last_attempt(settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    with mock.patch("sms.notifications.delivery.send_mail", side_effect=OSError("SMTP down")):
        email_deliver(email_id=email.pk)
        email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert outbox_retry() == 0
