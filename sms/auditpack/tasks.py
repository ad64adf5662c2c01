"""The background job that produces an audit pack."""

from django_tasks import task

from sms.auditpack import services


@task()
def produce_audit_pack(pack_id: int) -> None:
    services.audit_pack_produce(pack_id=pack_id)
