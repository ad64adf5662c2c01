"""The JSON API, version 1. Each view reads through the apps' sponsor-scoped selectors (another
sponsor's object is a 404) and writes through the same services as the pages, after the pages'
own forms have checked the fields."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from sms.accounts.policy import Action, can
from sms.api import serializers as s
from sms.api.pagination import ApiCursorPagination
from sms.api.parsers import StrictJSONParser
from sms.api.problems import PROBLEM_TYPE, FieldErrors, RowErrors
from sms.api.views_base import ApiView
from sms.certificates import selectors as certificate_selectors
from sms.certificates.forms import CertificateForm, NoteForm, ReasonForm
from sms.certificates.models import Certificate
from sms.certificates.services import bulk as certificate_bulk
from sms.certificates.services import certificates as certificate_services
from sms.core.uploads import validate_upload
from sms.licensing.models import Licence, LicenceRoute
from sms.messageboard import selectors as board
from sms.notifications.models import Notice
from sms.reporting import imports as fact_imports
from sms.reporting import reports
from sms.reporting import selectors as reporting_selectors
from sms.reporting.catalogue import EVENTS
from sms.reporting.forms import AbsenceEndForm, FactForm, ReportForm, facts_for
from sms.reporting.models import Fact, SponsoredPerson
from sms.reporting.services import facts as fact_services
from sms.reporting.services import obligations as obligation_services

PROBLEMS = {(code, PROBLEM_TYPE): OpenApiResponse(s.ProblemSerializer, description=text) for code, text in {
    400: "A field is not valid", 401: "No valid token", 403: "The token or its user may not do this",
    404: "Not found (or another sponsor's)", 409: "The status no longer allows this",
    413: "The request is too large", 415: "Send JSON (or multipart, where it says so)",
    422: "A rule refused it (or a bulk request's rows)", 429: "Too many requests",
}.items()}  # fmt: skip
READ_PROBLEMS = {(code, PROBLEM_TYPE): PROBLEMS[(code, PROBLEM_TYPE)] for code in (400, 401, 403, 404, 429)}
PAGES = [
    OpenApiParameter("cursor", str, description="From a page's next or previous link"),
    OpenApiParameter("page_size", int, description="Results a page, at most 200 (50 unless said)"),
]
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any unique text (a UUID): a retry with the same key returns the first response and does nothing again",
)  # fmt: skip


def _page(view, request, queryset, serializer_class):
    paginator = ApiCursorPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _filtered(filterset):
    """The pages' FilterSet, strict: an invalid filter is a 400 (the page shows everything instead)."""
    if filterset.is_bound and not filterset.is_valid():
        raise FieldErrors(filterset.form.errors)
    return filterset.qs


def _form_data(data, names=None) -> dict:
    """JSON values as a form posts them: booleans as yes/no, numbers as text, null as empty."""
    plain = {}
    for key in data if names is None else names:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif value is None:
            value = ""
        elif isinstance(value, (dict, list)):
            raise FieldErrors({key: ["Enter a single value"]})
        plain[key] = str(value)
    return plain


def _may(request, action, obj) -> None:
    """The policy with the object, before the fields are read (as the pages' ``load`` does): a Level 2
    user's request about a certificate or worker not theirs is a 403 whatever its body."""
    if not can(request.user, action, obj):
        raise PermissionDenied


def _json_object(request) -> dict:
    if not hasattr(request.data, "get") or isinstance(request.data, list):
        raise FieldErrors({"non_field_errors": ["Send a JSON object"]})
    return request.data


@extend_schema(tags=["Licence"])
class LicenceView(ApiView):
    @extend_schema(responses={200: s.LicenceSerializer, **READ_PROBLEMS}, summary="The licence summary")
    def get(self, request):
        licence = (
            Licence.objects.filter(sponsor_id=request.user.sponsor_id)
            .select_related("sponsor")
            .prefetch_related(Prefetch("routes", queryset=LicenceRoute.objects.order_by("route")))
            .first()
        )
        if licence is None:
            raise Http404
        return Response(s.LicenceSerializer(licence).data)


@extend_schema(tags=["Allocations"])
class AllocationListView(ApiView):
    @extend_schema(
        responses={200: s.AllocationSerializer(many=True), **READ_PROBLEMS}, summary="This year's allocations"
    )
    def get(self, request):
        allocations = certificate_selectors.current_allocations(sponsor_id=request.user.sponsor_id)
        return Response(s.AllocationSerializer(allocations, many=True).data)


CERTIFICATE_FILTERS = [
    OpenApiParameter("q", str, description="Reference, or the start of the worker's name"),
    OpenApiParameter("status", str, enum=Certificate.Status.values),
    OpenApiParameter("route", str),
    OpenApiParameter("created_from", str, description="Created on or after (YYYY-MM-DD)"),
    OpenApiParameter("created_to", str, description="Created on or before (YYYY-MM-DD)"),
    OpenApiParameter("mine", bool, description="Only certificates the token's user created"),
]


def _certificate_form(request, data) -> CertificateForm:
    """The page's certificate form, offering the licence's routes; money in pounds as ``*_gbp``."""
    sponsor = request.user.sponsor
    routes = list(sponsor.licence.routes.values_list("route", flat=True)) if hasattr(sponsor, "licence") else None
    names = {"salary_gbp": "salary_pence", "allowances_gbp": "allowances_pence"}
    fields = set(CertificateForm.Meta.fields)
    unknown = [key for key in data if names.get(key, key) not in fields]
    if unknown:
        raise FieldErrors({key: ["Not a certificate field"] for key in unknown})
    plain = {names.get(key, key): value for key, value in _form_data(data).items()}
    for flag in ("is_extension", "switching_from_student"):
        if flag in plain:
            plain[flag] = "on" if plain[flag] == "yes" else ""
    return CertificateForm(plain, routes_held=routes)


@extend_schema(tags=["Certificates"])
class CertificateListView(ApiView):
    write_action = Action.CREATE_CERTIFICATE
    parser_classes = [StrictJSONParser]

    @extend_schema(
        parameters=[*CERTIFICATE_FILTERS, *PAGES],
        responses={200: s.paged(s.CertificateSerializer), **READ_PROBLEMS},
        summary="Certificates, newest first",
        operation_id="certificates_list",
    )
    def get(self, request):
        search = certificate_selectors.certificate_search(user=request.user, data=request.query_params)
        return _page(self, request, _filtered(search), s.CertificateSerializer)

    @extend_schema(
        request=s.CertificateInputSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.CertificateSerializer, **PROBLEMS},
        summary="Create a draft certificate",
    )
    def post(self, request):
        form = _certificate_form(request, _json_object(request))
        if not form.is_valid():
            raise FieldErrors(form.errors)
        certificate = certificate_services.certificate_save_draft(
            sponsor=request.user.sponsor, actor=request.user, data=form.cleaned_data
        )
        return Response(
            s.CertificateSerializer(certificate).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:certificate", args=[certificate.uuid])},
        )


@extend_schema(tags=["Certificates"])
class CertificateDetailView(ApiView):
    @extend_schema(responses={200: s.CertificateSerializer, **READ_PROBLEMS}, summary="One certificate")
    def get(self, request, uuid):
        certificate = certificate_selectors.certificate_for_user(user=request.user, uuid=uuid)
        return Response(s.CertificateSerializer(certificate).data)


class _CertificateAction(ApiView):
    parser_classes = [StrictJSONParser]

    def certificate(self, request, uuid) -> Certificate:
        certificate = certificate_selectors.certificate_for_user(user=request.user, uuid=uuid)
        _may(request, self.write_action, certificate)
        return certificate

    def done(self, certificate) -> Response:
        certificate.refresh_from_db()
        return Response(s.CertificateSerializer(certificate).data)


@extend_schema(tags=["Certificates"])
class CertificateAssignView(_CertificateAction):
    write_action = Action.CREATE_CERTIFICATE

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY],
        responses={200: s.CertificateSerializer, **PROBLEMS},
        summary="Assign a draft (uses the allocation, gives a reference)",
    )
    def post(self, request, uuid):
        certificate = self.certificate(request, uuid)
        return self.done(certificate_services.certificate_assign(certificate=certificate, actor=request.user))


@extend_schema(tags=["Certificates"])
class CertificateWithdrawView(_CertificateAction):
    write_action = Action.WITHDRAW_CERTIFICATE

    @extend_schema(
        request=s.ReasonSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: s.CertificateSerializer, **PROBLEMS},
        summary="Withdraw an assigned certificate",
    )
    def post(self, request, uuid):
        certificate = self.certificate(request, uuid)
        form = ReasonForm(_form_data(_json_object(request), ["reason"]), message="Enter why you are withdrawing it")
        if not form.is_valid():
            raise FieldErrors(form.errors)
        certificate_services.certificate_withdraw(
            certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
        )
        return self.done(certificate)


@extend_schema(tags=["Certificates"])
class CertificateNoteView(_CertificateAction):
    write_action = Action.WITHDRAW_CERTIFICATE

    @extend_schema(
        request=s.NoteSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: s.CertificateSerializer, **PROBLEMS},
        summary="Add a sponsor note to an assigned certificate",
    )
    def post(self, request, uuid):
        certificate = self.certificate(request, uuid)
        form = NoteForm(_form_data(_json_object(request), ["note"]))
        if not form.is_valid():
            raise FieldErrors(form.errors)
        certificate_services.certificate_add_note(
            certificate=certificate, actor=request.user, note=form.cleaned_data["note"]
        )
        return self.done(certificate)


@extend_schema(tags=["Certificates"])
class CertificateBulkView(ApiView):
    write_action = Action.CREATE_CERTIFICATE
    parser_classes = [StrictJSONParser]

    @extend_schema(
        request=s.BulkCertificatesSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.CertificateSerializer(many=True), **PROBLEMS},
        summary="Create many draft certificates, all or none (checked like the CSV import)",
    )
    def post(self, request):
        rows = _json_object(request).get("certificates")
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise FieldErrors({"certificates": ["Send a list of certificates"]})
        records = [(number, _bulk_certificate_row(row)) for number, row in enumerate(rows, start=1)]
        created = certificate_bulk.certificates_import_rows(
            sponsor=request.user.sponsor, actor=request.user, records=records
        )
        return Response(s.CertificateSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


def _bulk_certificate_row(row: dict) -> dict:
    """A JSON certificate as a CSV row (the import's columns), so it is checked exactly like one."""
    columns = {column for column, *_ in certificate_bulk.CSV_COLUMNS}
    return {key: value for key, value in row.items() if key in columns and not isinstance(value, (dict, list))}


WORKER_FILTERS = [
    OpenApiParameter("q", str, description="The start of the family name or given names"),
    OpenApiParameter("status", str, enum=list(SponsoredPerson.Status.values)),
]


@extend_schema(tags=["Workers"])
class PersonListView(ApiView):
    write_action = Action.CREATE_CERTIFICATE
    parser_classes = [StrictJSONParser]

    @extend_schema(
        parameters=[*WORKER_FILTERS, *PAGES],
        responses={200: s.paged(s.PersonSerializer), **READ_PROBLEMS},
        summary="The worker and student register",
        operation_id="workers_list",
    )
    def get(self, request):
        status_filter = request.query_params.get("status", "")
        statuses = SponsoredPerson.Status.values
        if status_filter and status_filter not in statuses:
            raise FieldErrors({"status": [f"Must be one of {', '.join(statuses)}"]})
        search = request.query_params.get("q", "")[:100]
        people = reporting_selectors.people_list(user=request.user, search=search, status=status_filter)
        return _page(self, request, people.select_related("certificate"), s.PersonSerializer)

    @extend_schema(
        request=s.PersonRegisterSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.PersonSerializer, **PROBLEMS},
        summary="Add an assigned certificate's worker or student to the register",
    )
    def post(self, request):
        serializer = s.PersonRegisterSerializer(data=_json_object(request))
        serializer.is_valid(raise_exception=True)
        certificate = certificate_selectors.certificate_for_user(
            user=request.user, uuid=serializer.validated_data["certificate"]
        )
        person = fact_services.person_register_from_certificate(certificate=certificate, actor=request.user)
        return Response(
            s.PersonSerializer(person).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:worker", args=[person.uuid])},
        )


@extend_schema(tags=["Workers"])
class PersonDetailView(ApiView):
    @extend_schema(responses={200: s.PersonSerializer, **READ_PROBLEMS}, summary="One worker or student")
    def get(self, request, uuid):
        return Response(s.PersonSerializer(reporting_selectors.person_for_user(user=request.user, uuid=uuid)).data)


def _fact_values(person, data: dict) -> tuple[str, dict]:
    """The fact's kind and values, checked by the page's form for that kind of fact."""
    kind = str(data.get("kind") or "")
    if kind not in facts_for(person):
        raise FieldErrors({"kind": [f"Must be one of {', '.join(facts_for(person))}"]})
    plain = _form_data(data)
    if "new_salary_gbp" in plain:
        plain["new_salary"] = plain.pop("new_salary_gbp")
    form = FactForm(plain, kind=kind)
    if not form.is_valid():
        raise FieldErrors({("new_salary_gbp" if key == "new_salary" else key): m for key, m in form.errors.items()})
    return kind, form.values()


@extend_schema(tags=["Worker facts"])
class FactListView(ApiView):
    write_action = Action.REPORT_ACTIVITY
    parser_classes = [StrictJSONParser]

    @extend_schema(responses={200: s.paged(s.FactSerializer), **READ_PROBLEMS}, summary="Facts recorded about a worker")
    def get(self, request, uuid):
        person = reporting_selectors.person_for_user(user=request.user, uuid=uuid)
        return _page(self, request, person.facts.select_related("person"), s.FactSerializer)

    @extend_schema(
        request=s.FactInputSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: s.FactRecordedSerializer, **PROBLEMS},
        summary="Record a fact (absence, salary, role or location change, start, end...)",
        description="Recording a fact opens the reporting obligations it makes due, as the page does.",
    )
    def post(self, request, uuid):
        person = reporting_selectors.person_for_user(user=request.user, uuid=uuid)
        _may(request, Action.REPORT_ACTIVITY, person)
        kind, values = _fact_values(person, _json_object(request))
        before = set(person.obligations.values_list("pk", flat=True))
        fact = fact_services.fact_record(person=person, actor=request.user, kind=kind, **values)
        opened = person.obligations.exclude(pk__in=before).select_related("person", "fact")
        return Response(
            {"fact": s.FactSerializer(fact).data, "obligations_opened": s.ObligationSerializer(opened, many=True).data},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["Worker facts"])
class AbsenceEndView(ApiView):
    write_action = Action.REPORT_ACTIVITY
    parser_classes = [StrictJSONParser]

    @extend_schema(
        request=s.AbsenceEndSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: s.FactRecordedSerializer, **PROBLEMS},
        summary="Record the last day of an absence recorded while it was going on",
        description="As on the page: an unauthorised absence that ended within 10 working days cancels "
        "the obligation it had opened; unpaid days count towards the 4 weeks.",
    )
    def post(self, request, uuid, fact):
        person = reporting_selectors.person_for_user(user=request.user, uuid=uuid)
        found = person.facts.filter(uuid=fact, kind=Fact.Kind.ABSENCE).first()
        if found is None:
            raise Http404
        _may(request, Action.REPORT_ACTIVITY, person)
        form = AbsenceEndForm(_form_data(_json_object(request), ["last_day"]))
        if not form.is_valid():
            raise FieldErrors(form.errors)
        before = set(person.obligations.values_list("pk", flat=True))
        ended = fact_services.absence_end(fact=found, actor=request.user, last_day=form.cleaned_data["last_day"])
        opened = person.obligations.exclude(pk__in=before).select_related("person", "fact")
        return Response(
            {"fact": s.FactSerializer(ended).data, "obligations_opened": s.ObligationSerializer(opened, many=True).data}
        )


@extend_schema(tags=["Worker facts"])
class FactBulkView(ApiView):
    write_action = Action.REPORT_ACTIVITY
    parser_classes = [StrictJSONParser]

    @extend_schema(
        request=s.BulkFactsSerializer,
        parameters=[IDEMPOTENCY],
        responses={201: OpenApiResponse(description='How many facts were recorded: {"recorded": n}'), **PROBLEMS},
        summary="Record many facts, all or none (checked like the CSV import, errors per row)",
    )
    def post(self, request):
        rows = _json_object(request).get("facts")
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise FieldErrors({"facts": ["Send a list of facts"]})
        records = []
        for number, row in enumerate(rows, start=1):
            plain = _form_data({k: v for k, v in row.items() if not isinstance(v, (dict, list))})
            plain["fact"] = plain.pop("kind", "")
            records.append((number, plain))
        try:
            recorded = fact_imports.facts_import_rows(sponsor=request.user.sponsor, actor=request.user, rows=records)
        except fact_imports.ImportRefused as refused:
            names = {"fact": "kind", "new_salary_gbp": "new_salary_gbp"}
            raise RowErrors(
                [{"row": e.row, "field": names.get(e.column, e.column), "message": e.message} for e in refused.errors]
            ) from None
        return Response({"recorded": recorded}, status=status.HTTP_201_CREATED)


OBLIGATION_FILTERS = [
    OpenApiParameter("status", str, description="open, reported_on_time, reported_late, cancelled or overdue"),
    OpenApiParameter("event", str),
    OpenApiParameter("q", str, description="The start of the worker's family name"),
    OpenApiParameter("due_before", str, description="Legal deadline on or before (YYYY-MM-DD)"),
]


@extend_schema(tags=["Obligations"])
class ObligationListView(ApiView):
    @extend_schema(
        parameters=[*OBLIGATION_FILTERS, *PAGES],
        responses={200: s.paged(s.ObligationSerializer), **READ_PROBLEMS},
        summary="Reporting obligations",
        operation_id="obligations_list",
    )
    def get(self, request):
        search = reporting_selectors.obligation_search(user=request.user, data=request.query_params)
        obligations = _filtered(search).select_related("person", "fact").order_by("-id")
        return _page(self, request, obligations, s.ObligationSerializer)


@extend_schema(tags=["Obligations"])
class ObligationDetailView(ApiView):
    @extend_schema(responses={200: s.ObligationSerializer, **READ_PROBLEMS}, summary="One obligation")
    def get(self, request, uuid):
        obligation = reporting_selectors.obligation_for_user(user=request.user, uuid=uuid)
        return Response(s.ObligationSerializer(obligation).data)


@extend_schema(tags=["Obligations"])
class ObligationReportView(ApiView):
    write_action = Action.REPORT_ACTIVITY
    parser_classes = [MultiPartParser, FormParser, StrictJSONParser]

    @extend_schema(
        request={"multipart/form-data": s.ReportInputSerializer, "application/json": s.ReportInputSerializer},
        parameters=[IDEMPOTENCY],
        responses={200: s.ObligationSerializer, **PROBLEMS},
        summary="Send the report, with evidence files",
        description="The fields are those the report page asks for this obligation's event.",
    )
    def post(self, request, uuid):
        obligation = reporting_selectors.obligation_for_user(user=request.user, uuid=uuid)
        _may(request, Action.REPORT_ACTIVITY, obligation)
        data = _json_object(request)
        names = [key for key in data if key not in ("evidence",)]
        # What the report page pre-fills (the fact's dates, the new salary...), unless the request says otherwise.
        known = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in
                 reports.report_initial(obligation).items() if value not in (None, "")}  # fmt: skip
        plain = {**_form_data(known), **_form_data({key: data.get(key) for key in names})}
        plain["declaration"] = "on" if plain.get("declaration") in ("yes", "true", "on", "True") else ""
        form = ReportForm(plain, event=EVENTS[obligation.event])
        if not form.is_valid():
            raise FieldErrors(form.errors)
        uploads = request.FILES.getlist("evidence")
        for upload in uploads:
            try:
                validate_upload(upload)
            except DjangoValidationError as error:
                raise FieldErrors({"evidence": error.messages}) from None
        reported = obligation_services.obligation_report(
            obligation=obligation, actor=request.user, report=form.report(), uploads=uploads, declaration=True
        )
        return Response(s.ObligationSerializer(reported).data)


@extend_schema(tags=["Messages and notifications"])
class MessageListView(ApiView):
    read_action = Action.READ_MESSAGE_BOARD

    @extend_schema(
        responses={200: s.MessageSerializer(many=True), **READ_PROBLEMS},
        summary="Home Office messages shown to the sponsor today",
    )
    def get(self, request):
        messages = board.messages_for_sponsor(request.user.sponsor, today=timezone.localdate())
        return Response(s.MessageSerializer(messages, many=True).data)


@extend_schema(tags=["Messages and notifications"])
class NotificationListView(ApiView):
    read_action = Action.READ_MESSAGE_BOARD

    @extend_schema(
        parameters=PAGES,
        responses={200: s.paged(s.NoticeSerializer), **READ_PROBLEMS},
        summary="Notices the service posted on the sponsor's board (decisions, sanctions, reminders)",
    )
    def get(self, request):
        return _page(self, request, Notice.objects.filter(sponsor_id=request.user.sponsor_id), s.NoticeSerializer)
