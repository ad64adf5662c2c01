"""Pages where a Level 1 user registers webhook endpoints, sees each one's delivery log, sends a
delivery again, rotates the secret, disables and deletes an endpoint."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from sms.accounts.permissions import PolicyMixin
from sms.accounts.policy import Action
from sms.core.exceptions import DomainError
from sms.web.formviews import ServiceFormView
from sms.webhooks import selectors, services
from sms.webhooks.forms import EndpointForm

PAGE_SIZE = 25


class EndpointListView(PolicyMixin, TemplateView):
    action = Action.MANAGE_WEBHOOKS
    template_name = "webhooks/endpoints.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "endpoints": selectors.endpoints_for(user=self.request.user)}


class EndpointCreateView(ServiceFormView):
    """Register an endpoint; its secret is shown once, on the page that answers the form."""

    action = Action.MANAGE_WEBHOOKS
    form_class = EndpointForm
    title = "Register a webhook endpoint"
    intro = (
        "Your system will receive a signed HTTPS POST each time one of the chosen events happens. "
        "You will see the signing secret once, on the next page."
    )
    button_text = "Register endpoint"

    def get_back_url(self):
        return reverse("webhooks:list")

    def form_valid(self, form):
        try:
            endpoint, secret = services.webhook_endpoint_create(
                actor=self.request.user, sponsor=self.request.user.sponsor, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        # Rendered, not redirected: the secret is shown on this answer only.
        return render(self.request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "new": True})


class EndpointMixin(PolicyMixin):
    action = Action.MANAGE_WEBHOOKS

    def load(self, request, *args, **kwargs):
        self.endpoint = selectors.endpoint_for(user=request.user, uuid=kwargs["uuid"])

    def back(self):
        return redirect("webhooks:endpoint", uuid=self.endpoint.uuid)


class EndpointDetailView(EndpointMixin, TemplateView):
    template_name = "webhooks/endpoint.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.deliveries_of(self.endpoint), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "endpoint": self.endpoint, "page": page}


class EndpointRotateView(EndpointMixin, TemplateView):
    template_name = "webhooks/rotate.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "endpoint": self.endpoint}

    def post(self, request, *args, **kwargs):
        secret = services.webhook_secret_rotate(actor=request.user, endpoint=self.endpoint)
        return render(request, "webhooks/secret.html", {"endpoint": self.endpoint, "secret": secret, "new": False})


class EndpointSwitchView(EndpointMixin, View):
    """Disable the endpoint, or enable it again (one button on its page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        enable = not self.endpoint.enabled
        try:
            services.webhook_endpoint_switch(actor=request.user, endpoint=self.endpoint, enabled=enable)
        except DomainError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, "Endpoint enabled" if enable else "Endpoint disabled: it receives no events")
        return self.back()


class EndpointDeleteView(EndpointMixin, TemplateView):
    template_name = "webhooks/delete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "endpoint": self.endpoint}

    def post(self, request, *args, **kwargs):
        services.webhook_endpoint_delete(actor=request.user, endpoint=self.endpoint)
        messages.success(request, f"Endpoint deleted: {self.endpoint.description}")
        return redirect("webhooks:list")


class DeliveryReplayView(EndpointMixin, View):
    """Send one delivery again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        delivery = selectors.delivery_for(user=request.user, endpoint=self.endpoint, uuid=kwargs["delivery"])
        try:
            services.webhook_delivery_replay(actor=request.user, delivery=delivery)
        except DomainError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, "The delivery will be sent again in a moment")
        return self.back()
