"""Certificate test data, through the services."""

from sms.certificates.demo import complete_worker
from sms.certificates.services.allocations import allocation_grant
from sms.certificates.services.certificates import certificate_save_draft


def give_allocation(sponsor, number=5, category="worker"):
    return allocation_grant(sponsor=sponsor, category=category, number=number, actor=None, reason="Test allocation")


def draft(sponsor, user, **overrides):
    return certificate_save_draft(sponsor=sponsor, actor=user, data=complete_worker(**overrides))
