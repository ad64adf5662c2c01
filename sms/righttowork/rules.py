"""The rules of a right-to-work check, as pure functions the form and the service both ask."""

from datetime import date

from sms.core.watch import rtw_follow_up_date
from sms.righttowork.models import (
    ECS_REFERENCE_LENGTH,
    ECS_REFERENCE_PATTERN,
    SHARE_CODE_PATTERN,
    RightToWorkCheck,
    share_code_normalise,
)

SHARE_CODE_EXAMPLE = "W12 3AB 45C"


def share_code_error(value: str) -> str:
    """Why a typed share code is not a right-to-work share code, or "" when it is one.

    Spaces and hyphens are ignored and letters may be typed in either case (the Home Office shows
    the code in groups of three).
    """
    code = share_code_normalise(value)
    if not code:
        return "Enter the share code the worker gave you"
    if len(code) != 9 or not code.isalnum():
        return f"The share code must be 9 letters and numbers, like {SHARE_CODE_EXAMPLE}"
    if not SHARE_CODE_PATTERN.match(code):
        return (
            "A right to work share code starts with W (a code starting with R is for renting a home, "
            "with S for other checks): ask the worker for a right to work share code"
        )
    return ""


def ecs_reference_normalise(value: str) -> str:
    return (value or "").strip().upper()


def ecs_reference_error(value: str) -> str:
    """Why a typed Employer Checking Service reference is not usable, or "" when it is."""
    reference = ecs_reference_normalise(value)
    if not reference:
        return "Enter the reference on the Employer Checking Service's Positive Verification Notice"
    if len(reference) > ECS_REFERENCE_LENGTH:
        return f"The Employer Checking Service reference must be {ECS_REFERENCE_LENGTH} characters or less"
    if not ECS_REFERENCE_PATTERN.match(reference):
        return "The Employer Checking Service reference must contain only letters, numbers, hyphens and slashes"
    return ""


def follow_up_on(result: str, permission_end: date | None) -> date | None:
    """When the next check is due: for time-limited permission, ``core.watch.rtw_follow_up_date`` of
    the worker's permission end date; a continuous right to work (or none confirmed) needs none."""
    if result != RightToWorkCheck.Result.TIME_LIMITED:
        return None
    return rtw_follow_up_date(permission_end)
