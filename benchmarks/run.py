"""``make bench``: load the issue-14 population into its own PostgreSQL database, serve it with
gunicorn (2 workers, production-like settings, DEBUG off) on 127.0.0.1, and measure every figure of
the issue against the floor (a signed-in static page) in the same run. Writes docs/benchmarks.md
and var/bench/results.json.

    python -m benchmarks.run [--small] [--reuse] [--rounds N] [--label TEXT]

Everything it starts (gunicorn) it stops, and every request has a time limit.
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sms_bench"


def _environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.bench", DEBUG="False")
    return env


def _manage(env: dict, *args: str, timeout: int = 3600) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark's own database (never any other)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    if not name.startswith("sms_bench"):
        raise RuntimeError("The benchmark recreates only a database whose name starts with sms_bench")
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class Gunicorn:
    """gunicorn serving the project on 127.0.0.1, started and stopped by the benchmark."""

    def __init__(self, env: dict, workers: int = 2, port: int | None = None):
        # A port free now (another program may hold any fixed one): the answer to /healthz must be ours.
        self.env, self.workers, self.port = env, workers, port or free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "config.wsgi", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "30", "--log-level", "warning"],
            env=self.env, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
        import http.client

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start (exit {self.process.returncode})")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group this benchmark started
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory, "load": os.getloadavg(),
            "system": platform.platform(), "python": platform.python_version()}  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="A small population (a quick check of the harness)")
    parser.add_argument("--reuse", action="store_true", help="Keep the database as it is (skip loading)")
    parser.add_argument("--rounds", type=int, default=25, help="Requests per page (the median is reported)")
    parser.add_argument("--label", default="", help="What this run measures (e.g. 'baseline: main at abc123')")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--generate-args",
        default="",
        help="Options for generate_load_data, e.g. '--sponsors 20000 --national-audit 400000'",
    )
    parser.add_argument("--skip-scaling", action="store_true", help="Skip the 1/2/4 worker throughput")
    args = parser.parse_args(argv)

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    env = _environment(database_url)
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.bench")
    results: dict = {"label": args.label, "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M UTC")}

    if not args.reuse:
        print("Creating the database and loading data...", flush=True)
        recreate_database(database_url)
        _manage(env, "migrate", "--no-input", "-v0")
        started = time.perf_counter()
        log = _manage(env, "generate_load_data", *(["--small"] if args.small else []), *args.generate_args.split())
        results["generation_seconds"] = time.perf_counter() - started
        results["generation_log"] = log
        print(log, flush=True)
    _manage(env, "collectstatic", "--no-input", "-v0")

    import django

    django.setup()
    from benchmarks import scenario

    results.update(scenario.run(env=env, gunicorn=Gunicorn, rounds=args.rounds, scaling=not args.skip_scaling))
    results["machine"]["load_after"] = os.getloadavg()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str))
    Path(args.output).write_text(scenario.render(results))
    print(f"Wrote {args.output} and {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
