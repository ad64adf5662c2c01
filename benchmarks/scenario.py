"""What ``make bench`` measures (the table of issue 14) and how docs/benchmarks.md shows it."""

import re
import statistics
import time
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from benchmarks import inprocess
from benchmarks.measure import Page, Session, interleaved, median_ms, streamed_download, throughput

# The pages both sponsors have, for growth from 1,000 to 50,000 workers (issue: <= 1.2x).
SPONSOR_PAGES = [
    ("home", "Sponsor home", "/sponsor/"),
    ("licence", "Licence summary", "/licence/"),
    ("allocations", "Allocations", "/certificates/allocations/"),
    ("certificates", "Certificates", "/certificates/"),
    ("workers", "Worker register", "/workers/"),
    ("obligations", "Obligations list", "/obligations/"),
    ("trail", "Audit trail, page 1", "/audit/"),
    ("users", "Users and access", "/licence/users/"),
]


def deep_trail_path(session: Session, rows: int) -> str:
    """A page half-way down the large sponsor's trail, in whatever form the page's own "next" link
    takes (a page number, or a cursor)."""
    first = session.get("/audit/").body.decode("utf-8", "replace")
    link = re.search(r'href="(\?[^"]*(?:page|after|before|cursor)=[^"]*)"', first)
    if link and "page=" in link.group(1):
        return f"/audit/?page={max(2, rows // 50 // 2)}"
    if link:  # a cursor: an id half-way down the sponsor's rows
        from sms.audit.models import AuditEvent

        ids = AuditEvent.objects.filter(sponsor__name=_large_name()).order_by("-id").values_list("id", flat=True)
        middle = ids[max(0, rows // 2)] if rows else 0
        return "/audit/" + re.sub(r"=(\d+)", f"={middle}", link.group(1).replace("&amp;", "&"), count=1)
    return "/audit/?page=2"


def _large_name() -> str:
    from sms.portal.loaddata import LARGE_SPONSOR_NAME

    return LARGE_SPONSOR_NAME


def run(
    *,
    env: dict,
    gunicorn,
    rounds: int,
    scaling: bool = True,
    seconds: float = 8.0,
    import_rows=(1000, 10000),
    verify_seconds: float | None = 120,
) -> dict:
    from sms.accounts.models import Sponsor, User
    from sms.audit.models import AuditEvent
    from sms.certificates.models import Allocation, Certificate
    from sms.portal import loaddata
    from sms.reporting.models import Fact, Obligation, SponsoredPerson

    large = Sponsor.objects.get(name=loaddata.LARGE_SPONSOR_NAME)
    medium = Sponsor.objects.get(name=loaddata.MEDIUM_SPONSOR_NAME)
    large_user = User.objects.get(email=loaddata.LARGE_LEVEL_1)
    medium_user = User.objects.get(email=loaddata.MEDIUM_LEVEL_1)
    large_rows = AuditEvent.objects.filter(sponsor=large).count()
    results: dict = {
        "sizes": {
            "sponsors": Sponsor.objects.count(),
            "workers": SponsoredPerson.objects.count(),
            "certificates": Certificate.objects.count(),
            "facts": Fact.objects.count(),
            "obligations": Obligation.objects.count(),
            "reported_obligations": Obligation.objects.filter(reported_at__isnull=False).count(),
            "audit_rows": AuditEvent.objects.count(),
            "large": {
                "workers": SponsoredPerson.objects.filter(sponsor=large).count(),
                "certificates": Certificate.objects.filter(sponsor=large).count(),
                "facts": Fact.objects.filter(sponsor=large).count(),
                "obligations": Obligation.objects.filter(sponsor=large).count(),
                "audit_rows": large_rows,
            },
            "medium_workers": SponsoredPerson.objects.filter(sponsor=medium).count(),
        }
    }
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        results["database_version"] = cursor.fetchone()[0]
    password = env.get("BENCH_PASSWORD", loaddata.DEFAULT_PASSWORD)

    with gunicorn(env, workers=2) as server:
        print("Signing in...", flush=True)
        sessions = {"large": Session(server.url), "medium": Session(server.url), "home_office": Session(server.url)}
        sessions["large"].sign_in(loaddata.LARGE_LEVEL_1, password)
        sessions["medium"].sign_in(loaddata.MEDIUM_LEVEL_1, password)
        sessions["home_office"].sign_in(loaddata.HOME_OFFICE_USER, password)
        pages = [
            Page("obligations", "Obligations list, 50k sponsor", "large", "/obligations/"),
            Page("certificate_search", "Certificates search by name", "large", "/certificates/?q=Pat"),
            Page("trail_first", "Audit trail, page 1", "large", "/audit/"),
            Page("trail_deep", "Audit trail, a deep page", "large", deep_trail_path(sessions["large"], large_rows)),
            Page("licence", "Licence summary", "large", "/licence/"),
            Page("allocations", "Allocations", "large", "/certificates/allocations/"),
            Page("ho_sponsors", "Home Office sponsor list", "home_office", "/home-office/sponsors/"),
            Page("ho_reports", "Home Office received reports", "home_office", "/home-office/reports/"),
            Page("ho_trail", "Home Office audit trail", "home_office", "/home-office/audit/"),
        ]
        growth = []
        for key, label, path in SPONSOR_PAGES:
            for who in ("large", "medium"):
                growth.append(Page(f"growth_{key}_{who}", label, who, path, target=None))
        print("Timing pages against the floor...", flush=True)
        floors = interleaved(sessions, pages + growth, rounds=rounds)
        results["floor_ms"] = {name: median_ms(times) for name, times in floors.items()}
        results["pages"] = [_page_result(page, results["floor_ms"][page.session]) for page in pages]
        results["growth"] = []
        for key, label, path in SPONSOR_PAGES:
            big = next(p for p in growth if p.key == f"growth_{key}_large")
            small = next(p for p in growth if p.key == f"growth_{key}_medium")
            results["growth"].append({"key": key, "label": label, "path": path, "large_ms": median_ms(big.times),
                                      "medium_ms": median_ms(small.times),
                                      "growth": median_ms(big.times) / median_ms(small.times),
                                      "statuses": sorted(big.statuses | small.statuses)})  # fmt: skip

        # The large sponsor's export goes to the worker (more than 20,000 rows), timed in process
        # below; a smaller one streams, timed here over HTTP.
        print("Audit CSV export, streamed...", flush=True)
        expected_rows = AuditEvent.objects.filter(sponsor=medium).count()
        export = streamed_download(sessions["medium"], "/audit/export.csv", timeout=300)
        export["expected_rows"] = expected_rows
        export["rows_per_second"] = export["rows"] / export["seconds"] if export["seconds"] else 0
        results["export"] = export

        print("Certificate assignment over HTTP...", flush=True)
        results["assignment"] = _assignment(server, sessions["large"], large, Certificate, Allocation, seconds)

    print("Figures through the services...", flush=True)
    results["large_export"] = inprocess.audit_export(actor=large_user)
    results["import"] = [inprocess.cos_import(actor=large_user, rows=rows) for rows in import_rows]
    results["assignment"].update(inprocess.assignment_statements(actor=large_user))
    results["sweep"] = inprocess.daily_sweep()
    paths = [path for _, _, path in SPONSOR_PAGES]
    large_queries = inprocess.page_queries(large_user, paths)
    medium_queries = inprocess.page_queries(medium_user, paths)
    for row in results["growth"]:
        row["queries_large"] = large_queries[row["path"]][1]
        row["queries_medium"] = medium_queries[row["path"]][1]

    if scaling:
        print("Throughput with 1, 2 and 4 worker processes...", flush=True)
        results["scaling"] = _scaling(env, gunicorn, password)
    print("verify_audit...", flush=True)
    results["verify"] = inprocess.verify_audit(limit_seconds=verify_seconds)
    return results


def _page_result(page: Page, floor_ms: float) -> dict:
    median = median_ms(page.times)
    p90 = statistics.quantiles(page.times, n=10)[-1] * 1000 if len(page.times) >= 2 else median
    return {"key": page.key, "label": page.label, "path": page.path, "session": page.session, "median_ms": median,
            "ratio": median / floor_ms, "target": page.target, "samples": len(page.times),
            "statuses": sorted(page.statuses), "bytes": page.size,
            "p90_ms": p90}  # fmt: skip


def _assignment(server, session: Session, sponsor, Certificate, Allocation, seconds: float) -> dict:
    start = timezone.localdate() + timedelta(days=30)
    drafts = list(
        Certificate.objects.filter(
            sponsor=sponsor, status=Certificate.Status.DRAFT, route="skilled_worker", start_date__gte=start
        ).values_list("uuid", flat=True)
    )
    before = Certificate.objects.filter(sponsor=sponsor, uuid__in=drafts, status=Certificate.Status.ASSIGNED).count()

    def assign(n: int) -> bool:
        if n >= len(drafts):
            return False
        return session.post(f"/certificates/{drafts[n]}/assign/", {}).status == 302

    healthz = Session(server.url)
    healthz_rate, _ = throughput(lambda n: healthz.get("/healthz").status == 200, clients=4, seconds=seconds)
    assign_rate, failures = throughput(assign, clients=4, seconds=seconds)
    assigned = (
        Certificate.objects.filter(sponsor=sponsor, uuid__in=drafts, status=Certificate.Status.ASSIGNED).count()
        - before
    )
    overdrawn = Allocation.objects.filter(used__gt=F("granted")).count()
    mismatched = sum(
        1
        for allocation in Allocation.objects.filter(sponsor=sponsor)
        if allocation.used
        != Certificate.objects.filter(allocation=allocation).exclude(status=Certificate.Status.DRAFT).count()
    )
    return {"per_second": assign_rate, "healthz_per_second": healthz_rate, "ratio": assign_rate / healthz_rate,
            "assigned": assigned, "failures": failures, "overdrawn_allocations": overdrawn,
            "allocations_not_matching_their_certificates": mismatched, "drafts_available": len(drafts)}  # fmt: skip


def _scaling(env: dict, gunicorn, password: str) -> list[dict]:
    from sms.portal import loaddata

    rows = []
    for workers in (1, 2, 4):
        with gunicorn(env, workers=workers) as server:
            session = Session(server.url)
            session.sign_in(loaddata.MEDIUM_LEVEL_1, password)
            for _ in range(3):
                session.get("/licence/")
            rate, failures = throughput(lambda n, s=session: s.get("/licence/").status == 200, clients=8, seconds=10)
            rows.append({"workers": workers, "per_second": rate, "failures": failures})
        time.sleep(1)
    return rows


# --- the report ----------------------------------------------------------------------------------


def _fmt(value, digits=1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def render(results: dict) -> str:
    m = results["machine"]
    s = results["sizes"]
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`python -m benchmarks.run`): PostgreSQL on 127.0.0.1 (database `sms_bench`), "
        "`config.settings.bench` (production's behaviour, DEBUG off), gunicorn with 2 sync workers, signed-in "
        "sessions. Each page is timed against the floor, `/cookies/` signed in as the same user, round after round "
        "in one run; the figure is the median. Issue 14 sets the targets.",
        "",
        f"Run: **{results.get('label') or 'unlabelled'}**, {results['started']}.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB memory; {m['system']}",
        f"- Load average at the start {tuple(round(x, 1) for x in m['load'])}, at the end "
        f"{tuple(round(x, 1) for x in m.get('load_after', (0, 0, 0)))}. **The 2 cores are shared with other "
        "engineers' work**: absolute times move with their load, so compare ratios (page against floor, measured "
        "interleaved), not milliseconds, and compare runs only with each other's ratios.",
        f"- Python {m['python']}; {results.get('database_version', '')[:60]}",
        "",
        "## Data",
        "",
        f"- Whole database: {s['sponsors']:,} sponsors, {s['workers']:,} workers, {s['certificates']:,} certificates, "
        f"{s['facts']:,} facts, {s['obligations']:,} obligations ({s['reported_obligations']:,} reported), "
        f"{s['audit_rows']:,} audit rows.",
        f"- The large sponsor: {s['large']['workers']:,} workers, {s['large']['certificates']:,} certificates, "
        f"{s['large']['facts']:,} facts, {s['large']['obligations']:,} obligations, {s['large']['audit_rows']:,} "
        "audit rows.",
        f"- The sponsor its pages are compared with: {s['medium_workers']:,} workers.",
    ]
    if "generation_seconds" in results:
        lines.append(f"- `generate_load_data` took {results['generation_seconds']:.0f} s.")
    floor = results["floor_ms"]
    lines += [
        "",
        "## Pages against the floor",
        "",
        "Floor (median of `/cookies/`): " + ", ".join(f"{name} {value:.1f} ms" for name, value in floor.items()) + ".",
        "",
        "| what | median | x floor | target | HTTP | size | samples |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in results["pages"]:
        met = "met" if page["ratio"] <= page["target"] else "**not met**"
        lines.append(
            f"| {page['label']} (`{page['path']}`) | {page['median_ms']:.0f} ms | {page['ratio']:.1f}x | "
            f"<= {page['target']:.0f}x ({met}) | {', '.join(map(str, page['statuses']))} | "
            f"{page['bytes'] / 1024:,.0f} KB | {page['samples']} |"
        )
    e = results["export"]
    le = results.get("large_export")
    a = results["assignment"]
    sw = results["sweep"]
    v = results["verify"]
    lines += [
        "",
        "## Other figures",
        "",
        "| what | measured | target |",
        "|---|---|---|",
        f"| Audit CSV export streamed, the 1,000-worker sponsor | HTTP {e['status']}, {e['rows']:,} of "
        f"{e['expected_rows']:,} rows in {e['seconds']:.1f} s ({e['rows_per_second']:,.0f} rows/s), "
        f"{'complete' if e['complete'] and e['rows'] >= e['expected_rows'] else '**incomplete**'} | every export "
        "completes; >= 50,000 rows/s; never a truncated 200 |",
    ]
    if le:
        cpu = f"CPU {le['python_cpu']:.1f} s Python" + (
            f" + {le['database_cpu']:.1f} s PostgreSQL" if le.get("database_cpu") is not None else ""
        )
        lines.append(
            f"| Audit CSV export of the large sponsor, produced by the worker's service into a file | "
            f"{'complete' if le['complete'] else '**failed**'}, {le['rows']:,} rows "
            f"({le['bytes'] / 1024 / 1024:.0f} MB) in {le['seconds']:.1f} s "
            f"(**{le['rows_per_second']:,.0f} rows/s**; {cpu}) | >= 50,000 rows/s; a failure leaves no file |"
        )
    for imp in results["import"]:
        worker = (
            f"; {imp['worker_seconds']:.1f} s of it in the background worker"
            if imp.get("worker_seconds") is not None
            else "; within the request"
        )
        outcome = (
            f"{imp['created']:,} drafts in {imp['seconds']:.1f} s ({imp['rows_per_second']:,.0f} rows/s; "
            f"{imp['cpu_seconds']:.1f} s of CPU{worker}), {imp['statements']:,} statements"
            if imp["created"]
            else f"refused: {imp['refused']}"
        )
        lines.append(
            f"| CoS CSV import, {imp['rows']:,} rows ({imp['bytes'] / 1024 / 1024:.1f} MB) through the service | "
            f"{outcome} | 10,000 rows <= 5 s |"
        )
    lines += [
        f"| Certificate assignment over HTTP (4 clients) | {a['per_second']:.1f}/s against `/healthz` "
        f"{a['healthz_per_second']:.1f}/s: **{a['ratio']:.3f}x**; {_fmt(a.get('statements'))} statements each; "
        f"{a['assigned']:,} assigned, {a['overdrawn_allocations']} allocations overdrawn, "
        f"{a['allocations_not_matching_their_certificates']} not matching their certificates | >= 0.25x; "
        "<= 12 statements; zero overdraw |",
        f"| Daily sweep (every step), {sw['workers']:,} workers | {sw['seconds']:.1f} s, {sw['statements']:,} "
        f"statements, {sw['opened']:,} obligations opened, {sw.get('alerts', 0):,} alerts raised | "
        "1,000,000 workers <= 30 s; statements independent of "
        "the number of obligations |",
        f"| `verify_audit`, {v['rows']:,} rows{'' if v.get('complete', True) else ' checked (' + v['reason'] + ')'} | "
        f"{v['rows_per_second']:,.0f} rows/s ({v['seconds']:.1f} s)"
        f"{', FAILED: ' + v['reason'] if v['ok'] is False else ''} | >= 500,000 rows/s |",
        "",
        "## Growth of every sponsor page, 1,000 to 50,000 workers",
        "",
        "| page | 1k workers | 50k workers | growth | queries (1k / 50k) | target |",
        "|---|---|---|---|---|---|",
    ]
    for row in results["growth"]:
        lines.append(
            f"| {row['label']} (`{row['path']}`) | {row['medium_ms']:.0f} ms | {row['large_ms']:.0f} ms | "
            f"{row['growth']:.2f}x | {row.get('queries_medium', 'n/a')} / {row.get('queries_large', 'n/a')} | "
            "<= 1.2x, queries constant |"
        )
    if results.get("scaling"):
        lines += [
            "",
            "## Throughput by worker processes (a sponsor page, `/licence/`, 8 clients)",
            "",
            "| gunicorn workers | requests/s | failures |",
            "|---|---|---|",
        ]
        for row in results["scaling"]:
            lines.append(f"| {row['workers']} | {row['per_second']:.1f} | {row['failures']} |")
    lines += [
        "",
        "## What was changed and what it gained",
        "",
        "_To be filled by the lead from before/after runs (this file's run above is the **before**: see its "
        "label). For each change: what it was, the figure before and after, and the ratio._",
        "",
    ]
    return "\n".join(lines)
