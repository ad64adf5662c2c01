"""A page that uploads a file for an all-or-nothing import and lists every problem if it is refused."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from sms.accounts.permissions import PolicyMixin
from sms.core.imports import ImportRefused


class ImportFileView(PolicyMixin, View):
    """Subclasses set ``form_class``, ``template_name``, ``success_url_name`` and implement ``run``."""

    form_class = None
    template_name = ""
    success_url_name = ""
    nothing_done = "nothing was created"

    def run(self, form) -> str | HttpResponse:
        """Import the uploaded file; return the success message (or a response, such as a redirect
        to a background import's progress). Raise ImportRefused to refuse it."""
        raise NotImplementedError

    def _render(self, form, errors=()):
        return render(self.request, self.template_name, {"form": form, "file_errors": errors})

    def get(self, request):
        return self._render(self.form_class())

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        try:
            message = self.run(form)
        except ImportRefused as refused:
            if len(refused.errors) == 1 and not (refused.errors[0].row or refused.errors[0].column):
                # A file that cannot be read at all: the one reason goes in the error summary itself.
                message = f"{refused.errors[0].message}. {self.nothing_done.capitalize()}."
                form.add_error("upload", f"{message} Correct the file and upload it again.")
                return self._render(form)
            form.add_error("upload", f"{refused}: {self.nothing_done}. Correct the file and upload it again.")
            return self._render(form, refused.errors)
        if isinstance(message, HttpResponse):
            return message
        messages.success(request, message)
        return redirect(self.success_url_name)
