"""Webhook endpoints through the API (``/api/v1/webhooks/``): list, register, delete, and each
endpoint's delivery log. The pages' form checks the fields; the webhooks services write."""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from sms.accounts.policy import Action
from sms.api.parsers import StrictJSONParser
from sms.api.problems import FieldErrors
from sms.api.serializers import paged
from sms.api.views import IDEMPOTENCY, PAGES, PROBLEMS, READ_PROBLEMS, _json_object, _page
from sms.api.views_base import ApiView
from sms.webhooks import selectors, services
from sms.webhooks.forms import EndpointForm
from sms.webhooks.models import EventType, WebhookAttempt, WebhookEndpoint


class EndpointSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "description", "url", "events", "enabled", "created_at"]


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret, shown this once")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class EndpointInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500, help_text="https:// only")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "error", "duration_ms"]


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    event_id = serializers.CharField(source="event.webhook_id")
    event_type = serializers.CharField(source="event.type")
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempt_log = AttemptSerializer(many=True)


@extend_schema(tags=["Webhooks"])
class WebhookListView(ApiView):
    read_action = Action.MANAGE_WEBHOOKS
    write_action = Action.MANAGE_WEBHOOKS
    parser_classes = [StrictJSONParser]

    @extend_schema(responses={200: EndpointSerializer(many=True), **READ_PROBLEMS}, summary="The webhook endpoints")
    def get(self, request):
        return Response(EndpointSerializer(selectors.endpoints_for(user=request.user), many=True).data)

    @extend_schema(
        request=EndpointInputSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: EndpointCreatedSerializer, **PROBLEMS},
        summary="Register a webhook endpoint (its signing secret is in this answer only)",
    )
    def post(self, request):
        data = _json_object(request)
        events = data.get("events")
        form = EndpointForm(
            {"description": data.get("description") or "", "url": data.get("url") or "",
             "events": events if isinstance(events, list) else []}
        )  # fmt: skip
        if not form.is_valid():
            raise FieldErrors(form.errors)
        endpoint, secret = services.webhook_endpoint_create(
            actor=request.user, sponsor=request.user.sponsor, **form.cleaned_data
        )
        return Response(
            {**EndpointSerializer(endpoint).data, "secret": secret},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:webhook_deliveries", args=[endpoint.uuid])},
        )


@extend_schema(tags=["Webhooks"])
class WebhookDeleteView(ApiView):
    read_action = Action.MANAGE_WEBHOOKS
    write_action = Action.MANAGE_WEBHOOKS
    parser_classes = [StrictJSONParser]

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY],
        responses={204: None, **PROBLEMS},
        summary="Delete a webhook endpoint and its delivery log",
    )
    def post(self, request, uuid):
        endpoint = selectors.endpoint_for(user=request.user, uuid=uuid)
        services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["Webhooks"])
class WebhookDeliveryListView(ApiView):
    read_action = Action.MANAGE_WEBHOOKS

    @extend_schema(
        parameters=PAGES,
        responses={200: paged(DeliverySerializer), **READ_PROBLEMS},
        summary="An endpoint's deliveries, newest first, with every attempt",
    )
    def get(self, request, uuid):
        endpoint = selectors.endpoint_for(user=request.user, uuid=uuid)
        deliveries = endpoint.deliveries.select_related("event").prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-attempted_at", "-id"))
        )
        return _page(self, request, deliveries, DeliverySerializer)
