"""Submitting an application and paying its fee in the sandbox, for tests that need an application
in the Home Office's queue."""

from sms.licensing.models import LicenceApplication
from sms.licensing.services import applications
from sms.payments.tests.sandbox import RETURN_URL, sandbox_finish


def application_submit_and_pay(application: LicenceApplication) -> LicenceApplication:
    """Declare and submit the application, then pay its fee: it is then submitted to the Home Office."""
    application = applications.application_submit(application=application, declaration_confirmed=True)
    payment = applications.application_payment_start(application=application, return_url=RETURN_URL)
    sandbox_finish(payment, "success")
    application.refresh_from_db()
    return application
