"""Telling a sponsor about a decision, sanction or reminder: a notice on its message board and an
email to its Level 1 users (issue 11; domain.md section 6)."""

from collections.abc import Iterable

from sms.accounts.models import Sponsor, User
from sms.notifications.models import Notice
from sms.notifications.services import email_enqueue_template, notice_post


def sponsor_tell(
    *, sponsor: Sponsor, kind: str, subject: str, body: str, link: str = "", key: str = "", told: Iterable[str] = ()
) -> Notice:
    """Post a notice on the sponsor's board and email its active Level 1 users, except those in
    ``told`` (already emailed about it). With a ``key`` already posted, nothing happens again."""
    if key and Notice.objects.filter(sponsor=sponsor, key=key).exists():
        return Notice.objects.get(sponsor=sponsor, key=key)
    notice = notice_post(sponsor=sponsor, kind=kind, subject=subject, body=body, link=link, key=key)
    already = {email.lower() for email in told}
    level_1 = User.objects.filter(sponsor=sponsor, level=User.Level.LEVEL_1, is_active=True)
    for email in sorted(set(level_1.values_list("email", flat=True)) - already):
        email_enqueue_template(to=email, template="sponsor_notice", context={"notice": notice, "sponsor": sponsor})
    return notice
