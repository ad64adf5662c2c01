"""Whether a person may sign in at all: the one place sign-in and every request ask.

The rules belong to the apps that know them (an ended licence is licensing's), which sit above
accounts; they register here when their app is ready, so accounts never imports them.
"""

from collections.abc import Callable
from typing import Any

SignInRule = Callable[[Any], str | None]

_rules: list[SignInRule] = []


def refuse_sign_in_when(rule: SignInRule) -> SignInRule:
    """Register ``rule(user) -> reason or None``; used as a decorator by the app that owns the rule."""
    if rule not in _rules:
        _rules.append(rule)
    return rule


def sign_in_refusal(user: Any) -> str | None:
    """Why ``user`` may not sign in (the message they are shown), or None when they may."""
    for rule in _rules:
        reason = rule(user)
        if reason:
            return reason
    return None
