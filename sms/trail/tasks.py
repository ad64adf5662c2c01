"""The background worker's part of a large audit export (run by django-tasks: ``manage.py db_worker``)."""

from django_tasks import task

from sms.trail import services


@task()
def produce_audit_export(export_id: int) -> None:
    services.audit_export_produce(export_id=export_id)
