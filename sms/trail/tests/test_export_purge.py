"""Background audit exports are offered for 7 days; the daily sweep then deletes their files."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from sms.trail.models import AuditExport
from tests.worlds import audit_export_ready


def test_the_sweep_deletes_an_expired_exports_file_and_keeps_a_current_one(level_1, level_2):
    old, current = audit_export_ready(level_1), audit_export_ready(level_2)
    old_path = old.file.path
    AuditExport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("compliance_sweep")
    old.refresh_from_db()
    current.refresh_from_db()
    assert not old.file
    assert not old.file.storage.exists(old_path)
    assert current.file
    assert current.file.storage.exists(current.file.name)
