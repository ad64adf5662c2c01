"""The API does what the pages do, through the same services: facts open obligations, reports are
sent with evidence, certificates are drafted, assigned, noted and withdrawn; bulk requests are
checked as a whole; every error is a problem; POSTs with an Idempotency-Key happen once."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sms.api.models import IdempotencyKey
from sms.api.tests.helpers import api
from sms.audit.models import AuditEvent, Verb
from sms.certificates.demo import complete_worker
from sms.certificates.models import Certificate
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.models import Fact, Obligation
from sms.reporting.services.facts import fact_record, person_register_from_certificate

JSON = "application/json"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def worker(sponsor, level_1):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Okafor"), actor=level_1)
    return person_register_from_certificate(certificate=certificate, actor=level_1)


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def test_an_unauthorised_absence_of_more_than_ten_working_days_opens_its_obligation(level_1, worker):
    fact_record(person=worker, actor=level_1, kind="start_confirmed", start_date=date.today() - timedelta(days=60))
    response = api(level_1).post(
        f"/api/v1/workers/{worker.uuid}/facts/",
        {"kind": "absence", "start_date": days_ago(30), "authorised": False, "pay": "full"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    opened = response.json()["obligations_opened"]
    assert [o["event"] for o in opened] == ["unauthorised_absence"]
    assert Obligation.objects.get(uuid=opened[0]["id"]).fact.uuid.hex == response.json()["fact"]["id"].replace("-", "")


def test_a_fact_the_page_would_refuse_is_refused_with_the_pages_messages(level_1, worker):
    client = api(level_1)
    url = f"/api/v1/workers/{worker.uuid}/facts/"
    missing = client.post(url, {"kind": "absence", "start_date": days_ago(3)}, content_type=JSON)
    assert missing.status_code == 400
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["errors"]["authorised"] == ["Select whether the absence was authorised"]
    future = client.post(url, {"kind": "role_change", "start_date": "2099-01-01", "new_value": "X"}, content_type=JSON)
    assert future.status_code == 422
    assert future.json()["detail"] == "The date must be today or in the past"
    wrong_kind = client.post(url, {"kind": "enrolled", "start_date": days_ago(1)}, content_type=JSON)
    assert wrong_kind.status_code == 400
    assert "kind" in wrong_kind.json()["errors"]
    assert not Fact.objects.filter(person=worker, kind__in=["absence", "role_change", "enrolled"]).exists()


def test_a_report_is_sent_with_evidence_files(level_1, worker):
    fact_record(
        person=worker, actor=level_1, kind="employment_ended", start_date=date.today(), end_reason="resignation"
    )
    obligation = worker.obligations.get(event="employment_ended")
    response = api(level_1).post(
        f"/api/v1/obligations/{obligation.uuid}/report/",
        {"declaration": "true", "evidence": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "reported_on_time"
    assert obligation.evidence.count() == 2
    again = api(level_1).post(f"/api/v1/obligations/{obligation.uuid}/report/", {"declaration": "true"})
    assert again.status_code == 409


def test_a_report_without_the_declaration_or_with_a_disguised_file_is_refused(level_1, worker):
    fact_record(
        person=worker, actor=level_1, kind="employment_ended", start_date=date.today(), end_reason="resignation"
    )
    obligation = worker.obligations.get(event="employment_ended")
    url = f"/api/v1/obligations/{obligation.uuid}/report/"
    assert api(level_1).post(url, {}).json()["errors"]["declaration"]
    bad = api(level_1).post(url, {"declaration": "true", "evidence": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00")]})
    assert bad.status_code == 400
    assert "evidence" in bad.json()["errors"]
    obligation.refresh_from_db()
    assert obligation.status == "open"


def test_a_certificate_is_drafted_assigned_noted_and_withdrawn(sponsor, level_1):
    give_allocation(sponsor)
    client = api(level_1)
    body = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in complete_worker().items()}
    body["salary_gbp"] = str(body.pop("salary_pence") // 100)
    created = client.post("/api/v1/certificates/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    uuid = created.json()["id"]
    assert created["Location"] == f"/api/v1/certificates/{uuid}/"
    assigned = client.post(f"/api/v1/certificates/{uuid}/assign/", content_type=JSON)
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["status"] == "assigned"
    assert assigned.json()["reference"]
    assert client.post(f"/api/v1/certificates/{uuid}/assign/", content_type=JSON).status_code == 409
    noted = client.post(f"/api/v1/certificates/{uuid}/notes/", {"note": "New address"}, content_type=JSON)
    assert "New address" in noted.json()["sponsor_note"]
    withdrawn = client.post(f"/api/v1/certificates/{uuid}/withdraw/", {"reason": "Declined"}, content_type=JSON)
    assert withdrawn.json()["status"] == "withdrawn"
    twice = client.post(f"/api/v1/certificates/{uuid}/withdraw/", {"reason": "Again"}, content_type=JSON)
    assert twice.status_code == 422
    assert twice.json()["detail"].startswith("This certificate was already withdrawn")


def test_certificate_filters_are_the_pages_and_an_invalid_one_is_a_400(sponsor, level_1):
    draft(sponsor, level_1, family_name="Zed")
    draft(sponsor, level_1, family_name="Young")
    client = api(level_1)
    names = [c["family_name"] for c in client.get("/api/v1/certificates/?q=Ze").json()["results"]]
    assert names == ["Zed"]
    bad = client.get("/api/v1/certificates/?status=nonsense")
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


def test_lists_are_paged_by_cursor(sponsor, level_1):
    for n in range(5):
        draft(sponsor, level_1, family_name=f"Person{n}")
    client = api(level_1)
    page = client.get("/api/v1/certificates/?page_size=2").json()
    seen = [c["family_name"] for c in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [c["family_name"] for c in page["results"]]
    assert sorted(seen) == [f"Person{n}" for n in range(5)]


def test_bulk_facts_are_all_or_nothing_with_errors_per_row(level_1, worker):
    reference = worker.certificate.reference
    client = api(level_1)
    rows = [
        {"certificate_reference": reference, "kind": "role_change", "start_date": days_ago(2), "new_value": "Lead"},
        {"certificate_reference": "NOPE", "kind": "absence", "start_date": days_ago(1)},
    ]
    refused = client.post("/api/v1/facts/bulk/", {"facts": rows}, content_type=JSON)
    assert refused.status_code == 422
    errors = refused.json()["errors"]["rows"]
    assert {(e["row"], e["field"]) for e in errors} >= {(2, "certificate_reference"), (2, "authorised")}
    assert not Fact.objects.filter(person=worker, kind="role_change").exists()
    accepted = client.post("/api/v1/facts/bulk/", {"facts": rows[:1]}, content_type=JSON)
    assert accepted.status_code == 201, accepted.content
    assert accepted.json() == {"recorded": 1}
    assert worker.obligations.filter(event="role_change").exists()


def test_bulk_certificates_are_checked_like_the_csv_import(sponsor, level_1):
    good = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in complete_worker().items()}
    good["salary_gbp"] = good.pop("salary_pence") // 100
    good.pop("allowances_pence", None)
    bad = {**good, "soc_code": "", "family_name": ""}
    refused = api(level_1).post("/api/v1/certificates/bulk/", {"certificates": [good, bad]}, content_type=JSON)
    assert refused.status_code == 422, refused.content
    assert {e["row"] for e in refused.json()["errors"]["rows"]} == {2}
    assert not Certificate.objects.exists()
    created = api(level_1).post("/api/v1/certificates/bulk/", {"certificates": [good, good]}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert Certificate.objects.filter(status="draft").count() == 2


def test_every_error_is_a_problem(level_1):
    client = api(level_1)
    cases = [
        (client.get("/api/v1/nowhere/"), 404),
        (client.get("/api/v1/certificates/00000000-0000-0000-0000-000000000000/"), 404),
        (client.put("/api/v1/certificates/", {}, content_type=JSON), 405),
        (client.post("/api/v1/certificates/", "family_name=x", content_type="application/x-www-form-urlencoded"), 415),
        (client.post("/api/v1/certificates/", "{not json", content_type=JSON), 400),
        (client.post("/api/v1/certificates/", {"family_name": "A\x00B"}, content_type=JSON), 400),
        (client.get("/api/v1/certificates/?q=a%00b"), 400),
        (client.post("/api/v1/certificates/", [1, 2], content_type=JSON), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, (status, response.content)
        assert response["Content-Type"] == "application/problem+json", status
        body = response.json()
        assert body["status"] == status
        assert body["title"]
        assert body["type"]


def test_a_retried_post_returns_the_first_response_and_records_nothing_twice(level_1, worker):
    client = api(level_1)
    url = f"/api/v1/workers/{worker.uuid}/facts/"
    body = {"kind": "role_change", "start_date": days_ago(1), "new_value": "Lead"}
    first = client.post(url, body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="retry-1")
    second = client.post(url, body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert worker.facts.filter(kind="role_change").count() == 1
    assert AuditEvent.objects.filter(verb=Verb.FACT_RECORDED, target_id=str(worker.pk)).count() == 1
    other = client.post(url, {**body, "new_value": "Other"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert other.status_code == 422
    # A refusal is replayed too: the same request never gets two answers.
    future = {"kind": "role_change", "start_date": "2099-01-01", "new_value": "X"}
    assert client.post(url, future, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k2").status_code == 422
    assert client.post(url, future, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k2").status_code == 422
    assert IdempotencyKey.objects.count() == 2


def test_keys_belong_to_their_token(level_1, worker):
    url = f"/api/v1/workers/{worker.uuid}/facts/"
    body = {"kind": "role_change", "start_date": days_ago(1), "new_value": "Lead"}
    assert api(level_1).post(url, body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    # Another token with the same key is another request: the rule (one change a day) answers, not a replay.
    second = api(level_1).post(url, {**body, "new_value": "Next"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="same")
    assert "Idempotent-Replayed" not in second


def test_an_absence_recorded_while_going_on_is_ended_and_its_obligation_cancelled(level_1, worker):
    fact_record(person=worker, actor=level_1, kind="start_confirmed", start_date=date.today() - timedelta(days=60))
    client = api(level_1)
    recorded = client.post(
        f"/api/v1/workers/{worker.uuid}/facts/",
        {"kind": "absence", "start_date": days_ago(30), "authorised": False, "pay": "full"},
        content_type=JSON,
    ).json()
    obligation = Obligation.objects.get(uuid=recorded["obligations_opened"][0]["id"])
    url = f"/api/v1/workers/{worker.uuid}/facts/{recorded['fact']['id']}/end/"
    assert client.post(url, {"last_day": "2099-01-01"}, content_type=JSON).status_code == 422
    ended = client.post(url, {"last_day": days_ago(29)}, content_type=JSON)
    assert ended.status_code == 200, ended.content
    assert ended.json()["fact"]["end_date"] == days_ago(29)
    obligation.refresh_from_db()
    assert obligation.status == "cancelled"
    assert client.post(url, {"last_day": days_ago(28)}, content_type=JSON).status_code == 422
