"""The API's representations. Responses are read-only serializers of the models; request bodies
are described here for the OpenAPI document and checked by the pages' own Django forms (so a
field rule is written once), then handed to the same services as the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sms.certificates.models import Allocation, Certificate
from sms.certificates.services.certificates import EDITABLE_FIELDS
from sms.licensing.models import Licence, LicenceRoute
from sms.messageboard.models import Message
from sms.notifications.models import Notice
from sms.reporting.models import Fact, Obligation, SponsoredPerson


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="Messages per field; for a bulk request, `rows`")


class LicenceRouteSerializer(serializers.ModelSerializer):
    class Meta:
        model = LicenceRoute
        fields = ["route", "rating", "granted_on"]


class LicenceSerializer(serializers.ModelSerializer):
    sponsor = serializers.CharField(source="sponsor.name")
    routes = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = ["number", "sponsor", "status", "start_date", "expiry_date", "nation", "routes"]

    @extend_schema_field(LicenceRouteSerializer(many=True))
    def get_routes(self, licence):
        held = [route for route in licence.routes.all() if route.removed_on is None]
        return LicenceRouteSerializer(held, many=True).data


class AllocationSerializer(serializers.ModelSerializer):
    remaining = serializers.IntegerField()

    class Meta:
        model = Allocation
        fields = ["category", "year_start", "year_end", "granted", "used", "remaining"]


class CertificateSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    salary_pence = serializers.IntegerField(allow_null=True)
    allowances_pence = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Certificate
        fields = [
            "id", "reference", "kind", "sponsorship", "status", *EDITABLE_FIELDS, "sponsor_note", "expires_on",
            "fee_pence", "skills_charge_pence", "created_at", "assigned_at",
        ]  # fmt: skip


class CertificateInputSerializer(serializers.Serializer):
    """A draft certificate: only the family name is needed; assignment checks the rest."""

    family_name = serializers.CharField(max_length=150)
    given_names = serializers.CharField(required=False, allow_blank=True)
    nationality = serializers.CharField(required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False)
    passport_number = serializers.CharField(required=False, allow_blank=True)
    route = serializers.CharField(required=False, allow_blank=True)
    job_title = serializers.CharField(required=False, allow_blank=True)
    soc_code = serializers.CharField(required=False, allow_blank=True)
    job_summary = serializers.CharField(required=False, allow_blank=True)
    salary_gbp = serializers.CharField(required=False, help_text="Pounds a year, like 56000 or 56,000.50")
    allowances_gbp = serializers.CharField(required=False)
    weekly_hours = serializers.CharField(required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    work_address = serializers.CharField(required=False, allow_blank=True)
    # The rest of the certificate's fields (place_of_birth, gender, ni_number, is_extension...) are
    # accepted under their own names, as on the page.


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    certificate = serializers.CharField(source="certificate.reference", allow_null=True, default=None)

    class Meta:
        model = SponsoredPerson
        fields = [
            "id", "certificate", "kind", "status", "family_name", "given_names", "nationality", "employee_number",
            "job_title", "soc_code", "salary_pence", "weekly_hours", "work_address", "expected_start",
            "confirmed_start", "permission_start", "permission_end", "days_per_week", "enrolment_deadline",
            "enrolled_on", "left_on",
        ]  # fmt: skip


class PersonRegisterSerializer(serializers.Serializer):
    certificate = serializers.UUIDField(help_text="The assigned certificate whose worker or student to register")


class FactSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    worker = serializers.UUIDField(source="person.uuid")

    class Meta:
        model = Fact
        fields = [
            "id", "worker", "kind", "start_date", "end_date", "authorised", "pay", "leave_reason", "end_reason",
            "new_salary_pence", "new_value", "notes", "created_at",
        ]  # fmt: skip


class FactInputSerializer(serializers.Serializer):
    """One fact. Which fields it needs depends on its kind, as on the page that records it."""

    kind = serializers.ChoiceField(choices=Fact.Kind.choices)
    start_date = serializers.DateField(help_text="The date of the fact: an absence's first day, a leaver's last")
    end_date = serializers.DateField(required=False, allow_null=True, help_text="An absence's last day, if it ended")
    authorised = serializers.BooleanField(required=False, help_text="Absence: whether you gave permission")
    pay = serializers.ChoiceField(choices=Fact.Pay.choices, required=False, help_text="Absence: how it was paid")
    leave_reason = serializers.ChoiceField(choices=Fact.LeaveReason.choices, required=False, allow_blank=True)
    end_reason = serializers.ChoiceField(choices=Fact.EndReason.choices, required=False)
    new_salary_gbp = serializers.CharField(required=False, help_text="Salary change: pounds a year")
    new_value = serializers.CharField(required=False, help_text="Role or location change: the new title or address")
    notes = serializers.CharField(required=False, allow_blank=True)


class AbsenceEndSerializer(serializers.Serializer):
    last_day = serializers.DateField(help_text="The last day of the absence")


class BulkFactSerializer(FactInputSerializer):
    certificate_reference = serializers.CharField(help_text="The certificate of the person it is about")


class BulkFactsSerializer(serializers.Serializer):
    facts = BulkFactSerializer(many=True)


class BulkCertificatesSerializer(serializers.Serializer):
    certificates = CertificateInputSerializer(many=True)


class ObligationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    worker = serializers.UUIDField(source="person.uuid", allow_null=True, default=None)
    fact = serializers.UUIDField(source="fact.uuid", allow_null=True, default=None)

    class Meta:
        model = Obligation
        fields = [
            "id", "event", "status", "worker", "fact", "trigger_date", "legal_deadline", "target_date", "report",
            "reported_at", "cancel_reason", "created_at",
        ]  # fmt: skip


class FactRecordedSerializer(serializers.Serializer):
    fact = FactSerializer()
    obligations_opened = ObligationSerializer(many=True)


class ReportInputSerializer(serializers.Serializer):
    """The report's fields are those of the obligation's event (as on the report page), plus:"""

    declaration = serializers.BooleanField(help_text="I confirm this report is true and complete")
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="PDF, PNG, JPG or DOCX files (multipart only)"
    )


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "subject", "body", "publish_on", "expires_on", "created_at"]


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "kind", "subject", "body", "created_at"]


def paged(serializer_class):
    """The cursor page of a list: ``next`` and ``previous`` links (null at the ends) and ``results``."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"Paged{name}ListSerializer",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="The next page's address; null on the last"),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
            "__module__": __name__,
        },
    )
