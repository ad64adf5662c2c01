"""What a token may do: its scope (read, or read and write), then its user's role in the policy.

The policy is asked again by every service with the object (tenancy, Level 2's own-only rules);
this answers 403 early, before any look-up, as the pages' PolicyMixin does.
"""

from rest_framework import permissions

from sms.accounts.policy import can
from sms.api.models import ApiToken


class TokenScopeAndPolicy(permissions.BasePermission):
    message = "You may not do this"

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or not request.user.is_authenticated:
            return False
        if request.method not in permissions.SAFE_METHODS and not token.allows_writes:
            self.message = "This token is read only"
            return False
        action = view.policy_action_for(request.method)
        if not can(request.user, action):
            self.message = "Your role may not do this"
            return False
        return True
