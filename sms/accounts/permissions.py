"""How views declare and enforce their permission.

Every view says which policy action it performs (``action = Action.X`` on class-based views). A
test walks the URL resolver and fails for any view without one. Public views declare
``Action.PUBLIC`` and are exempted from LoginRequiredMiddleware by the same declaration.
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from sms.accounts.policy import Action, can


class PolicyMixin:
    """Refuse the request (403) unless the policy lets the user do ``action``.

    ``mfa_step = True`` marks views that are part of signing in, which the multi-factor
    middleware lets a half-signed-in person reach.
    """

    action: Action | None = None
    mfa_step: bool = False

    @classmethod
    def as_view(cls, **initkwargs):
        # A generic view may be given its action in the URL conf: as_view(action=Action.X).
        action = initkwargs.get("action", cls.action)
        if action is None:
            raise ImproperlyConfigured(f"{cls.__name__} must declare the policy action it performs")
        view = super().as_view(**initkwargs)
        view.policy_action = action
        view.mfa_step = cls.mfa_step
        if action == Action.PUBLIC:
            view.login_required = False
        return view

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, self.action):
            raise PermissionDenied
        self.load(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, *args, **kwargs) -> None:
        """Fetch the objects the view works on (tenancy-scoped, 404 when not the user's).

        Runs after the role check, so a role that may never do the action gets 403 whether or not
        the object exists, and a role that may gets 404 for another sponsor's object.
        """
