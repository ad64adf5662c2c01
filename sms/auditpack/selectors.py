"""Reads of audit packs, scoped to the user's own sponsor (another sponsor's pack is not found)."""

from django.http import Http404

from sms.auditpack.models import AuditPack


def packs_for_user(*, user):
    return AuditPack.objects.filter(sponsor_id=user.sponsor_id).select_related("requested_by")


def pack_for_user(*, user, uuid) -> AuditPack:
    pack = packs_for_user(user=user).filter(uuid=uuid).first()
    if pack is None:
        raise Http404
    return pack
