"""
The benchmark: ``make bench``, or ``.venv/bin/python -m bench``.

For each dataset size (smallest first, in one PostgreSQL database the bench creates, migrates, grows and
drops) it serves the site with gunicorn under production settings, drives each reader page with wrk, cache
cold and then warm, counts each page's SQL queries in-process, and in the same run measures a bare Django
view (``bench/ceiling.py``) served the same way. It writes a Markdown report with the issue's targets
marked met or missed. Only 127.0.0.1 is contacted, on ports the system hands out.

Settings, from the environment (defaults in brackets):

    BENCH_SIZES [100,10000]   BENCH_DURATION [3] s per run   BENCH_ROUNDS [2]   BENCH_WARMUP [4] requests
    BENCH_CONNECTIONS [16]    BENCH_TIMEOUT [10] s           BENCH_WORKERS [2]
    BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/ivig_bench]
    BENCH_CACHE_URL [rediscache://127.0.0.1:6379/10]   BENCH_REPORT [bench/REPORT.md]
"""

import concurrent.futures
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from . import report

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
# Longest wait, in seconds, for gunicorn to work off the requests a run left queued before restarting it.
QUEUE_WAIT = 10
# Static files of pages the bench does not measure (the admin, its rich-text editor, the API's browsable pages and
# schema viewers): 7,400 of the 7,560 files, and most of collectstatic's time. A measured page that used one
# would answer 500, which the report shows.
UNMEASURED_STATIC = ("admin", "ckeditor", "rest_framework", "drf_spectacular_sidecar")


def setting(name, default):
    return os.environ.get(f"BENCH_{name}", default)


OPTIONS = {
    "sizes": [int(size) for size in setting("SIZES", "100,10000").split(",") if size.strip()],
    "duration": int(setting("DURATION", "3")),
    "rounds": int(setting("ROUNDS", "2")),
    "warmup": int(setting("WARMUP", "4")),
    "connections": int(setting("CONNECTIONS", "16")),
    "timeout": int(setting("TIMEOUT", "10")),
    "workers": int(setting("WORKERS", "2")),
    "database_url": setting("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ivig_bench"),
    "cache": setting("CACHE_URL", "rediscache://127.0.0.1:6379/10"),
    "report": Path(setting("REPORT", str(ROOT / "bench" / "REPORT.md"))),
}
STARTED = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - STARTED:6.0f} s] {message}", flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- The database ----------------------------------------------------------------------------------------------


def _server_connection(url):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    server = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    server.autocommit = True
    return server, parts.path.lstrip("/")


def recreate_database(url):
    from psycopg2 import sql

    server, name = _server_connection(url)
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    server.close()
    return f"PostgreSQL {version.split()[0]}"


def vacuum(url):
    """``VACUUM ANALYZE`` the freshly loaded tables, so autovacuum does not do it while the pages are measured."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def drop_database(url):
    from psycopg2 import sql

    server, name = _server_connection(url)
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    server.close()


def run_python(env, *args, timeout=1800):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def run_together(env, commands):
    """Run ``manage.py``-style ``commands`` (argument lists for Python) side by side; stop the bench if one fails."""
    processes = [
        subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for args in commands
    ]
    for args, process in zip(commands, processes, strict=True):
        output, _ = process.communicate(timeout=1800)
        if process.returncode != 0:
            sys.exit(f"{' '.join(args)} failed:\n{output.decode()[-3000:]}")


def derive(env):
    """
    What publishing derives from the dataset, as on a deploy: the stored page parts (in one process per core,
    each rendering its shard) beside the search index, all at once.
    """
    shards = max(1, os.cpu_count() or 1)
    started = time.monotonic()
    run_together(
        env,
        [["manage.py", "render_published", f"--shard={k}/{shards}"] for k in range(1, shards + 1)]
        + [["manage.py", "rebuild_search_index"]],
    )
    say(f"page parts and search index stored in {time.monotonic() - started:.0f} s ({shards} render processes)")


def flush_cache(cache_url):
    import redis

    redis.Redis.from_url(cache_url.replace("rediscache://", "redis://", 1)).flushdb()


# --- Servers and load ------------------------------------------------------------------------------------------


class Server:
    """gunicorn serving ``app`` on a free port with the bench's workers: 2 sync workers by default."""

    def __init__(self, app, env, log):
        self.app, self.env, self.log, self.process = app, env, log, None
        self.port = free_port()

    def start(self):
        command = [
            str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{self.port}",
            "--workers", str(OPTIONS["workers"]), "--worker-class", "sync", "--threads", "1",
            "--max-requests", "0", "--graceful-timeout", "3", "--timeout", "120", self.app,
        ]  # fmt: skip
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = Path(self.log).read_text()[-3000:]
                sys.exit(f"gunicorn ({self.app}) stopped while starting; its log:\n{log}")
            if self.answers(timeout=2):
                return self
            time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn ({self.app}) did not answer in time; its log is {self.log}")

    def answers(self, timeout):
        """Whether the server answers a cheap request within ``timeout`` s (no queue of slow requests left)."""
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}/robots.txt", timeout=timeout):
                return True
        except urllib.error.HTTPError:  # an answer all the same (the ceiling has no robots.txt)
            return True
        except OSError:
            return False

    def prime(self, path):
        """
        Warm the workers up for ``path`` (compiled templates, database connections, the page cache when on):
        ``BENCH_WARMUP`` requests per worker, all sent at once so each worker takes some, and all answered
        before the run starts, so no queue is left for it.
        """
        url = f"http://{HOST}:{self.port}{path}"

        def get(_):
            try:
                with urllib.request.urlopen(url, timeout=OPTIONS["timeout"] * 3) as response:
                    response.read()
            except OSError:  # an error status too: the run that follows counts errors
                pass

        count = OPTIONS["warmup"] * OPTIONS["workers"]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, count)) as pool:
            list(pool.map(get, range(count)))

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # quick shutdown: workers drop what they are doing
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def ready(self, last_run=None):
        """
        After a run the workers may still be answering the queue wrk left: wait as long as that queue should
        take (from the run's p50) when that is short, and start afresh when it is long or unknown.
        """
        p50 = (last_run or {}).get("p50_ms")
        queue = (p50 or 0) / 1000 * OPTIONS["connections"] / OPTIONS["workers"]
        if (last_run and (p50 is None or queue > QUEUE_WAIT)) or not self.answers(timeout=max(3.0, 1.5 * queue)):
            self.stop()
            self.start()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output):
    """``{"rps", "p50_ms", "p99_ms", "requests", "errors"}`` from wrk's output with --latency."""

    def latency(percent):
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return float(match.group(1)) * UNITS[match.group(2)] if match else None

    completed = re.search(r"(\d+) requests in", output)  # absent when wrk could not run at all
    requests = int(completed.group(1)) if completed else 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50_ms": latency(50) if requests else None,
        "p99_ms": latency(99) if requests else None,
        "requests": requests,
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0) + (0 if completed else 1),
    }


def wrk(server, path, duration):
    command = [
        "wrk", "-t1", f"-c{OPTIONS['connections']}", f"-d{duration}s", "--latency",
        f"--timeout={OPTIONS['timeout']:g}s", f"http://{HOST}:{server.port}{path}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + OPTIONS["timeout"] + 30)
    return parse_wrk(result.stdout)


def median_of(runs):
    def middle(key):
        values = [run[key] for run in runs if run[key] is not None]
        return round(statistics.median(values), 2) if values else None

    return {
        "rps": middle("rps"),
        "p50_ms": middle("p50_ms"),
        "p99_ms": middle("p99_ms"),
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "runs": len(runs),
    }


def drive(site, ceiling, pages, ceiling_runs):
    """
    Rounds over every page and the ceiling, each round starting one page later: the medians per page, and the
    ceiling's median in this same stretch of time (the pages' shares are taken of it).
    """
    targets = [(name, site, path) for name, path in pages.items()] + [("ceiling", ceiling, "/")]
    runs = {name: [] for name, _, _ in targets}
    for round_number in range(OPTIONS["rounds"]):
        shift = round_number % len(targets)
        for name, server, path in targets[shift:] + targets[:shift]:
            if round_number == 0:
                server.prime(path)
            runs[name].append(wrk(server, path, OPTIONS["duration"]))
            server.ready(runs[name][-1])
    ceiling = runs.pop("ceiling")
    ceiling_runs += ceiling
    return {name: median_of(page_runs) for name, page_runs in runs.items()}, median_of(ceiling)


# --- The run ---------------------------------------------------------------------------------------------------


def machine_facts(database):
    def output(*command):
        try:
            return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return ""

    import django
    import gunicorn

    model = (
        re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        if Path("/proc/cpuinfo").exists()
        else None
    )
    changed = output("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/REPORT.md")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "date": datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": output("git", "rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else ""),
        "CPUs": f"{os.cpu_count()}" + (f" × {model.group(1).strip()}" if model else ""),
        "system": f"{platform.system()} {platform.release()}",
        "load average when the run began (1, 5, 15 min)": ", ".join(f"{load:.1f}" for load in os.getloadavg()),
        "database": database,
        "software": f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__}, {wrk_version.split('[')[0].strip()}",
    }


def write_report(results, ceiling_runs, still_to_measure=()):
    """The report so far (after each size, so a stopped run leaves what it measured), and the raw figures."""
    results = {**results, "ceiling": median_of(ceiling_runs), "still_to_measure": list(still_to_measure)}
    OPTIONS["report"].write_text(report.render(results))
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def main():
    if shutil.which("wrk") is None:
        sys.exit("The bench needs wrk, the HTTP load generator: sudo apt-get install wrk (Debian and Ubuntu).")
    database_url = OPTIONS["database_url"]
    if not database_url.startswith("postgres"):
        sys.exit("The bench needs PostgreSQL: set BENCH_DATABASE_URL to postgres://… (the bench creates it).")
    work = Path(tempfile.mkdtemp(prefix="ivig-bench-"))
    secret = secrets.token_urlsafe(50)
    site_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    # Cold: every page rendered for every request, as right after a publish, with the shared cache (the content
    # generation, the next scheduled publication) in place as in production. Warm: pages served from the cache.
    modes = {"cold": {"DJANGO_PAGE_CACHE": "false"}, "warm": {"DJANGO_PAGE_CACHE": "true"}}
    ceiling = Server("bench.ceiling:application", site_env, work / "ceiling.log")
    results = {"settings": {k: v for k, v in OPTIONS.items() if k != "report" and k != "database_url"}, "sizes": []}
    ceiling_runs = []
    try:
        say(f"database {database_url.rsplit('/', 1)[-1]}: create and migrate")
        database = recreate_database(database_url)
        results["machine"] = machine_facts(database)
        run_together(
            {**site_env, "CACHE_URL": "dummycache://"},
            [
                ["manage.py", "migrate", "--noinput"],
                ["manage.py", "collectstatic", "--noinput", "-v0", *(f"--ignore={app}" for app in UNMEASURED_STATIC)],
            ],
        )
        ceiling.start()
        for size in sorted(OPTIONS["sizes"]):
            say(f"dataset: {size:,} published articles")
            build_env = {**site_env, "CACHE_URL": "dummycache://"}
            output = run_python(build_env, "-m", "bench.dataset", str(size), "--no-derive")
            built = json.loads(output.splitlines()[-1])
            derive(build_env)
            vacuum(database_url)
            measured = {"size": size, "counts": built["counts"], "pages": built["pages"]}
            for mode, page_cache in modes.items():
                env = {**site_env, "CACHE_URL": OPTIONS["cache"], **page_cache}
                flush_cache(OPTIONS["cache"])
                say(f"{size:,} articles, cache {mode}: {len(built['pages'])} pages and the ceiling under load")
                site = Server("ivig_site.wsgi", env, work / f"site-{size}-{mode}.log").start()
                try:
                    figures, measured.setdefault("ceilings", {})[mode] = drive(
                        site, ceiling, built["pages"], ceiling_runs
                    )
                finally:
                    site.stop()
                say(f"{size:,} articles, cache {mode}: queries and bytes per page")
                probed = json.loads(run_python(env, "-m", "bench.probe", json.dumps(built["pages"])).splitlines()[-1])
                for name, values in probed.items():
                    figures[name].update(
                        {key: values[key] for key in ("status", "queries", "bytes")}, single_ms=values["ms"]
                    )
                measured[mode] = figures
            results["sizes"].append(measured)
            write_report(results, ceiling_runs, still_to_measure=[later for later in OPTIONS["sizes"] if later > size])
    finally:
        ceiling.stop()
        say("dropping the bench database")
        drop_database(database_url)
    results["machine"]["load average when the run ended"] = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    write_report(results, ceiling_runs)
    shutil.rmtree(work, ignore_errors=True)
    say(f"report written to {OPTIONS['report']} (raw figures: test-artifacts/bench.json)")
    for target in report.targets({**results, "ceiling": median_of(ceiling_runs)}):
        print(f"  {report.verdict(target.met):>14}  {target.goal}: {target.figure}")


if __name__ == "__main__":
    main()
