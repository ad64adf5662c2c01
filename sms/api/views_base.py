"""The base of every API view: token authentication, the policy action, idempotent POSTs."""

from rest_framework.views import APIView

from sms.accounts.policy import Action
from sms.api import idempotency


class ApiView(APIView):
    # ``read_action`` is asked for GET, ``write_action`` for POST (the services ask again, with
    # the object). A POST with an ``Idempotency-Key`` runs once (``sms.api.idempotency``).
    # A comment, not a docstring: the OpenAPI document (and the documentation page) describes
    # every endpoint from its view's docstring, which subclasses would inherit from here.

    read_action: Action = Action.VIEW_SPONSOR_RECORDS
    write_action: Action | None = None

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # Declared for the route tests; a token, not a session, signs the request in.
        view.policy_action = cls.write_action if cls.write_action and not hasattr(cls, "get") else cls.read_action
        view.login_required = False
        view.api = True
        return view

    def policy_action_for(self, method: str) -> Action:
        return self.read_action if method in ("GET", "HEAD", "OPTIONS") else (self.write_action or self.read_action)

    def initialize_request(self, request, *args, **kwargs):
        request.sessionless = True  # no session is started or extended for an API request
        return super().initialize_request(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, with the handler of a POST carrying an Idempotency-Key run once."""
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            method = request.method.lower()
            handler = getattr(self, method, None) if method in self.http_method_names else None
            handler = handler or self.http_method_not_allowed
            if request.method == "POST" and idempotency.HEADER in request.headers and handler is not None:
                response = idempotency.run_once(self, request, handler, *args, **kwargs)
            else:
                response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - DRF's own dispatch does the same
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response
