"""Notices the system posts on a sponsor's message board."""

from sms.notifications.models import Notice
from sms.notifications.services import notice_post


def test_a_notice_is_posted_for_one_sponsor(sponsor, other_sponsor):
    notice = notice_post(sponsor=sponsor, kind=Notice.Kind.DECISION, subject="Request granted", body="Granted: 5.")
    assert list(Notice.objects.values_list("sponsor", "subject")) == [(sponsor.pk, "Request granted")]
    assert notice.kind == "decision"
    assert not other_sponsor.notices.exists()


def test_a_notice_with_a_key_is_posted_once(sponsor):
    first = notice_post(sponsor=sponsor, kind="reminder", subject="Licence expiring", body="a", key="expiring:2027")
    again = notice_post(sponsor=sponsor, kind="reminder", subject="Licence expiring", body="b", key="expiring:2027")
    assert again.pk == first.pk
    assert sponsor.notices.count() == 1
