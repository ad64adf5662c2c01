"""A page with one form whose valid submission calls one service.

Business rules stay in the service: a ``DomainError`` it raises is shown in the error summary and
nothing changes. Subclasses set the texts and implement ``perform``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from sms.accounts.permissions import PolicyMixin
from sms.core.exceptions import DomainError


class ServiceFormView(PolicyMixin, FormView):
    template_name = "includes/service_form.html"
    title = ""
    caption = ""
    intro = ""
    button_text = "Continue"
    back_url_name = ""
    warning = ""

    def perform(self, data: dict):
        """Call the service; return the success message (or None)."""
        raise NotImplementedError

    def get_success_url(self) -> str:
        """Back where the person came from, unless a view says otherwise."""
        back = self.get_back_url()
        if not back:
            raise NotImplementedError(f"{type(self).__name__} must say where to go after success")
        return back

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "caption": self.caption,
            "intro": self.intro,
            "button_text": self.button_text,
            "warning": self.warning,
            "back_url": self.get_back_url(),
        }

    def get_back_url(self) -> str:
        return ""

    def unavailable(self) -> str:
        """Why the action no longer applies to its object (already withdrawn, already decided), or ""
        if it does. The page then sends the person back with that message instead of a form."""
        return ""

    def get(self, request, *args, **kwargs):
        return self._back_if_unavailable() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._back_if_unavailable() or super().post(request, *args, **kwargs)

    def _back_if_unavailable(self):
        reason = self.unavailable()
        if not reason:
            return None
        messages.info(self.request, reason)
        return redirect(self.get_back_url())

    def form_valid(self, form):
        self.form = form  # for ``perform`` implementations that need the form's own helpers
        try:
            message = self.perform(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())
