"""Certificate and allocation pages: create, draft, check, assign, withdraw, search; Home Office decisions."""

from datetime import date

import pytest
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.certificates.models import AllocationRequest, Certificate, DefinedCosRequest
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import complete_worker, draft, give_allocation
from sms.core.models import FeeRate
from sms.licensing.services.personnel import work_site_add
from sms.payments.tests.sandbox import sandbox_choose
from tests.factories import SponsorFactory, make_sponsor_user


def form_data(**overrides):
    """complete_worker() as the form posts it: dates day/month/year, money in pounds."""
    values = complete_worker(**overrides)
    data = {}
    for key, value in values.items():
        if hasattr(value, "strftime"):
            data[key] = f"{value:%d/%m/%Y}"
        elif key == "salary_pence" and value is not None:
            data[key] = str(value // 100)
        else:
            data[key] = value
    return data


def test_a_draft_saves_with_only_the_family_name_and_survives_sign_out(client, level_2):
    sign_in(client, level_2)
    response = client.post(reverse("certificates:create"), {"family_name": "Okoro", "save_draft": "1"})
    assert response.url == reverse("certificates:list")
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_2)
    listing = client.get(reverse("certificates:list")).content.decode()
    assert "Okoro" in listing
    assert "Draft" in listing


def test_the_family_name_is_needed_to_save(client, level_1):
    sign_in(client, level_1)
    content = client.post(reverse("certificates:create"), {"given_names": "Ada"}).content.decode()
    assert "Enter the worker&#x27;s family name to save a draft" in content


def test_bad_money_and_dates_name_the_field(client, level_1):
    sign_in(client, level_1)
    content = client.post(
        reverse("certificates:create"), {"family_name": "Okoro", "salary_pence": "lots", "start_date": "31/2/2027"}
    ).content.decode()
    assert "Gross annual salary (£) must be an amount in pounds, like 41700" in content
    assert "Start date must be a real date" in content


def test_check_answers_shows_costs_and_assigns(client, sponsor, level_1):
    give_allocation(sponsor)
    sign_in(client, level_1)
    response = client.post(reverse("certificates:create"), form_data())
    certificate = Certificate.objects.get()
    assert response.url == reverse("certificates:detail", args=[certificate.uuid])
    page = client.get(response.url).content.decode()
    assert "Check your answers" in page
    assert "£525" in page
    assert "£3,960" in page
    assert "£4,485" in page
    client.post(reverse("certificates:assign", args=[certificate.uuid]))
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ASSIGNED
    assert certificate.reference in client.get(response.url).content.decode()


def test_a_failing_salary_shows_the_rule_and_figure_and_no_assign_button(client, sponsor, level_1):
    give_allocation(sponsor)
    sign_in(client, level_1)
    client.post(reverse("certificates:create"), form_data(salary_pence=4000000))
    certificate = Certificate.objects.get()
    page = client.get(reverse("certificates:detail", args=[certificate.uuid])).content.decode()
    assert "Salary must be at least £54,700 for this occupation (the going rate for 2134)" in page
    assert "Accept and assign" not in page
    client.post(reverse("certificates:assign", args=[certificate.uuid]))
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.DRAFT
    # The problem's link leads to the field, on a page that says what to put right.
    assert f'href="{reverse("certificates:edit", args=[certificate.uuid])}#id_salary_pence"' in page
    edit = client.get(reverse("certificates:edit", args=[certificate.uuid])).content.decode()
    assert "Put these right before the certificate can be assigned" in edit
    assert 'href="#id_salary_pence">Salary must be at least £54,700' in edit
    assert 'id="id_salary_pence"' in edit


def test_withdraw_with_a_reason(client, sponsor, level_1):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, level_1)
    assert (
        "Enter why you are withdrawing"
        in client.post(reverse("certificates:withdraw", args=[assigned.uuid]), {}).content.decode()
    )
    address = reverse("certificates:withdraw", args=[assigned.uuid])
    done = client.post(address, {"reason": "Offer declined"}, follow=True)
    assert f"Certificate {assigned.reference} withdrawn" in done.content.decode()
    assigned.refresh_from_db()
    assert assigned.status == Certificate.Status.WITHDRAWN


def test_the_withdraw_page_of_a_withdrawn_certificate_says_so_instead_of_offering_the_form(client, sponsor, level_1):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, level_1)
    client.post(reverse("certificates:withdraw", args=[assigned.uuid]), {"reason": "Offer declined"})
    for again in (
        client.get(reverse("certificates:withdraw", args=[assigned.uuid]), follow=True),
        client.post(reverse("certificates:withdraw", args=[assigned.uuid]), {"reason": "Twice"}, follow=True),
    ):
        page = again.content.decode()
        assert again.redirect_chain[-1][0] == reverse("certificates:detail", args=[assigned.uuid])
        assert "This certificate was already withdrawn on " in page
        assert "Withdraw certificate</button>" not in page


def test_level_2_cannot_withdraw_someone_elses_certificate(client, sponsor, level_1, level_2):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, level_2)
    assert client.get(reverse("certificates:withdraw", args=[assigned.uuid])).status_code == 403
    assert (
        "Withdraw this certificate"
        not in client.get(reverse("certificates:detail", args=[assigned.uuid])).content.decode()
    )


def test_sponsor_note_on_an_assigned_certificate(client, sponsor, level_1):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, level_1)
    client.post(reverse("certificates:add_note", args=[assigned.uuid]), {"note": "Home address corrected"})
    assert "Home address corrected" in client.get(reverse("certificates:detail", args=[assigned.uuid])).content.decode()


def test_search_by_name_reference_status_and_creator(client, sponsor, level_1, level_2):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1, family_name="Abara"), actor=level_1)
    draft(sponsor, level_2, family_name="Bello")
    sign_in(client, level_1)

    def names(**query):
        page = client.get(reverse("certificates:list"), query)
        return sorted(certificate.family_name for certificate in page.context["page"].object_list)

    assert names() == ["Abara", "Bello"]
    assert names(q="bel") == ["Bello"]
    assert names(q=assigned.reference) == ["Abara"]
    assert names(q=f" {assigned.reference.lower()} ") == ["Abara"]  # as typed, in any case
    assert names(status="assigned") == ["Abara"]
    assert names(mine="on") == ["Abara"]
    assert names(created_by=level_2.user_id) == ["Bello"]


def test_the_list_query_count_does_not_grow_with_the_number_of_certificates(
    client, sponsor, level_1, django_assert_max_num_queries
):
    sign_in(client, level_1)
    for n in range(3):
        draft(sponsor, level_1, family_name=f"Few{n}")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("certificates:list"))
    for n in range(60):
        draft(sponsor, level_1, family_name=f"Many{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("certificates:list"))


def test_allocation_request_and_the_caseworkers_decision(client, sponsor, level_1, caseworker):
    sign_in(client, level_1)
    content = client.post(
        reverse("certificates:request_allocation"), {"kind": "increase", "justification": "x"}
    ).content.decode()
    assert "Enter how many certificates you need in at least one category" in content
    response = client.post(
        reverse("certificates:request_allocation"),
        {"kind": "increase", "worker": "10", "justification": "Ten new developers", "priority": "on"},
    )
    request = AllocationRequest.objects.get()
    assert request.priority_fee_pence == 35000
    assert request.status == AllocationRequest.Status.AWAITING_PAYMENT
    staff = client.__class__()
    sign_in(staff, caseworker)
    assert request.reference not in staff.get(reverse("certificates:ho_queues")).content.decode()

    # The priority service fee is paid in the sandbox; the request then reaches the caseworker.
    back = sandbox_choose(client, response, "pay")
    assert back.url == reverse("certificates:allocation_request", args=[request.reference])
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.SUBMITTED
    detail = client.get(back.url).content.decode()
    assert f"Payment received: £350, reference {request.payment_reference}" in detail
    assert request.reference in staff.get(reverse("certificates:ho_queues")).content.decode()
    decide = reverse("certificates:ho_allocation_request", args=[request.reference])
    # Granting part without reasons: the error summary leads to the reasons box, not the number.
    refused = staff.post(decide, {"worker": "6", "reason": " "}).content.decode()
    assert '<a href="#id_reason">Enter the reasons for refusing all or part of the request</a>' in refused
    staff.post(decide, {"worker": "6", "reason": "Six for now"})
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.PARTLY_GRANTED
    page = client.get(reverse("certificates:allocation_request", args=[request.reference])).content.decode()
    assert "Partly granted" in page
    assert "Six for now" in page
    # The category's label, never its stored key ("6 Worker").
    assert '<dd class="govuk-summary-list__value" id="allocation-request-granted">6 Worker CoS (undefined)<br>' in page
    summary = client.get(reverse("portal:licence_summary"))
    assert [(a.category, a.granted) for a in summary.context["allocations"]] == [("worker", 6)]


@pytest.mark.parametrize(("choice", "shown"), [("decline", "payment failed"), ("cancel", "payment cancelled")])
def test_a_priority_request_whose_payment_did_not_complete_waits_and_can_go_without_priority(
    client, sponsor, level_1, choice, shown
):
    sign_in(client, level_1)
    response = client.post(
        reverse("certificates:request_allocation"),
        {"kind": "increase", "worker": "4", "justification": "Four nurses", "priority": "on"},
    )
    back = sandbox_choose(client, response, choice)
    request = AllocationRequest.objects.get()
    detail = client.get(back.url).content.decode()
    assert f"Your payment was not completed ({shown})" in detail
    assert "Waiting for payment" in detail
    assert "£350: not paid" in detail
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.AWAITING_PAYMENT
    assert request.priority is True

    client.post(reverse("certificates:allocation_request_without_priority", args=[request.reference]))
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.SUBMITTED
    assert request.priority is False
    page = client.get(reverse("certificates:allocation_request", args=[request.reference])).content.decode()
    assert "Awaiting decision" in page
    assert "Priority service" not in page


def test_level_2_cannot_request_allocations(client, level_2):
    sign_in(client, level_2)
    assert client.get(reverse("certificates:request_allocation")).status_code == 403


def test_defined_cos_request_decision_and_assignment(client, sponsor, level_1, caseworker):
    sign_in(client, level_1)
    data = form_data()
    data.pop("route")
    client.post(reverse("certificates:request_defined"), data)
    request = DefinedCosRequest.objects.get()
    staff = client.__class__()
    sign_in(staff, caseworker)
    staff.post(
        reverse("certificates:ho_defined_request", args=[request.reference]), {"decision": "grant", "reason": ""}
    )
    request.refresh_from_db()
    assert request.status == DefinedCosRequest.Status.GRANTED
    client.post(reverse("certificates:assign", args=[request.certificate.uuid]))
    request.certificate.refresh_from_db()
    assert request.certificate.status == Certificate.Status.ASSIGNED


def test_a_defined_cos_request_that_fails_the_rules_names_the_field(client, level_1):
    sign_in(client, level_1)
    data = form_data(salary_pence=2000000)
    data.pop("route")
    content = client.post(reverse("certificates:request_defined"), data).content.decode()
    assert "Salary must be at least £54,700" in content
    assert not DefinedCosRequest.objects.exists()


def test_home_office_records_the_visa_decision(client, sponsor, level_1, caseworker):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, caseworker)
    assert (
        assigned.reference
        in client.get(reverse("certificates:ho_certificate", args=[assigned.reference])).content.decode()
    )
    client.post(
        reverse("certificates:ho_record_use", args=[assigned.reference]),
        {"visa_decision": "granted", "permission_start": "01/02/2027", "permission_end": "31/01/2030"},
    )
    assigned.refresh_from_db()
    assert assigned.status == Certificate.Status.USED
    assert str(assigned.permission_end) == "2030-01-31"


def test_home_office_cancels_a_certificate_with_a_reason(client, sponsor, level_1, caseworker):
    give_allocation(sponsor)
    assigned = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, caseworker)
    url = reverse("certificates:ho_cancel", args=[assigned.reference])
    assert "Enter why the certificate is cancelled" in client.post(url, {}).content.decode()
    client.post(url, {"reason": "Issued in error"})
    assigned.refresh_from_db()
    assert (assigned.status, assigned.withdrawal_reason) == (Certificate.Status.CANCELLED, "Issued in error")


@pytest.mark.parametrize("name", ["certificates:list", "certificates:allocations", "certificates:create"])
def test_home_office_staff_cannot_use_sponsor_certificate_pages(client, caseworker, name):
    sign_in(client, caseworker)
    assert client.get(reverse(name)).status_code == 403


def test_the_priority_fee_in_the_request_form_comes_from_the_fee_table(client, level_1, time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    FeeRate.objects.create(
        kind=FeeRate.Kind.ALLOCATION_PRIORITY, sponsor_size="", amount_pence=41250, effective_from=date(2026, 1, 1)
    )
    sign_in(client, level_1)
    content = client.get(reverse("certificates:request_allocation")).content.decode()
    assert "fee £412.50" in content
    assert "£350" not in content


def test_the_request_form_offers_only_the_categories_the_licence_holds(client, level_1):
    """A Skilled Worker only sponsor is not offered CAS or Temporary Worker CoS (domain.md section 4)."""
    sign_in(client, level_1)
    content = client.get(reverse("certificates:request_allocation")).content.decode()
    assert 'name="worker"' in content
    assert 'name="student"' not in content
    assert 'name="temporary_worker"' not in content
    assert 'name="priority"' in content


def test_the_request_form_explains_why_there_is_no_priority_service(client, db):
    college = SponsorFactory(licence=["student"])
    user = make_sponsor_user(sponsor=college, level="level_1", email="l1@college.example")
    sign_in(client, user)
    content = client.get(reverse("certificates:request_allocation")).content.decode()
    assert 'name="priority"' not in content
    assert "The priority service is not available for CAS, so it is not offered here." in content
    response = client.post(
        reverse("certificates:request_allocation"),
        {"kind": "increase", "student": "40", "justification": "September intake", "priority": "on"},
    )
    assert AllocationRequest.objects.get(sponsor=college).priority is False
    assert response.status_code == 302


def test_the_forecast_says_the_allocation_lasts_until_it_ends(client, sponsor, level_1):
    """At one certificate in eight weeks, 299 left would last years: the allocation ends first."""
    allocation = give_allocation(sponsor, number=300)
    certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, level_1)
    content = client.get(reverse("certificates:allocations")).content.decode()
    assert f"Will last until the allocation ends on {allocation.year_end:%-d %B %Y}" in content
    assert "Runs out around" not in content
    assert "at the rate of the last 8 weeks (1 certificate assigned, about 0.1 a week)" in content
    assert f"Unused certificates lapse when the year ends on {allocation.year_end:%-d %B %Y}" in content


def test_the_salary_option_and_skills_charge_exemption_are_chosen_and_shown(client, sponsor, level_1):
    give_allocation(sponsor)
    sign_in(client, level_1)
    form = client.get(reverse("certificates:create")).content.decode()
    assert "Which salary option applies?" in form
    assert "PhD in a STEM subject relevant to the job" in form
    data = form_data(salary_pence=4370000) | {"salary_option": "phd_stem", "switching_from_student": "on"}
    response = client.post(reverse("certificates:create"), data)
    certificate = Certificate.objects.get()
    page = client.get(response.url).content.decode()
    assert "PhD in a STEM subject relevant to the job" in page
    assert "Applicants switching from the Student route are exempt from the Immigration Skills Charge" in page
    assert "Accept and assign" in page
    client.post(reverse("certificates:assign", args=[certificate.uuid]))
    certificate.refresh_from_db()
    assert (certificate.status, certificate.fee_pence, certificate.skills_charge_pence) == ("assigned", 52500, 0)


def test_an_unknown_salary_option_is_an_error_on_the_page(client, level_1):
    sign_in(client, level_1)
    content = client.post(reverse("certificates:create"), form_data(salary_option="cheap")).content.decode()
    assert "Salary option must be one of the options listed, like standard" in content
    assert not Certificate.objects.exists()


def test_the_certificate_form_offers_the_licences_routes_and_its_only_work_site(client, sponsor, level_1):
    work_site_add(sponsor=sponsor, address="12 Mill Lane\nLeeds", opened_on=sponsor.licence.start_date, actor=level_1)
    sign_in(client, level_1)
    form = client.get(reverse("certificates:create")).context["form"]
    assert [value for value, _ in form.fields["route"].choices] == ["", "skilled_worker"]
    assert form["route"].value() == "skilled_worker"
    assert form["work_address"].value() == "12 Mill Lane\nLeeds"


def test_check_your_answers_reads_back_every_typed_answer_with_its_own_change_link(client, sponsor, level_1):
    """Every answer the form takes is shown before assignment, each with a "Change" link to its field,
    and the page says what assigning will charge before the button is pressed."""
    give_allocation(sponsor)
    sign_in(client, level_1)
    data = form_data() | {
        "place_of_birth": "Lagos",
        "country_of_birth": "Nigeria",
        "gender": "Female",
        "country_of_residence": "Nigeria",
        "passport_issue_date": "01/02/2020",
        "passport_expiry_date": "01/02/2030",
        "ni_number": "QQ123456C",
        "employee_number": "E-4471",
        "job_summary": "Builds and maintains payment services",
        "allowances_pence": "2400",
        "other_work_sites": "1 Dock Road, Leeds",
    }
    response = client.post(reverse("certificates:create"), data)
    page = client.get(response.url).content.decode()
    for shown in (
        "Lagos", "Nigeria", "Female", "1 February 2020", "1 February 2030", "QQ123456C", "E-4471",
        "Builds and maintains payment services", "£2,400", "1 Dock Road, Leeds",
    ):  # fmt: skip
        assert shown in page, shown
    certificate = Certificate.objects.get()
    edit = reverse("certificates:edit", args=[certificate.uuid])
    for field in ("place_of_birth", "passport_expiry_date", "job_summary", "allowances_pence", "soc_code"):
        assert f'href="{edit}#id_{field}"' in page, field
    assert "By assigning it you confirm the details above are correct. Your organisation is charged £" in page
    assert "Accept and assign (£" in page


def test_an_assigned_certificate_offers_no_change_links(client, sponsor, level_1):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(client, level_1)
    page = client.get(reverse("certificates:detail", args=[certificate.uuid])).content.decode()
    assert reverse("certificates:edit", args=[certificate.uuid]) not in page
def test_a_caseworker_cannot_decide_a_priority_request_before_its_fee_is_paid(client, sponsor, level_1, caseworker):
    sign_in(client, level_1)
    client.post(
        reverse("certificates:request_allocation"),
        {"kind": "increase", "worker": "4", "justification": "Four nurses", "priority": "on"},
    )
    request = AllocationRequest.objects.get()
    staff = client.__class__()
    sign_in(staff, caseworker)
    decide = reverse("certificates:ho_allocation_request", args=[request.reference])
    response = staff.post(decide, {"worker": "4", "reason": ""})
    assert response.url == reverse("certificates:ho_queues")
    assert "waiting for its priority service fee" in staff.get(response.url).content.decode()
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.AWAITING_PAYMENT
