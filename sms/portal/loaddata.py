"""Load data for benchmarks (issue 14): one very large sponsor, one of 1,000 workers to compare it
with, and a national population of sponsors of skewed sizes, written with bulk inserts.

The data is consistent the way the services would have left it: every certificate sits on its
sponsor's allocation for its year and allocations count what they hold; every worker has a
certificate; obligations arise from facts (or a worker who did not start) with one per source;
the audit trail is in time order, each row chained to the one before it in its chain with the
keyed hash of ``sms.audit.chain``, and each chain has its signed head, so ``verify_audit`` passes.

Nothing production relies on is switched off: indexes, constraints and the audit triggers stay.
PostgreSQL receives rows through COPY; other databases through batched INSERTs. Identifiers are
allocated here (from the table's current maximum), so related rows can name each other without a
round trip, and the sequences are moved past them at the end.

Run it on an empty, migrated database (``manage.py generate_load_data``); ``make bench`` does.
"""

import hashlib
import hmac
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.audit import keys
from sms.audit.chain import (
    FORMAT,
    GENESIS_HASH,
    HASHED_FIELDS,
    _field,
    canonical_payload,
    chain_key,
    event_message,
    head_message,
    sign,
)
from sms.audit.models import AuditChainHead, AuditEvent, Verb
from sms.certificates.allocation_rules import allocation_year
from sms.certificates.models import Allocation, Category, Certificate
from sms.core.identifiers import UNAMBIGUOUS_ALPHABET, check_character
from sms.licensing.models import ROUTE_CATEGORY, KeyPerson, KeyPersonRole, Licence, LicenceRoute, Rating, Route
from sms.reporting.models import Fact, Obligation, SponsoredPerson

# Who signs in to the benchmark: the large sponsor's and the 1,000-worker sponsor's Level 1 users,
# and a Home Office compliance officer.
LARGE_SPONSOR_NAME = "Northshire University Hospitals NHS Foundation Trust"
MEDIUM_SPONSOR_NAME = "Medium Benchmark Engineering Ltd"
LARGE_LEVEL_1 = "level1@large-sponsor.example"
MEDIUM_LEVEL_1 = "level1@medium-sponsor.example"
HOME_OFFICE_USER = "compliance@bench.homeoffice.example"
DEFAULT_PASSWORD = "Bench-Sponsor-2026"  # noqa: S105 - a benchmark account on a throwaway database

# Per worker, as on the large sponsor of the issue: 59k certificates, 186k facts, 30k obligations
# and 491k audit rows for 50,000 workers.
CERTIFICATES_PER_WORKER = 1.18
FACTS_PER_WORKER = 3.72
OBLIGATIONS_PER_WORKER = 0.6
AUDIT_PER_WORKER = 9.82
# Fixed spans instead of calendar months: relativedelta per row is most of a row's cost.
THREE_YEARS = timedelta(days=3 * 365)
COS_VALIDITY = timedelta(days=91)
CAS_VALIDITY = timedelta(days=182)
# Drafts ready to assign on the large sponsor (the assignment benchmark uses them).
READY_DRAFTS = 3000


@dataclass(frozen=True)
class Sizes:
    """How much to make. The defaults are the issue's national population."""

    sponsors: int = 120_000  # the national population, besides the large and the medium sponsor
    national_workers: int = 184_000
    national_audit: int = 2_450_000
    large_workers: int = 50_000
    medium_workers: int = 1_000
    ready_drafts: int = READY_DRAFTS
    sweepable_share: float = 0.022  # expected workers past their start window, for the daily sweep
    history_days: int = 730
    seed: int = 14


SMALL = Sizes(
    sponsors=150, national_workers=400, national_audit=3_000, large_workers=400, medium_workers=40, ready_drafts=30
)


# --- identifiers -------------------------------------------------------------------------------

_BASE = len(UNAMBIGUOUS_ALPHABET)


def unique_code(prefix: str, length: int, index: int) -> str:
    """prefix + a body that is unique for each index + its check character, ``length`` in all.

    The index is scrambled (multiplied by a number prime to the space) so neighbours do not look
    alike, yet two indexes never share a body; no draw, so no collision to retry.
    """
    digits = length - len(prefix) - 1
    space = _BASE**digits
    value = (index * 1_000_003 + 7_919) % space
    body = ""
    for _ in range(digits):
        value, rest = divmod(value, _BASE)
        body += UNAMBIGUOUS_ALPHABET[rest]
    body = prefix + body
    return body + check_character(body)


def licence_number_of(index: int) -> str:
    """A licence number in the service's form (SPN, a body, a check character over the body)."""
    body_length = Licence._meta.get_field("number").max_length - 4
    code = unique_code("", body_length + 1, index)
    return "SPN" + code


# --- names -------------------------------------------------------------------------------------

FAMILY_NAMES = [
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Okafor",
    "Nguyen",
    "Kowalski",
    "Silva",
    "Garcia",
    "Chen",
    "Ahmed",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Lewis",
    "Walker",
    "Robinson",
    "Wood",
    "Thompson",
    "White",
    "Watson",
    "Jackson",
    "Wright",
    "Green",
    "Harris",
    "Cooper",
    "King",
    "Lee",
    "Martin",
    "Clarke",
    "James",
    "Morgan",
    "Hughes",
    "Edwards",
    "Hill",
    "Moore",
    "Clark",
    "Harrison",
    "Scott",
    "Young",
    "Morris",
    "Hall",
    "Ward",
    "Turner",
    "Carter",
    "Phillips",
    "Mitchell",
    "Adeyemi",
    "Mensah",
    "Osei",
    "Banerjee",
    "Iyer",
    "Reddy",
    "Santos",
    "Pereira",
    "Novak",
    "Horvat",
    "Ivanova",
    "Popescu",
    "Murphy",
    "Kelly",
    "Byrne",
    "Ryan",
    "Walsh",
    "Oconnor",
    "Ali",
    "Hussain",
    "Rahman",
    "Begum",
    "Shah",
    "Sharma",
    "Singh",
    "Kaur",
    "Gill",
    "Das",
    "Bose",
    "Fernandes",
]
GIVEN_NAMES = [
    "Ada",
    "Amara",
    "Aisha",
    "Ben",
    "Chidi",
    "Daniel",
    "Elena",
    "Fatima",
    "Grace",
    "Hannah",
    "Ibrahim",
    "Jia",
    "Kwame",
    "Leila",
    "Mei",
    "Mohammed",
    "Nadia",
    "Oliver",
    "Priya",
    "Rahul",
    "Sara",
    "Tomasz",
    "Uche",
    "Wei",
    "Yusuf",
    "Zara",
    "Anna",
    "Marta",
    "Lucas",
    "Sofia",
    "Mateo",
    "Ines",
    "Kofi",
    "Abena",
    "Ravi",
    "Deepa",
    "Arjun",
    "Nikhil",
    "Meera",
    "Olu",
    "Tunde",
    "Ngozi",
    "Chen",
    "Li",
    "Ming",
    "Thanh",
    "Linh",
    "Jose",
    "Maria",
    "Pedro",
    "Carmen",
    "Ana",
    "Piotr",
    "Ewa",
    "Jan",
    "Olga",
    "Ivan",
]
NATIONALITIES = ("Indian", "Nigerian", "Filipino", "Pakistani", "Chinese", "Zimbabwean", "Ghanaian", "American")
TOWNS = (
    "London", "Leeds", "Manchester", "Birmingham", "Glasgow", "Cardiff", "Belfast", "Bristol", "Norwich",
    "Newcastle", "Sheffield", "Nottingham", "Edinburgh", "Aberdeen", "Swansea", "Derry", "York", "Exeter",
)  # fmt: skip
WORDS = [
    "Acme",
    "Albion",
    "Apex",
    "Beacon",
    "Bright",
    "Castle",
    "Cedar",
    "Crown",
    "Delta",
    "Eagle",
    "Elm",
    "Falcon",
    "Forge",
    "Granite",
    "Harbour",
    "Heron",
    "Iron",
    "Kestrel",
    "Lark",
    "Maple",
    "Meridian",
    "Mill",
    "Northern",
    "Oak",
    "Orbit",
    "Pennine",
    "Phoenix",
    "Quay",
    "Raven",
    "River",
    "Saxon",
    "Severn",
    "Summit",
    "Thames",
    "Tower",
    "Trent",
    "Unity",
    "Vale",
    "Vertex",
    "Vista",
    "Willow",
    "Wren",
    "Yew",
    "Zenith",
    "Care",
    "Engineering",
    "Software",
    "Foods",
    "Logistics",
    "Health",
]
SUFFIXES = ("Ltd", "Limited", "plc", "LLP", "Group Ltd", "Care Ltd", "Services Ltd", "Trust", "College", "Partners")


def family_of(person_index: int) -> str:
    return FAMILY_NAMES[(person_index * 7919) % len(FAMILY_NAMES)]


def given_of(person_index: int) -> str:
    return GIVEN_NAMES[(person_index * 104_729) % len(GIVEN_NAMES)]


# --- writing rows ------------------------------------------------------------------------------


class Table:
    """One model's table: its columns and how to fill those a caller does not give."""

    def __init__(self, model: type[models.Model], given: Iterable[str]):
        self.model = model
        self.given = list(given)
        # A generated column (Obligation.closed) is the database's to compute: never written.
        fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        by_name = {f.attname: f for f in fields}
        unknown = set(self.given) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        self.fillers: list[tuple[str, Callable[[], object]]] = []
        for f in fields:
            if f.attname in self.given or f.primary_key:  # a key not given is the database's to number
                continue
            self.fillers.append((f.attname, self._filler(f)))
        self.attnames = self.given + [name for name, _ in self.fillers]
        self.columns = [by_name[name].column for name in self.attnames]

    @staticmethod
    def _filler(f) -> Callable[[], object]:
        if isinstance(f, models.UUIDField) and f.default is uuid.uuid4:
            return uuid.uuid4
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            moment = timezone.now()
            return lambda: moment
        if f.has_default():
            default = f.default
            if callable(default):
                value = default()
                if isinstance(value, (dict, list)):
                    return lambda: value
                raise ValueError(f"{f.model.__name__}.{f.name} needs a value per row")
            return lambda: default
        if f.null:
            return lambda: None
        if f.blank and isinstance(f, (models.CharField, models.TextField)):
            return lambda: ""
        raise ValueError(f"{f.model.__name__}.{f.name} needs a value")

    def complete(self, row: tuple) -> tuple:
        if not self.fillers:
            return row
        return row + tuple(fill() for _, fill in self.fillers)


class BulkWriter:
    """Writes rows table by table: COPY on PostgreSQL, batched INSERTs elsewhere."""

    BATCH = 20_000

    def __init__(self):
        self.vendor = connection.vendor
        self.next_id: dict[type, int] = {}
        self.counts: dict[str, int] = {}

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of ``count`` new primary keys for ``model``, none of them in use."""
        if model not in self.next_id:
            current = model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self.next_id[model] = current + 1
        first = self.next_id[model]
        self.next_id[model] += count
        return first

    def write(self, model: type[models.Model], given: Iterable[str], rows: Iterable[tuple]) -> int:
        table = Table(model, given)
        written = 0
        if self.vendor == "postgresql":
            columns = ", ".join(connection.ops.quote_name(column) for column in table.columns)
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(_pg_value_row(table.complete(row)))
                    written += 1
        else:
            prepared = [self._preparer(model, name) for name in table.attnames]
            placeholders = ", ".join("%s" for _ in table.columns)
            columns = ", ".join(connection.ops.quote_name(column) for column in table.columns)
            sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            batch = []
            with transaction.atomic(), connection.cursor() as cursor:
                for row in rows:
                    full = table.complete(row)
                    batch.append([prepare(value) for prepare, value in zip(prepared, full, strict=True)])
                    if len(batch) >= self.BATCH:
                        cursor.executemany(sql, batch)
                        written += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    written += len(batch)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + written
        return written

    @staticmethod
    def _preparer(model, attname) -> Callable[[object], object]:
        f = next(f for f in model._meta.concrete_fields if f.attname == attname)
        if isinstance(f, models.JSONField):
            return lambda value: value if value is None or isinstance(value, str) else json.dumps(value)
        if isinstance(f, (models.ForeignKey, models.AutoField)):
            return lambda value: value
        return lambda value: f.get_db_prep_value(value, connection, prepared=False)

    def finish(self) -> None:
        """Move each sequence past the identifiers given here."""
        if self.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows the largest id inserted
        with connection.cursor() as cursor:
            for model in self.next_id:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))",  # noqa: S608
                    [table],
                )


def _pg_value_row(row: tuple) -> tuple:
    return tuple(json.dumps(value) if isinstance(value, (dict, list)) else value for value in row)


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class SponsorPlan:
    """One sponsor and the identifiers of everything it will own."""

    index: int
    name: str
    workers: int
    large: bool = False
    student: bool = False
    id: int = 0
    user_ids: list[int] = field(default_factory=list)
    routes: list[tuple[str, str]] = field(default_factory=list)
    licence_status: str = Licence.Status.ACTIVE
    licence_start: date | None = None
    nation: str = "england-and-wales"
    town: str = "London"
    size: str = "large"
    # {(year_start, category): [id, year_end, granted, used]}
    allocations: dict = field(default_factory=dict)
    person_first: int = 0
    certificate_first: int = 0
    certificates: int = 0
    drafts_ready: int = 0
    audit_rows: int = 0


def worker_counts(rng: random.Random, sponsors: int, workers: int) -> list[int]:
    """Skewed sponsor sizes: most sponsor a handful of people, a few sponsor thousands (Pareto)."""
    if sponsors == 0:
        return []
    raw = [rng.paretovariate(1.1) - 1 for _ in range(sponsors)]
    raw = [min(value, 400.0) for value in raw]
    scale = workers / (sum(raw) or 1)
    counts = [int(value * scale) for value in raw]
    shortfall = workers - sum(counts)
    order = sorted(range(sponsors), key=lambda i: raw[i] * scale - counts[i], reverse=True)
    for i in range(max(0, shortfall)):
        counts[order[i % sponsors]] += 1
    return counts


class LoadData:
    """Builds the whole population; ``run()`` writes it and returns the counts by model."""

    def __init__(self, sizes: Sizes = Sizes(), *, password: str = DEFAULT_PASSWORD, log=print):
        self.sizes = sizes
        self.rng = random.Random(sizes.seed)  # noqa: S311 - reproducible test data, not a secret
        self.today = timezone.localdate()
        self.now = timezone.now().replace(microsecond=0)
        self.writer = BulkWriter()
        self.password_hash = make_password(password)
        self.log = log
        self.started = time.monotonic()

    def _say(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:6.1f}s] {message}")

    # The order matters: every table's rows name only rows written before them.
    def run(self) -> dict[str, int]:
        if Sponsor.objects.exists():
            raise RuntimeError("generate_load_data fills an empty database: this one already has sponsors")
        self.plans = self._plan()
        self._say(f"planned {len(self.plans)} sponsors, {sum(p.workers for p in self.plans)} workers")
        self._sponsors()
        self._users()
        self._licences()
        self._allocations()
        self._certificates_and_people()
        self._facts_and_obligations()
        self._audit()
        self.writer.finish()
        self._settle()
        self._say("done")
        return dict(self.writer.counts)

    def _settle(self) -> None:
        """PostgreSQL: VACUUM ANALYZE, so the data is measured as a live service's would be after its
        autovacuum (planner statistics, the visibility map that index-only scans rely on), not in the
        state just after a bulk load."""
        if connection.vendor != "postgresql" or not connection.get_autocommit():
            return  # VACUUM cannot run inside a transaction (the tests wrap each test in one)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self._say("vacuumed and analysed")

    def _plan(self) -> list[SponsorPlan]:
        s = self.sizes
        plans = [
            SponsorPlan(index=0, name=LARGE_SPONSOR_NAME, workers=s.large_workers, large=True),
            SponsorPlan(index=1, name=MEDIUM_SPONSOR_NAME, workers=s.medium_workers, large=True),
        ]
        for offset, workers in enumerate(worker_counts(self.rng, s.sponsors, s.national_workers)):
            index = offset + 2
            words = self.rng.sample(WORDS, 2)
            name = f"{words[0]} {words[1]} {self.rng.choice(SUFFIXES)} {index}"
            plans.append(SponsorPlan(index=index, name=name, workers=workers, student=self.rng.random() < 0.08))
        first = self.writer.reserve(Sponsor, len(plans))
        for offset, plan in enumerate(plans):
            plan.id = first + offset
        return plans

    def _sponsors(self) -> None:
        rng = self.rng
        created = self.now - timedelta(days=self.sizes.history_days)
        rows = []
        for plan in self.plans:
            plan.town = rng.choice(TOWNS)
            plan.size = "large" if plan.workers > 5 or rng.random() < 0.4 else "small"
            plan.nation = rng.choices(("england-and-wales", "scotland", "northern-ireland"), (88, 9, 3))[0]
            rows.append((plan.id, plan.name, plan.size, f"1 High Street\n{plan.town}", plan.town, created, created))
        fields = ("id", "name", "size", "registered_address", "town", "created_at", "updated_at")
        self.writer.write(Sponsor, fields, rows)
        self._say(f"{len(rows)} sponsors")

    def _users(self) -> None:
        """Level 1 and Level 2 users (more for bigger sponsors) and a Home Office officer."""
        counts = [1 + min(40, plan.workers // 250) + (1 if self.rng.random() < 0.3 else 0) for plan in self.plans]
        first = self.writer.reserve(User, sum(counts) + 1)
        self.home_office_user_id = first + sum(counts)
        unusable = "!" + "x" * 40  # no password: these accounts never sign in
        rows = []
        next_id = first
        for plan, count in zip(self.plans, counts, strict=True):
            for n in range(count):
                user_id = next_id
                next_id += 1
                plan.user_ids.append(user_id)
                email = f"user{n}@sponsor{plan.index}.example"
                password = unusable
                if n == 0 and plan.index in (0, 1):
                    email = LARGE_LEVEL_1 if plan.index == 0 else MEDIUM_LEVEL_1
                    password = self.password_hash
                level = User.Level.LEVEL_1 if n == 0 else User.Level.LEVEL_2
                rows.append((user_id, email, unique_code("U", 9, user_id), given_of(user_id), family_of(user_id),
                             "sponsor", plan.id, level, "", password, self.now, self.now))  # fmt: skip
        rows.append((self.home_office_user_id, HOME_OFFICE_USER, unique_code("U", 9, self.home_office_user_id),
                     "Casey", "Officer", "home_office", None, "", "compliance_officer", self.password_hash,
                     self.now, self.now))  # fmt: skip
        fields = ("id", "email", "user_id", "given_name", "family_name", "kind", "sponsor_id", "level", "staff_role",
                  "password", "date_joined", "activated_at")  # fmt: skip
        self.writer.write(User, fields, rows)
        self._say(f"{len(rows)} users")

    def _licences(self) -> None:
        rng = self.rng
        worker_routes = [Route.SKILLED_WORKER] * 8 + [Route.GBM_SENIOR_SPECIALIST, Route.CHARITY_WORKER,
                                                       Route.CREATIVE_WORKER, Route.SEASONAL_WORKER]  # fmt: skip
        first_licence = self.writer.reserve(Licence, len(self.plans))
        licences, routes, people = [], [], []
        statuses = (("active", 92), ("suspended", 1), ("revoked", 2), ("surrendered", 2), ("expired", 3))
        for offset, plan in enumerate(self.plans):
            if plan.large:
                plan.licence_status = Licence.Status.ACTIVE
                plan.licence_start = self.today - timedelta(days=3 * 365 + 40)
                plan.routes = [(Route.SKILLED_WORKER, Rating.A), (Route.GBM_SENIOR_SPECIALIST, Rating.A)]
            else:
                plan.licence_status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
                plan.licence_start = self.today - timedelta(days=rng.randint(60, 3600))
                if plan.student:
                    plan.routes = [(Route.STUDENT, Rating.A)]
                else:
                    held = {rng.choice(worker_routes) for _ in range(rng.choice((1, 1, 2, 3)))}
                    plan.routes = [(route, Rating.B if rng.random() < 0.04 else Rating.A) for route in sorted(held)]
            start = plan.licence_start
            expiry = start + relativedelta(years=10) - timedelta(days=1)
            if plan.licence_status == Licence.Status.EXPIRED:
                expiry = self.today - timedelta(days=rng.randint(1, 300))
                start = expiry - relativedelta(years=10) + timedelta(days=1)
                plan.licence_start = start
            ended = plan.licence_status != Licence.Status.ACTIVE
            licences.append((first_licence + offset, plan.id, licence_number_of(plan.index), plan.licence_status,
                             start, expiry, ended and self.today - timedelta(days=rng.randint(1, 200)) or None,
                             plan.nation, self.now, self.now))  # fmt: skip
            for route, rating in plan.routes:
                routes.append((first_licence + offset, route, rating, start, self.now, self.now))
            people.append((plan.id, KeyPersonRole.AUTHORISING_OFFICER, given_of(plan.index), family_of(plan.index),
                           f"ao@sponsor{plan.index}.example", "Director", True, True, True, start,
                           self.now, self.now))  # fmt: skip
        self.writer.write(Licence, ("id", "sponsor_id", "number", "status", "start_date", "expiry_date",
                                    "status_changed_on", "nation", "created_at", "updated_at"), licences)  # fmt: skip
        self.writer.write(LicenceRoute, ("licence_id", "route", "rating", "granted_on", "created_at", "updated_at"),
                          routes)  # fmt: skip
        self.writer.write(KeyPerson, ("sponsor_id", "role", "given_name", "family_name", "email", "job_title",
                                      "declared_uk_based", "declared_no_unspent_convictions", "declared_not_bankrupt",
                                      "start_date", "created_at", "updated_at"), people)  # fmt: skip
        self._say(f"{len(licences)} licences, {len(routes)} routes")

    def _allocations(self) -> None:
        """This year's and last year's allocation for each category the licence holds; ``used`` is
        filled in once the certificates are placed, before anything is written."""
        for plan in self.plans:
            this_year = allocation_year(self.today, granted_on=plan.licence_start)
            last_year = allocation_year(this_year.start - timedelta(days=1), granted_on=plan.licence_start)
            for category in sorted({ROUTE_CATEGORY[route] for route, _ in plan.routes}):
                for year in (last_year, this_year):
                    if year.end < plan.licence_start:
                        continue
                    plan.allocations[(year.start, category)] = [0, year.end, 0, 0]

    def _allocation_for(self, plan: SponsorPlan, category: str, on: date) -> list | None:
        for (start, cat), values in plan.allocations.items():
            if cat == category and start <= on <= values[1]:
                return values
        return None

    def _certificates_and_people(self) -> None:
        """A certificate for every worker (used, or assigned for one still to start) and others in
        every status; a register entry for every worker, linked to their certificate."""
        rng = self.rng
        total_people = sum(plan.workers for plan in self.plans)
        extra_share = CERTIFICATES_PER_WORKER - 1
        for plan in self.plans:
            extra = round(plan.workers * extra_share) + (1 if rng.random() < 0.3 else 0)
            plan.drafts_ready = self.sizes.ready_drafts if plan.index == 0 else 0
            plan.certificates = plan.workers + extra + plan.drafts_ready
        first_cert = self.writer.reserve(Certificate, sum(plan.certificates for plan in self.plans))
        first_person = self.writer.reserve(SponsoredPerson, total_people)
        next_cert, next_person = first_cert, first_person
        for plan in self.plans:
            plan.certificate_first, plan.person_first = next_cert, next_person
            next_cert += plan.certificates
            next_person += plan.workers

        # Allocation ids are reserved now; their rows are written after the counts are known.
        allocation_count = sum(len(plan.allocations) for plan in self.plans)
        next_allocation = self.writer.reserve(Allocation, allocation_count)
        for plan in self.plans:
            for values in plan.allocations.values():
                values[0] = next_allocation
                next_allocation += 1

        self.person_states: dict[int, tuple] = {}
        certificate_rows: list[tuple] = []
        person_rows: list[tuple] = []
        for plan in self.plans:
            self._plan_certificates(plan, certificate_rows, person_rows)
        allocation_rows = []
        for plan in self.plans:
            for (start, category), (allocation_id, end, _granted, used) in plan.allocations.items():
                headroom = max(5, used // 5) + (self.sizes.ready_drafts + 50 if plan.index == 0 else 0)
                allocation_rows.append((allocation_id, plan.id, start, end, category, used + headroom, used,
                                        self.now, self.now))  # fmt: skip
        self.writer.write(Allocation, ("id", "sponsor_id", "year_start", "year_end", "category", "granted", "used",
                                       "created_at", "updated_at"), allocation_rows)  # fmt: skip
        self.writer.write(Certificate, CERTIFICATE_FIELDS, certificate_rows)
        del certificate_rows
        self.writer.write(SponsoredPerson, PERSON_FIELDS, person_rows)
        self._say(
            f"{len(allocation_rows)} allocations, {next_cert - first_cert} certificates, {len(person_rows)} people"
        )

    def _plan_certificates(self, plan: SponsorPlan, certificate_rows: list, person_rows: list) -> None:
        rng = self.rng
        today = self.today
        created_by = plan.user_ids
        cert_id = plan.certificate_first
        worker_routes = [route for route, _ in plan.routes if ROUTE_CATEGORY[route] != Category.STUDENT]
        kind_route = worker_routes or [Route.STUDENT]
        earliest = max(plan.licence_start, today - timedelta(days=self.sizes.history_days))
        span = max(1, (today - earliest).days - 10)

        def certificate(status: str, route: str, person_index: int, assigned_on: date | None, *, ready=False):
            nonlocal cert_id
            this_id = cert_id
            cert_id += 1
            category = ROUTE_CATEGORY[route]
            is_cas = category == Category.STUDENT
            allocation = None
            if status != Certificate.Status.DRAFT and assigned_on is not None:
                allocation = self._allocation_for(plan, category, assigned_on)
                if allocation is None:  # before the oldest allocation kept: a year no longer shown
                    assigned_on = max(assigned_on, min(start for start, _ in plan.allocations))
                    allocation = self._allocation_for(plan, category, assigned_on)
                if allocation is not None:
                    allocation[3] += 1
            if ready:
                start = today + timedelta(days=30)
            else:
                start = (assigned_on or today) + timedelta(days=rng.randint(14, 80))
            end = start + THREE_YEARS
            reference = unique_code("C", 11, this_id) if status != Certificate.Status.DRAFT else None
            assigned_at = datetime.combine(assigned_on, datetime.min.time(), UTC) if assigned_on and reference else None
            closed = status in (Certificate.Status.WITHDRAWN, Certificate.Status.EXPIRED, Certificate.Status.CANCELLED)
            created = assigned_at or (self.now - timedelta(days=rng.randint(0, 20)))
            certificate_rows.append((
                this_id, uuid.uuid4(), plan.id, "cas" if is_cas else "cos", "undefined", status, reference,
                family_of(person_index), given_of(person_index), rng.choice(NATIONALITIES),
                date(1975 + person_index % 25, 1 + person_index % 12, 1 + person_index % 28),
                f"P{person_index:08d}", route, "Nurse" if not is_cas else "", "2231" if not is_cas else "",
                "Provides care on a hospital ward" if not is_cas else "",
                4_200_000 if not is_cas else None, Decimal("37.5") if not is_cas else None, start, end,
                f"1 Hospital Road\n{plan.town}",
                created_by[person_index % len(created_by)], created_by[0] if reference else None, assigned_at,
                (assigned_on + (CAS_VALIDITY if is_cas else COS_VALIDITY)) if reference else None,
                allocation[0] if allocation else None, (0 if is_cas else 52_500) if reference else None,
                0 if reference else None, assigned_at + timedelta(days=rng.randint(1, 60)) if closed else None,
                created, created,
            ))  # fmt: skip
            return this_id

        for n in range(plan.workers):
            person_id = plan.person_first + n
            route = rng.choice(kind_route)
            student = ROUTE_CATEGORY[route] == Category.STUDENT
            roll = rng.random()
            sweepable = roll < self.sizes.sweepable_share
            if sweepable:
                status = SponsoredPerson.Status.EXPECTED
            elif roll < 0.70:
                status = SponsoredPerson.Status.ACTIVE
            elif roll < 0.88:
                status = SponsoredPerson.Status.LEFT
            elif roll < 0.97:
                status = SponsoredPerson.Status.EXPECTED
            else:
                status = SponsoredPerson.Status.DID_NOT_START
            if status == SponsoredPerson.Status.EXPECTED and not sweepable:
                assigned_on = today - timedelta(days=rng.randint(1, 40))
                cert_status = Certificate.Status.ASSIGNED
            else:
                assigned_on = earliest + timedelta(days=rng.randint(0, span))
                cert_status = Certificate.Status.USED
            if sweepable:
                assigned_on = today - timedelta(days=rng.randint(60, 120))
            cert = certificate(cert_status, route, person_id, assigned_on)
            expected_start = assigned_on + timedelta(days=rng.randint(14, 45))
            if sweepable:
                window_end = today - timedelta(days=rng.randint(1, 20))
                expected_start = window_end - timedelta(days=28)
            else:
                window_end = expected_start + timedelta(days=28)
            started = status in (SponsoredPerson.Status.ACTIVE, SponsoredPerson.Status.LEFT)
            confirmed = expected_start if started else None
            left_on = None
            if status == SponsoredPerson.Status.LEFT:
                left_on = min(today - timedelta(days=1), expected_start + timedelta(days=rng.randint(30, 600)))
            self.person_states[person_id] = (plan.index, status, expected_start, left_on, student)
            person_rows.append((
                person_id, uuid.uuid4(), plan.id, cert, "student" if student else "worker", status,
                family_of(person_id), given_of(person_id), rng.choice(NATIONALITIES), f"P{person_id:08d}",
                f"E{n:06d}", "" if student else "Nurse", "" if student else "2231",
                None if student else 4_200_000, None if student else Decimal("37.5"), expected_start, confirmed,
                assigned_on + timedelta(days=10), left_on,
                None if (confirmed or status == SponsoredPerson.Status.DID_NOT_START or student) else window_end,
                (expected_start + timedelta(days=30)) if student else None, confirmed if student else None,
                created_by[n % len(created_by)], self.now, self.now,
            ))  # fmt: skip

        extra = plan.certificates - plan.workers - plan.drafts_ready
        others = [(Certificate.Status.DRAFT, 5), (Certificate.Status.ASSIGNED, 3), (Certificate.Status.WITHDRAWN, 4),
                  (Certificate.Status.EXPIRED, 4), (Certificate.Status.CANCELLED, 2)]  # fmt: skip
        for n in range(extra):
            status = rng.choices([s for s, _ in others], [w for _, w in others])[0]
            if status == Certificate.Status.DRAFT:
                assigned_on = None
            elif status == Certificate.Status.ASSIGNED:
                assigned_on = today - timedelta(days=rng.randint(1, 60))
            else:
                assigned_on = earliest + timedelta(days=rng.randint(0, max(1, span - 100)))
            certificate(status, rng.choice(kind_route), plan.person_first + plan.workers + n + 10_000_000, assigned_on)
        for n in range(plan.drafts_ready):
            certificate(Certificate.Status.DRAFT, Route.SKILLED_WORKER, 20_000_000 + n, None, ready=True)

    def _facts_and_obligations(self) -> None:
        """Facts about each worker over time, and the obligations the reportable ones opened, in every
        status (most reported, on time or late; some open, some overdue; a few cancelled)."""
        rng = self.rng
        today = self.today
        plan_of = {plan.index: plan for plan in self.plans}
        facts, obligations = [], []
        fact_id = self.writer.reserve(Fact, 0)
        obligation_id = self.writer.reserve(Obligation, 0)
        extra_facts = FACTS_PER_WORKER - 1.6  # start confirmed (and the leaver's last day) come first
        reportable_kinds = (Fact.Kind.SALARY_CHANGE, Fact.Kind.ROLE_CHANGE, Fact.Kind.LOCATION_CHANGE)
        statuses = (("reported_on_time", 70), ("reported_late", 10), ("open", 12), ("cancelled", 8))
        # Each reportable fact opens an obligation; this share of the other facts is reportable so
        # that obligations come to OBLIGATIONS_PER_WORKER.
        reportable_share = 0.135

        def obligation(plan, person_id, fact, event, trigger, key):
            nonlocal obligation_id
            status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
            legal = trigger + timedelta(days=14)
            target = trigger + timedelta(days=7)
            if status == "open" and rng.random() < 0.5:
                trigger = min(trigger, today - timedelta(days=30))  # overdue
                legal, target = trigger + timedelta(days=14), trigger + timedelta(days=7)
            elif status == "open":
                trigger = today - timedelta(days=rng.randint(0, 5))
                legal, target = trigger + timedelta(days=14), trigger + timedelta(days=7)
            reported_at = None
            report = {}
            if status.startswith("reported"):
                day = (
                    legal - timedelta(days=rng.randint(0, 10))
                    if status == "reported_on_time"
                    else legal + timedelta(days=rng.randint(1, 20))
                )
                day = min(day, today)
                reported_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
                report = {"details": "Reported through the service"}
            obligations.append((
                obligation_id, uuid.uuid4(), plan.id, person_id, fact, event, status, trigger, legal, target, key,
                report, plan.user_ids[0] if reported_at else None, reported_at,
                "Recorded in error" if status == "cancelled" else "", self.now, self.now,
            ))  # fmt: skip
            obligation_id += 1

        for person_id, (plan_index, status, started, left_on, student) in self.person_states.items():
            plan = plan_of[plan_index]
            recorder = plan.user_ids[person_id % len(plan.user_ids)]
            if status == SponsoredPerson.Status.DID_NOT_START:
                if student:
                    obligation(
                        plan,
                        person_id,
                        None,
                        "student_not_enrolled",
                        started + timedelta(days=30),
                        f"person:{person_id}:not_enrolled",
                    )
                else:
                    obligation(
                        plan,
                        person_id,
                        None,
                        "worker_did_not_start",
                        started + timedelta(days=28),
                        f"person:{person_id}:did_not_start",
                    )
            if status not in (SponsoredPerson.Status.ACTIVE, SponsoredPerson.Status.LEFT):
                continue
            until = left_on or today
            kind = Fact.Kind.ENROLLED if student else Fact.Kind.START_CONFIRMED
            facts.append((fact_id, uuid.uuid4(), plan.id, person_id, kind, started, None, None, "", "", "", None, "",
                          recorder, self.now, self.now))  # fmt: skip
            fact_id += 1
            count = int(extra_facts) + (1 if rng.random() < extra_facts % 1 else 0)
            for _ in range(count):
                day = started + timedelta(days=rng.randint(0, max(0, (until - started).days)))
                if student or rng.random() > reportable_share:
                    facts.append((fact_id, uuid.uuid4(), plan.id, person_id, Fact.Kind.ABSENCE, day,
                                  day + timedelta(days=rng.randint(0, 10)), True, "full", "", "", None,
                                  "Annual leave", recorder, self.now, self.now))  # fmt: skip
                else:
                    kind = rng.choice(reportable_kinds)
                    facts.append((fact_id, uuid.uuid4(), plan.id, person_id, kind, day, None, None, "", "", "",
                                  4_400_000 if kind == Fact.Kind.SALARY_CHANGE else None,
                                  "" if kind == Fact.Kind.SALARY_CHANGE else "New value", recorder, self.now,
                                  self.now))  # fmt: skip
                    event = {Fact.Kind.SALARY_CHANGE: "salary_change", Fact.Kind.ROLE_CHANGE: "role_change",
                             Fact.Kind.LOCATION_CHANGE: "work_location_change"}[kind]  # fmt: skip
                    obligation(plan, person_id, fact_id, event, day, f"fact:{fact_id}")
                fact_id += 1
            if left_on is not None:
                facts.append((fact_id, uuid.uuid4(), plan.id, person_id, Fact.Kind.EMPLOYMENT_ENDED, left_on, None,
                              None, "", "", "resignation", None, "", recorder, self.now, self.now))  # fmt: skip
                obligation(plan, person_id, fact_id, "employment_ended", left_on, f"fact:{fact_id}")
                fact_id += 1
        self.writer.reserve(Fact, len(facts))
        self.writer.reserve(Obligation, len(obligations))
        self.writer.write(Fact, FACT_FIELDS, facts)
        self.writer.write(Obligation, OBLIGATION_FIELDS, obligations)
        self._say(f"{len(facts)} facts, {len(obligations)} obligations")

    # --- the audit trail ---------------------------------------------------------------------------

    def _audit(self) -> None:
        """The audit trail in time order, with each sponsor's rows in proportion to its size, and
        the Home Office's own chain; every row hashed onto its chain as ``audit.record`` would."""
        s = self.sizes
        for plan in self.plans:
            plan.audit_rows = 0
        national = [plan for plan in self.plans if not plan.large]
        national_workers = sum(plan.workers for plan in national) or 1
        # About 8 events a sponsor however small (sign-ins, licence and route events), the rest by size.
        base = min(8.0, s.national_audit * 0.4 / max(1, len(national)))
        per_worker = max(0.0, (s.national_audit - base * len(national)) / national_workers)
        weights = []
        for plan in self.plans:
            weights.append(plan.workers * AUDIT_PER_WORKER if plan.large else base + per_worker * plan.workers)
        home_office_share = 0.02
        total = int(sum(weights) / (1 - home_office_share))
        cumulative = []
        running = 0.0
        for weight in weights:
            running += weight
            cumulative.append(running)
        cumulative.append(running / (1 - home_office_share))  # the last slot is the Home Office chain

        key_id, secret = keys.current()
        heads = {head.chain: head for head in AuditChainHead.objects.all()}
        last_hash = {chain: head.head_hash for chain, head in heads.items()}
        length = {chain: head.length for chain, head in heads.items()}
        head_id: dict[str, int] = {}
        latest = AuditEvent.objects.order_by("-id").values_list("occurred_at", flat=True).first()
        start = self.now - timedelta(days=s.history_days)
        if latest is not None and latest >= start:
            start = latest + timedelta(seconds=1)
        span_us = max(total, int((self.now - start) / timedelta(microseconds=1)) - 1)
        first_id = self.writer.reserve(AuditEvent, total)
        rng = self.rng
        plans = self.plans
        verbs = AUDIT_VERBS
        verb_weights = [w for *_, w in verbs]
        home_office_verbs = HOME_OFFICE_VERBS
        step = span_us / total
        start_us = int((start - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))

        prefix = _field(FORMAT)

        def rows() -> Iterator[tuple]:
            choices = rng.choices(range(len(cumulative)), cum_weights=cumulative, k=total)
            verb_picks = rng.choices(range(len(verbs)), cum_weights=None, weights=verb_weights, k=total)
            previous_us = start_us
            for n in range(total):
                row_id = first_id + n
                occurred_us = max(previous_us + 1, start_us + int(n * step) + rng.randint(0, max(0, int(step) - 1)))
                previous_us = occurred_us
                slot = choices[n]
                if slot == len(plans):
                    sponsor_id = None
                    actor_id = self.home_office_user_id
                    actor_label = HOME_OFFICE_USER
                    verb, target_type, target_id, target_label, payload = home_office_verbs[n % len(home_office_verbs)]
                    if target_type == "accounts.user":
                        target_id = str(actor_id)
                    ip = "10.20.0.5"
                else:
                    plan = plans[slot]
                    sponsor_id = plan.id
                    actor_id = plan.user_ids[n % len(plan.user_ids)]
                    actor_label = f"user{n % len(plan.user_ids)}@sponsor{plan.index}.example"
                    if actor_id == plan.user_ids[0] and plan.index in (0, 1):
                        actor_label = LARGE_LEVEL_1 if plan.index == 0 else MEDIUM_LEVEL_1
                    verb, target_kind, payload = verbs[verb_picks[n]][:3]
                    target_type, target_id, target_label = self._target(plan, target_kind, actor_id, actor_label, n)
                    ip = f"81.2.{plan.index % 250}.{n % 250 + 1}"
                payload_json = canonical_payload(payload)
                chain = chain_key(sponsor_id)
                previous = last_hash.get(chain, GENESIS_HASH)
                parts = (previous, key_id, sponsor_id, actor_id, actor_label, verb, target_type, target_id,
                         target_label, payload_json, occurred_us, ip)  # fmt: skip
                message = (prefix + "".join(_field(part) for part in parts)).encode()
                if n < 50:  # the fast path builds exactly the chain's own message
                    fields = dict(zip(("key_id", *HASHED_FIELDS[1:]), parts[1:], strict=True))
                    assert message == event_message(previous_hash=previous, fields=fields)
                digest = hmac.new(secret, message, hashlib.sha256).hexdigest()
                last_hash[chain] = digest
                length[chain] = length.get(chain, 0) + 1
                head_id[chain] = row_id
                occurred_at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=occurred_us)
                yield (row_id, sponsor_id, actor_id, actor_label, verb, target_type, target_id, target_label,
                       payload_json, occurred_at, ip, key_id, previous, digest)  # fmt: skip
                if n and n % 500_000 == 0:
                    self._say(f"  {n} audit rows")

        self.writer.write(AuditEvent, AUDIT_FIELDS, rows())
        new_heads, changed = [], []
        for chain, row_id in head_id.items():
            signature = sign(
                secret, head_message(chain=chain, length=length[chain], head_id=row_id, head_hash=last_hash[chain])
            )
            if chain in heads:
                head = heads[chain]
                head.length, head.head_id, head.head_hash = length[chain], row_id, last_hash[chain]
                head.key_id, head.signature = key_id, signature
                changed.append(head)
            else:
                new_heads.append((chain, length[chain], row_id, last_hash[chain], key_id, signature))
        AuditChainHead.objects.bulk_update(changed, ["length", "head_id", "head_hash", "key_id", "signature"])
        self.writer.write(AuditChainHead, ("chain", "length", "head_id", "head_hash", "key_id", "signature"), new_heads)
        self._say(f"{total} audit rows in {len(head_id)} chains")

    def _target(self, plan: SponsorPlan, kind: str, actor_id: int, actor_label: str, n: int) -> tuple:
        if kind == "certificate" and plan.certificates:
            cert_id = plan.certificate_first + n % plan.certificates
            return "certificates.certificate", str(cert_id), f"{unique_code('C', 11, cert_id)}: worker {cert_id}"
        if kind == "person" and plan.workers:
            person_id = plan.person_first + n % plan.workers
            return "reporting.sponsoredperson", str(person_id), f"{given_of(person_id)} {family_of(person_id)}"
        if kind == "user":
            return "accounts.user", str(actor_id), actor_label
        return "accounts.sponsor", str(plan.id), plan.name


# Columns in the order the row builders above give them.
CERTIFICATE_FIELDS = (
    "id", "uuid", "sponsor_id", "kind", "sponsorship", "status", "reference", "family_name", "given_names",
    "nationality", "date_of_birth", "passport_number", "route", "job_title", "soc_code", "job_summary",
    "salary_pence", "weekly_hours", "start_date", "end_date", "work_address", "created_by_id", "assigned_by_id",
    "assigned_at", "expires_on", "allocation_id", "fee_pence", "skills_charge_pence", "closed_at", "created_at",
    "updated_at",
)  # fmt: skip
PERSON_FIELDS = (
    "id", "uuid", "sponsor_id", "certificate_id", "kind", "status", "family_name", "given_names", "nationality",
    "passport_number", "employee_number", "job_title", "soc_code", "salary_pence", "weekly_hours", "expected_start",
    "confirmed_start", "visa_granted_on", "left_on", "start_window_ends", "enrolment_deadline", "enrolled_on",
    "created_by_id", "created_at", "updated_at",
)  # fmt: skip
FACT_FIELDS = (
    "id", "uuid", "sponsor_id", "person_id", "kind", "start_date", "end_date", "authorised", "pay", "leave_reason",
    "end_reason", "new_salary_pence", "new_value", "recorded_by_id", "created_at", "updated_at",
)  # fmt: skip
OBLIGATION_FIELDS = (
    "id", "uuid", "sponsor_id", "person_id", "fact_id", "event", "status", "trigger_date", "legal_deadline",
    "target_date", "source_key", "report", "reported_by_id", "reported_at", "cancel_reason", "created_at",
    "updated_at",
)  # fmt: skip
AUDIT_FIELDS = (
    "id", "sponsor_id", "actor_id", "actor_label", "verb", "target_type", "target_id", "target_label",
    "payload_json", "occurred_at", "ip_address", "key_id", "previous_hash", "hash",
)  # fmt: skip

# (verb, what it is about, payload, weight): what a sponsor's trail is mostly made of.
AUDIT_VERBS = (
    (Verb.SIGNED_IN, "user", {}, 30),
    (Verb.SIGNED_OUT, "user", {}, 12),
    (Verb.CERTIFICATE_DRAFTED, "certificate", {"route": "skilled_worker"}, 8),
    (Verb.CERTIFICATE_ASSIGNED, "certificate", {"route": "skilled_worker", "fee_pence": 52500}, 10),
    (Verb.CERTIFICATE_USED, "certificate", {"visa_decision": "granted"}, 6),
    (Verb.PERSON_REGISTERED, "person", {}, 8),
    (Verb.FACT_RECORDED, "person", {"kind": "absence", "start_date": "2026-03-02"}, 14),
    (Verb.OBLIGATION_OPENED, "person", {"event": "salary_change"}, 4),
    (Verb.OBLIGATION_REPORTED, "person", {"event": "salary_change", "on_time": True}, 4),
    (Verb.MFA_VERIFIED, "user", {}, 3),
    (Verb.SETTINGS_CHANGED, "sponsor", {"internal_target_working_days": {"before": 5, "after": 3}}, 1),
)
HOME_OFFICE_VERBS = (
    (Verb.SIGNED_IN, "accounts.user", "", HOME_OFFICE_USER, {}),
    (Verb.MESSAGE_POSTED, "", "", "", {"subject": "Changes to the Skilled Worker route"}),
    (Verb.FEE_RATE_ADDED, "", "", "", {"kind": "cos_worker", "amount_pence": 52500}),
    (Verb.SIGNED_OUT, "accounts.user", "", HOME_OFFICE_USER, {}),
)


def generate(sizes: Sizes = Sizes(), **kwargs) -> dict[str, int]:
    """Write the population described by ``sizes`` into the (empty, migrated) default database."""
    return LoadData(sizes, **kwargs).run()


__all__ = ["SMALL", "Sizes", "generate", "replace"]
