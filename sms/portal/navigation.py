"""Values every page template needs: the service name, timeout settings, navigation."""

from django.conf import settings
from django.urls import reverse

from sms.accounts.policy import Action, can
from sms.accounts.services import confirmed_totp_device
from sms.alerts.selectors import unread_count


def _navigation(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated or (not user.is_verified() and _mfa_pending(request)):
        return []
    items: list[tuple[str, str]] = []
    if user.is_home_office:
        items.append(("Home", reverse("portal:home_office_home")))
        items.append(("Casework", reverse("casework:workspace")))
        items.append(("Applications", reverse("licensing:ho_applications")))
        items.append(("Requests", reverse("licensing:ho_requests")))
        items.append(("Sponsors", reverse("licensing:ho_sponsors")))
        items.append(("Certificate requests", reverse("certificates:ho_queues")))
        items.append(("Reports received", reverse("reporting:ho_reports")))
        items.append(("Message board", reverse("messageboard:ho_messages")))
        items.append(("Audit trail", reverse("audit:home_office_trail")))
        items.append(("Visits", reverse("visits:list")))
        if can(user, Action.UNLOCK_ACCOUNT):
            items.append(("Find a user", reverse("accounts:locked_accounts")))
        if can(user, Action.ADMINISTER_REFERENCE_DATA):
            items.append(("Reference data", reverse("referencedata:home")))
    else:
        items.append(("Home", reverse("portal:sponsor_home")))
        items.append(("Licence", reverse("portal:licence_summary")))
        items.append(("Certificates", reverse("certificates:list")))
        items.append(("Workers", reverse("reporting:register")))
        items.append(("Obligations", reverse("reporting:obligations")))
        items.append(("Users", reverse("licensing:access_register")))
        # Training records are reached from "Users" (they are about the same people): the bar stays short.
        if can(user, Action.READ_MESSAGE_BOARD):
            items.append(("Messages", reverse("messageboard:board")))
        items.append(("Audit trail", reverse("audit:trail")))
        items.append(("Notifications", reverse("alerts:notifications")))
    items.append(("Your account", reverse("accounts:account")))
    current = _current_section(request.path, [url for label, url in items if label != "Home"], items[0][1])
    # The unread count beside Notifications: one indexed count, sponsor users only.
    unread = unread_count(user) if user.is_sponsor_user else 0
    return [
        {"label": label, "url": url, "active": url == current, "count": unread if label == "Notifications" else 0}
        for label, url in items
    ]


def _current_section(path: str, section_urls: list[str], home_url: str) -> str | None:
    """The one item to highlight: the section whose address is the longest start of ``path``
    (so /licence/users/ is Users, not Licence too); Home only on the home page itself."""
    if path == home_url:
        return home_url
    matching = [url for url in section_urls if path.startswith(url)]
    return max(matching, key=len) if matching else None


def _mfa_pending(request) -> bool:
    """Held at the security-code step (see MultiFactorMiddleware): no navigation until it is passed."""
    return settings.MFA_REQUIRED or confirmed_totp_device(request.user) is not None


def service(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": _navigation(request),
        "session_timeout_seconds": settings.SESSION_IDLE_TIMEOUT,
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING,
    }
