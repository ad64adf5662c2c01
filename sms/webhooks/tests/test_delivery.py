"""Delivering webhooks to a real receiver on 127.0.0.1: the README's verification passes, failures
are retried with back-off and given up on, a replay sends again, a delivery is never posted twice
at once, and private addresses are refused outside DEBUG and the tests."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.webhooks import delivery as deliver
from sms.webhooks.models import WebhookDelivery
from sms.webhooks.services import webhook_delivery_replay, webhook_secret_rotate
from sms.webhooks.tests.conftest import pending
from sms.webhooks.tests.receiver import receiver

Status = WebhookDelivery.Status


def readme_verify():
    """The receiver's check exactly as the README shows it."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    code = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own README
    return namespace["verify"]


def test_a_delivery_is_signed_so_that_the_readme_check_accepts_it(endpoint_at, assign, sponsor):
    verify = readme_verify()
    with receiver([204]) as (url, received):
        endpoint, secret = endpoint_at(url)
        certificate = assign()
        assert deliver.delivery_send(delivery_id=pending(endpoint).pk) is True
    [(headers, body)] = received
    assert verify(secret, headers, body)
    assert not verify(secret + "x", headers, body)
    assert not verify(secret, headers, body + b" ")
    assert not verify(secret, {**headers, "Webhook-Timestamp": str(int(headers["Webhook-Timestamp"]) - 301)}, body)
    event = json.loads(body)
    assert headers["Webhook-Id"] == event["id"]
    assert event["type"] == "certificate.status_changed"
    assert event["sponsor"] == {"licence_number": sponsor.licence.number}
    assert event["data"]["certificate"]["reference"] == certificate.reference
    assert event["data"]["certificate"]["status"] == "assigned"
    assert event["data"]["certificate"]["previous_status"] == "draft"
    delivery = pending(endpoint)
    assert delivery.status == Status.DELIVERED
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code == 204
    assert attempt.error == ""


def test_a_rotated_secret_signs_from_then_on(endpoint_at, assign, level_1):
    verify = readme_verify()
    with receiver([200]) as (url, received):
        endpoint, old = endpoint_at(url)
        assign()
        new = webhook_secret_rotate(actor=level_1, endpoint=endpoint)
        deliver.delivery_send(delivery_id=pending(endpoint).pk)
    [(headers, body)] = received
    assert new != old
    assert verify(new, headers, body)
    assert not verify(old, headers, body)


def test_a_failure_is_retried_with_doubling_delays_then_given_up(endpoint_at, assign):
    with receiver([500]) as (url, received):
        endpoint, _ = endpoint_at(url)
        assign()
        delivery_id = pending(endpoint).pk
        now = timezone.now()
        delays = []
        for attempt in range(1, settings.WEBHOOK_MAX_ATTEMPTS + 1):
            # Not before its time: a deliverer that comes early does nothing.
            if attempt > 1:
                assert deliver.delivery_send(delivery_id=delivery_id, now=now - timedelta(seconds=1)) is False
            assert deliver.delivery_send(delivery_id=delivery_id, now=now) is False
            delivery = WebhookDelivery.objects.get(pk=delivery_id)
            assert delivery.attempts == attempt
            if attempt < settings.WEBHOOK_MAX_ATTEMPTS:
                assert delivery.status == Status.PENDING
                delays.append((delivery.next_attempt_at - now).total_seconds())
                now = delivery.next_attempt_at
        assert delivery.status == Status.FAILED
        assert delivery.last_error == "The endpoint answered 500"
        # Given up: no more attempts, however late.
        assert deliver.delivery_send(delivery_id=delivery_id, now=now + timedelta(days=1)) is False
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    assert delays == [min(base * 2**n, settings.WEBHOOK_RETRY_MAX_SECONDS) for n in range(len(delays))]
    assert len(received) == settings.WEBHOOK_MAX_ATTEMPTS
    assert delivery.attempt_log.count() == settings.WEBHOOK_MAX_ATTEMPTS
    assert {attempt.status_code for attempt in delivery.attempt_log.all()} == {500}


def test_a_failed_delivery_sent_again_reaches_the_receiver_with_the_same_event(endpoint_at, assign, level_1):
    with receiver([503, 200]) as (url, received):
        endpoint, _ = endpoint_at(url)
        assign()
        delivery = pending(endpoint)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=settings.WEBHOOK_MAX_ATTEMPTS - 1)
        deliver.delivery_send(delivery_id=delivery.pk)
        assert pending(endpoint).status == Status.FAILED

        replayed = webhook_delivery_replay(actor=level_1, delivery=pending(endpoint))
        assert replayed.status == Status.PENDING
        assert replayed.attempts == 0
        assert deliver.deliveries_send_due() == 1
    assert pending(endpoint).status == Status.DELIVERED
    assert [headers["Webhook-Id"] for headers, _ in received] == [received[0][0]["Webhook-Id"]] * 2
    assert received[0][1] == received[1][1]
    assert AuditEvent.objects.filter(verb=Verb.WEBHOOK_DELIVERY_REPLAYED).count() == 1
    # The log keeps both attempts, newest first.
    assert [attempt.status_code for attempt in pending(endpoint).attempt_log.all()] == [200, 503]


def test_a_delivery_waiting_to_be_sent_cannot_be_replayed(endpoint_at, assign, level_1):
    endpoint, _ = endpoint_at("https://hr.example.com/hook")
    assign()
    from sms.core.exceptions import DomainError

    with pytest.raises(DomainError):
        webhook_delivery_replay(actor=level_1, delivery=pending(endpoint))


def test_two_deliverers_never_both_post_one_delivery(endpoint_at, assign, monkeypatch):
    """The second deliverer runs while the first is mid-post: the claim keeps it off."""
    endpoint, _ = endpoint_at("https://hr.example.com/hook")
    assign()
    delivery_id = pending(endpoint).pk
    posts = []

    def post(url, body, headers):
        posts.append(headers["Webhook-Id"])
        if len(posts) == 1:
            assert deliver.delivery_send(delivery_id=delivery_id) is False
            assert deliver.deliveries_send_due() == 0
        return 200

    monkeypatch.setattr(deliver, "post", post)
    assert deliver.deliveries_send_due() == 1
    assert len(posts) == 1
    assert deliver.delivery_claim(delivery_id, timezone.now()) is False  # delivered: nobody claims it again


def test_of_two_claims_exactly_one_wins(endpoint_at, assign):
    endpoint, _ = endpoint_at("https://hr.example.com/hook")
    assign()
    now = timezone.now()
    assert [deliver.delivery_claim(pending(endpoint).pk, now) for _ in range(2)] == [True, False]


def test_a_redirect_is_not_followed_and_counts_as_a_failure(endpoint_at, assign):
    with receiver([302], location="http://127.0.0.1:1/elsewhere") as (url, received):
        endpoint, _ = endpoint_at(url)
        assign()
        assert deliver.delivery_send(delivery_id=pending(endpoint).pk) is False
    assert len(received) == 1
    assert pending(endpoint).last_error == "The endpoint answered 302"


@override_settings(WEBHOOK_TIMEOUT_SECONDS=0.3)
def test_a_slow_endpoint_times_out(endpoint_at, assign):
    with receiver([200], delay=1.0) as (url, received):
        endpoint, _ = endpoint_at(url)
        assign()
        assert deliver.delivery_send(delivery_id=pending(endpoint).pk) is False
    attempt = pending(endpoint).attempt_log.get()
    assert attempt.status_code is None
    assert attempt.error == "No answer within 0.3 seconds"
    assert attempt.duration_ms < 1000


# SSRF: outside DEBUG and the tests, the service posts only to public addresses.


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://0.0.0.0/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused(url):
    with override_settings(WEBHOOK_ALLOW_LOCAL=False), pytest.raises(deliver.AddressRefused):
        deliver.address_check(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hook", "http://localhost/hook", "http://hr.example.com/hook", "ftp://x.example/"]
)
def test_plain_http_is_refused_outside_debug_and_the_tests(url):
    with override_settings(WEBHOOK_ALLOW_LOCAL=False):
        assert deliver.url_problem(url) == "The web address must start with https://"


def test_plain_http_is_refused_to_any_other_host_even_in_the_tests():
    assert deliver.url_problem("http://hr.example.com/hook") == "The web address must start with https://"
    assert deliver.url_problem("http://127.0.0.1:8000/hook") == ""
    assert deliver.url_problem("https://user:pw@hr.example.com/") != ""


def test_an_endpoint_that_now_resolves_to_a_private_address_is_not_posted_to(endpoint_at, assign, monkeypatch):
    """Registered while allowed (or while its name resolved elsewhere): checked again at each attempt."""
    with receiver([200]) as (url, received):
        endpoint, _ = endpoint_at(url.replace("http://127.0.0.1", "http://localhost"))
        assign()
        with override_settings(WEBHOOK_ALLOW_LOCAL=False):
            assert deliver.delivery_send(delivery_id=pending(endpoint).pk) is False
    assert received == []
    assert pending(endpoint).attempt_log.get().error == "The web address must start with https://"
    with override_settings(WEBHOOK_ALLOW_LOCAL=False):
        monkeypatch.setattr(deliver.socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.0.0.7", 443))])
        with pytest.raises(deliver.AddressRefused, match="private or reserved address"):
            deliver.address_check("https://hr.example.com/hook")


def test_the_send_webhooks_command_posts_what_is_due(endpoint_at, assign):
    from io import StringIO

    from django.core.management import call_command

    with receiver([200]) as (url, received):
        endpoint, _ = endpoint_at(url)
        assign()
        out = StringIO()
        call_command("send_webhooks", stdout=out)
    assert out.getvalue().strip() == "Delivered 1 webhooks"
    assert len(received) == 1
    assert pending(endpoint).status == Status.DELIVERED


def test_a_disabled_endpoint_is_not_posted_to_until_enabled_again(endpoint_at, assign, level_1):
    from sms.webhooks.services import webhook_endpoint_switch

    with receiver([200]) as (url, received):
        endpoint, _ = endpoint_at(url)
        assign()
        webhook_endpoint_switch(actor=level_1, endpoint=endpoint, enabled=False)
        now = timezone.now()
        assert deliver.delivery_send(delivery_id=pending(endpoint).pk, now=now) is False
        assert received == []
        assert pending(endpoint).attempt_log.get().error == "The endpoint is disabled"
        webhook_endpoint_switch(actor=level_1, endpoint=endpoint, enabled=True)
        assert deliver.deliveries_send_due(now=pending(endpoint).next_attempt_at) == 1
    assert len(received) == 1
