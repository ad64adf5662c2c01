"""Emails are stored first, sent after commit, retried when sending fails."""

import threading
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from sms.notifications.backends import NotifyEmailBackend
from sms.notifications.delivery import (
    email_claim,
    email_deliver,
    emails_failed,
    outbox_deliver_due,
    outbox_retry,
    retry_delay,
)
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


def _down(*args, **kwargs):
    raise OSError("SMTP down")


@pytest.mark.django_db
def test_a_failed_send_waits_for_its_back_off_then_is_retried(settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    now = timezone.now()
    with mock.patch("sms.notifications.delivery.send_mail", side_effect=_down):
        assert email_deliver(email_id=email.pk, now=now) is False
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.PENDING, 1, "SMTP down")
    assert email.next_attempt_at == now + timedelta(seconds=60)

    # Not yet due: the retry sweep leaves it.
    assert outbox_retry(now=now + timedelta(seconds=59)) == 0
    assert mail.outbox == []
    assert outbox_retry(now=now + timedelta(seconds=60)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_back_off_doubles_after_each_failure_up_to_its_cap(settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    settings.EMAIL_RETRY_MAX_SECONDS = 400
    settings.EMAIL_MAX_ATTEMPTS = 10
    assert [retry_delay(attempts).total_seconds() for attempts in (1, 2, 3, 4)] == [60, 120, 240, 400]
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    now = timezone.now()
    waits = []
    with mock.patch("sms.notifications.delivery.send_mail", side_effect=_down):
        for _ in range(3):
            email_deliver(email_id=email.pk, now=now)
            email.refresh_from_db()
            waits.append((email.next_attempt_at - now).total_seconds())
            now = email.next_attempt_at
    assert waits == [60, 120, 240]


@pytest.mark.django_db
def test_an_email_that_keeps_failing_is_failed_after_the_last_attempt_and_shown_to_operators(settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    now = timezone.now()
    with mock.patch("sms.notifications.delivery.send_mail", side_effect=_down):
        email_deliver(email_id=email.pk, now=now)
        email_deliver(email_id=email.pk, now=now + timedelta(days=1))
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, 2)
    assert outbox_retry(now=now + timedelta(days=30)) == 0
    assert list(emails_failed()) == [email]

    out = StringIO()
    call_command("send_outbox", "--failed", stdout=out)
    assert "a@example.com" in out.getvalue()
    assert "SMTP down" in out.getvalue()

    # An operator who has checked it re-queues it.
    call_command("send_outbox", "--requeue", str(email.pk), stdout=StringIO())
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)


@pytest.mark.django_db
def test_a_claimed_email_is_not_sent_by_another_deliverer():
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    now = timezone.now()
    assert email_claim(email.pk, now) is True
    assert email_claim(email.pk, now) is False
    assert email_deliver(email_id=email.pk, now=now) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_claim_whose_worker_died_is_failed_for_an_operator_not_sent_again(settings):
    settings.EMAIL_CLAIM_TIMEOUT_SECONDS = 600
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    then = timezone.now()
    email_claim(email.pk, then)
    assert outbox_retry(now=then + timedelta(seconds=599)) == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENDING
    assert outbox_retry(now=then + timedelta(seconds=601)) == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "may not have been sent" in email.last_error
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_deliverers_running_at_once_send_each_email_exactly_once():
    """Two worker threads, each with its own database connection, drain the same outbox (run on
    PostgreSQL in CI, as production is)."""
    OutboundEmail.objects.bulk_create(
        [OutboundEmail(to=f"person{n}@example.com", subject=f"Email {n}", body="Body") for n in range(30)]
    )
    sent = []

    def slow_send(subject, body, sender, recipients):
        time.sleep(0.005)  # long enough for the other worker to reach the same row
        sent.append(recipients[0])
        return 1

    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(outbox_deliver_due())
        finally:
            connection.close()

    with mock.patch("sms.notifications.delivery.send_mail", side_effect=slow_send):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(sent) == sorted(f"person{n}@example.com" for n in range(30))
    assert sum(results) == 30
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_gov_uk_notify_sends_the_subject_and_body_through_one_template(settings):
    settings.NOTIFY_API_KEY = "test_key-" + "0" * 36 + "-" + "1" * 36
    settings.NOTIFY_TEMPLATE_ID = "template-id"
    with mock.patch("sms.notifications.backends.NotificationsAPIClient") as client_class:
        backend = NotifyEmailBackend()
        message = EmailMessage("Report due", "Body text", "from@example.com", ["a@example.com"])
        assert backend.send_messages([message]) == 1
    client_class.return_value.send_email_notification.assert_called_once_with(
        email_address="a@example.com",
        template_id="template-id",
        personalisation={"subject": "Report due", "body": "Body text"},
    )


@pytest.mark.django_db
def test_with_the_database_worker_a_failed_send_is_queued_again_for_its_next_attempt():
    """The database backend can run a task later: the retry is queued for the stored attempt time."""
    email = OutboundEmail.objects.create(to="a@example.com", subject="Hi", body="Body")
    now = timezone.now()
    with (
        mock.patch("sms.notifications.delivery.send_mail", side_effect=_down),
        mock.patch("sms.notifications.tasks.deliver_email") as task,
    ):
        task.get_backend.return_value.supports_defer = True
        email_deliver(email_id=email.pk, now=now)
    email.refresh_from_db()
    task.using.assert_called_once_with(run_after=email.next_attempt_at)
    task.using.return_value.enqueue.assert_called_once_with(email.pk)
