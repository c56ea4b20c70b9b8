"""
Load test: many readers and one editor at once against gunicorn on 127.0.0.1, in production settings.

    python -m ops.loadtest --clients 50 --duration 60      (what `make load-test` runs)

It prepares a database (migrations, the demo content, an editor in the Editors group), starts gunicorn
(gunicorn.conf.py) with DEBUG off and the Redis cache, then for ``--duration`` seconds keeps ``--clients``
readers requesting reader pages over keep-alive connections while an editor opens the draft article in the
admin and saves it again and again, each save with new text. Afterwards it checks that the article holds
the last save and that every save made a version, posts "Was this page helpful?" twice the limit from one
address to check the throttle holds across gunicorn's workers, and stops gunicorn.

It fails (exit status 1) on any 5xx, any socket error, any lost edit or a throttle that lets through more
than its limit. Only 127.0.0.1 is ever contacted; every loop ends by the clock.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READER_PAGES = [
    "/",
    "/articles/",
    "/conditions/",
    "/products/",
    "/side-effects/",
    "/expert-board/",
    "/search/?q=immunoglobulin",
    "/search/?q=headache",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/robots.txt",
]
DRAFT_SLUG = "subcutaneous-immunoglobulin-at-home"
EDITOR, EDITOR_PASSWORD = "load-editor", "load-test-editor-passphrase"
FEEDBACK_LIMIT = 10

SETUP = f"""
from django.contrib.auth.models import Group, User
from articles.models import Article
user, _ = User.objects.get_or_create(username={EDITOR!r}, defaults={{"is_staff": True}})
user.set_password({EDITOR_PASSWORD!r}); user.save()
user.groups.set([Group.objects.get(name="Editors")])
draft = Article.objects.get(slug={DRAFT_SLUG!r}, draft_of__isnull=True)
print(draft.pk, ",".join(a.slug for a in Article.objects.published()))
"""
VERIFY = """
import json, sys
from reversion.models import Version
from articles.models import Article
draft = Article.objects.get(pk={pk})
print(json.dumps({{"dek": draft.dek, "versions": Version.objects.get_for_object(draft).count()}}))
"""


def ensure_database(url):
    """Create the load test's PostgreSQL database when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Connection:
    """One keep-alive HTTP connection to the server with a cookie jar, like a browser tab."""

    def __init__(self, port):
        self.port, self.cookies, self.http = port, {}, None

    def request(self, method, path, body=None, headers=None):
        if self.http is None:
            self.http = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.http.request(method, path, body=body, headers=headers)
            response = self.http.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()
            self.http = None
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.http.close()
            self.http = None
        return response.status, response.getheader("Location", ""), content.decode("utf-8", "replace")

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields, doseq=True)
        origin = f"http://{HOST}:{self.port}"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path}
        return self.request("POST", path, body, headers)


class FormReader(HTMLParser):
    """The fields a browser would submit from the page's main form (files aside)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.data, self.inside, self.select, self.textarea = form_id, [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id", "") == self.form_id or (self.form_id is None and not self.data)
        elif not self.inside:
            return
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]
        elif tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind not in {"file", "submit", "button", "checkbox", "radio"} or "checked" in attrs:
                self.data.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def read_form(page, form_id=None):
    reader = FormReader(form_id)
    reader.feed(page)
    return reader.data


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses, self.latencies, self.socket_errors, self.samples = {}, [], 0, []

    def record(self, status, seconds):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(seconds)

    def error(self, what):
        with self.lock:
            self.socket_errors += 1
            if len(self.samples) < 5:
                self.samples.append(what)


def reader(port, pages, deadline, tally, offset):
    connection = Connection(port)
    n = offset
    while time.monotonic() < deadline:
        path = pages[n % len(pages)]
        n += 1
        started = time.monotonic()
        try:
            status, _, _ = connection.request("GET", path)
        except (OSError, http.client.HTTPException) as error:
            tally.error(f"{path}: {error!r}")
            continue
        tally.record(status, time.monotonic() - started)


def editor(port, pk, deadline, results):
    connection = Connection(port)
    change = f"/admin/articles/article/{pk}/change/"
    _, _, page = connection.request("GET", "/admin/login/")
    fields = dict(read_form(page, "login-form"))
    status, _, _ = connection.post_form(
        "/admin/login/?next=/admin/", {**fields, "username": EDITOR, "password": EDITOR_PASSWORD}
    )
    if status != 302:
        results["errors"].append(f"editor login answered {status}")
        return
    n = 0
    while time.monotonic() < deadline:
        n += 1
        status, _, page = connection.request("GET", change)
        if status != 200:
            results["errors"].append(f"change form answered {status}")
            return
        fields = [(name, value) for name, value in read_form(page, "article_form") if name != "_continue"]
        text = f"Load test save {n}: how a nurse sets up a home infusion."
        fields = [(name, text if name == "dek" else value) for name, value in fields]
        fields.append(("_save", "Save"))
        status, _, page = connection.post_form(change, fields)
        if status == 302:
            results["saved"].append(text)
        else:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
            results["errors"].append(f"save {n} answered {status}: {errors[:2]}")
            if status >= 500:
                return
        time.sleep(0.5)


def check_throttle(port, slug):
    """Post the article's feedback form, as a browser on the page would, twice as often as the limit allows."""
    connection = Connection(port)
    _, _, page = connection.request("GET", f"/articles/{slug}/")
    action = f"/articles/{slug}/feedback/"
    if f'action="{action}"' not in page:
        sys.exit(f"/articles/{slug}/ shows no feedback form posting to {action}.")
    statuses = []
    for _ in range(2 * FEEDBACK_LIMIT):
        # A fresh connection each time, so gunicorn spreads them over its workers.
        connection.http = None
        status, _, _ = connection.post_form(action, {"helpful": "yes"})
        statuses.append(status)
    return statuses


def wait_until_healthy(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting; see its log above.")
        try:
            if Connection(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz in time.")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=0, help="0 (the default) picks a free port")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", ""))
    parser.add_argument("--cache-url", default=os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument("--report", default=str(ROOT / "test-artifacts" / "load-test.json"))
    options = parser.parse_args()
    if not options.port:  # a fixed port can be taken by anything else running on the machine
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            options.port = probe.getsockname()[1]
    if not options.database_url.startswith("postgres"):
        sys.exit("Give a PostgreSQL database for the load test: --database-url or LOAD_DATABASE_URL.")

    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "CACHE_URL": options.cache_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "load-test-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(ROOT / "test-artifacts" / "load-static"),
        "DJANGO_MEDIA_ROOT": str(ROOT / "test-artifacts" / "load-media"),
        "FEEDBACK_RATE_LIMIT": str(FEEDBACK_LIMIT),
        "GUNICORN_BIND": f"{HOST}:{options.port}",
        "GUNICORN_ACCESS_LOG": os.devnull,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    print(f"== preparing {options.database_url.rsplit('/', 1)[-1]}: migrations, demo content, an editor", flush=True)
    ensure_database(options.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    pk, published = manage(env, "shell", "-c", SETUP).split()[-2:]
    slugs = published.split(",")
    pages = READER_PAGES + [f"/articles/{slug}/" for slug in slugs]
    subprocess.run([sys.executable, "-c", f"import redis; redis.Redis.from_url({options.cache_url!r}).flushdb()"],
                   cwd=ROOT, check=True)  # fmt: skip

    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "ivig_site.wsgi"], cwd=ROOT, env=env
    )
    try:
        wait_until_healthy(options.port, server)
        print(f"== {options.clients} readers for {options.duration:.0f} s while an editor saves", flush=True)
        tally, edits = Tally(), {"saved": [], "errors": []}
        deadline = time.monotonic() + options.duration
        threads = [
            threading.Thread(target=reader, args=(options.port, pages, deadline, tally, n))
            for n in range(options.clients)
        ]
        threads.append(threading.Thread(target=editor, args=(options.port, pk, deadline, edits)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.duration + 60)
        elapsed = time.monotonic() - started
        throttle = check_throttle(options.port, slugs[0])
    finally:
        server.terminate()
        server.wait(timeout=60)

    stored = json.loads(manage(env, "shell", "-c", VERIFY.format(pk=pk)).strip().splitlines()[-1])
    lost = 0 if edits["saved"] and stored["dek"] == edits["saved"][-1] else 1
    requests = sum(tally.statuses.values())
    report = {
        "clients": options.clients,
        "seconds": round(elapsed, 1),
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "statuses": {str(status): count for status, count in sorted(tally.statuses.items())},
        "server_errors": sum(count for status, count in tally.statuses.items() if status >= 500),
        "socket_errors": tally.socket_errors,
        "latency_ms": {
            "median": round(1000 * statistics.median(tally.latencies), 1) if tally.latencies else None,
            "p95": round(1000 * percentile(tally.latencies, 0.95), 1),
            "p99": round(1000 * percentile(tally.latencies, 0.99), 1),
            "max": round(1000 * max(tally.latencies, default=0), 1),
        },
        "edits_saved": len(edits["saved"]),
        "edit_errors": edits["errors"],
        "versions_of_the_draft": stored["versions"],
        "lost_edits": lost,
        "feedback_throttle": {"limit": FEEDBACK_LIMIT, "accepted": throttle.count(302), "refused": throttle.count(429)},
    }
    Path(options.report).parent.mkdir(parents=True, exist_ok=True)
    Path(options.report).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    problems = []
    if report["server_errors"]:
        problems.append(f"{report['server_errors']} server errors")
    if tally.socket_errors:
        problems.append(f"{tally.socket_errors} socket errors, e.g. {tally.samples}")
    if lost or edits["errors"] or not edits["saved"]:
        problems.append(
            f"edits: {len(edits['saved'])} saved, errors {edits['errors'][:3]}, last stored {stored['dek']!r}"
        )
    if stored["versions"] < len(edits["saved"]):
        problems.append(f"{len(edits['saved'])} saves but {stored['versions']} versions")
    if throttle.count(302) != FEEDBACK_LIMIT:
        problems.append(f"the feedback throttle accepted {throttle.count(302)} answers; its limit is {FEEDBACK_LIMIT}")
    if problems:
        sys.exit("Load test failed: " + "; ".join(problems))
    print("Load test passed.")


if __name__ == "__main__":
    main()
