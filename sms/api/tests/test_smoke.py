from datetime import date

from sms.api.tests.helpers import api
from sms.certificates.tests.factories import give_allocation
from sms.certificates.demo import complete_worker


def test_a_hr_system_walks_the_api(level_1, sponsor):
    give_allocation(sponsor)
    client = api(level_1)
    assert client.get("/api/v1/licence/").status_code == 200, client.get("/api/v1/licence/").content
    r = client.get("/api/v1/allocations/")
    assert r.status_code == 200, r.content
    data = complete_worker()
    body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    body["salary_gbp"] = str(body.pop("salary_pence") / 100)
    r = client.post("/api/v1/certificates/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    uuid = r.json()["id"]
    r = client.post(f"/api/v1/certificates/{uuid}/assign/", content_type="application/json")
    assert r.status_code == 200, r.content
    r = client.post("/api/v1/workers/", {"certificate": uuid}, content_type="application/json")
    assert r.status_code == 201, r.content
    worker = r.json()["id"]
    r = client.post(
        f"/api/v1/workers/{worker}/facts/",
        {"kind": "role_change", "start_date": date.today().isoformat(), "new_value": "Lead"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["obligations_opened"], r.content
    ob = r.json()["obligations_opened"][0]["id"]
    r = client.get("/api/v1/obligations/?status=open")
    assert r.status_code == 200, r.content
    r = client.post(f"/api/v1/obligations/{ob}/report/", {"declaration": True}, content_type="application/json")
    print(r.content)
    for url in [
        "/api/v1/certificates/",
        "/api/v1/workers/",
        f"/api/v1/workers/{worker}/facts/",
        "/api/v1/messages/",
        "/api/v1/notifications/",
        "/api/v1/schema/",
        "/api/v1/docs/",
        "/api/v1/nothing/",
    ]:
        r = client.get(url)
        print(url, r.status_code, r.content[:300])
