"""The background worker's part of a large certificate import (run by django-tasks: ``manage.py db_worker``)."""

from django_tasks import task

from sms.certificates.services import bulk


@task()
def import_certificates(import_id: int) -> None:
    bulk.certificate_import_run(import_id=import_id)
