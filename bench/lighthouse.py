"""
Lighthouse scores of the reader pages: ``make lighthouse``, or ``.venv/bin/python -m bench.lighthouse``.

Serves the demo site under production settings (gunicorn, DEBUG off, static files collected and compressed,
a throwaway SQLite database holding the demo content) on 127.0.0.1, runs Google's Lighthouse in the machine's
Chromium against each page type with its mobile and desktop presets, and writes a Markdown report of the four
category scores, every audit below full marks, and the issue's targets met or missed. Lighthouse itself comes
from the npm registry into ``.cache/lighthouse`` the first time (it is a measuring tool, never part of a page).

Settings, from the environment (defaults in brackets):

    LIGHTHOUSE_CHROME [/usr/bin/chromium]   LIGHTHOUSE_VERSION [12]
    LIGHTHOUSE_REPORT [bench/LIGHTHOUSE.md]
"""

import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .__main__ import HOST, ROOT, Server, run_python, say

CHROME = os.environ.get("LIGHTHOUSE_CHROME", "/usr/bin/chromium")
VERSION = os.environ.get("LIGHTHOUSE_VERSION", "12")
REPORT = Path(os.environ.get("LIGHTHOUSE_REPORT", str(ROOT / "bench" / "LIGHTHOUSE.md")))
TOOL = ROOT / ".cache" / "lighthouse"

PAGES = {
    "Home": "/",
    "Article (the IVIG therapy guide)": "/articles/ivig-therapy/",
    "Condition (ITP)": "/conditions/itp/",
    "Product (Privigen)": "/products/privigen/",
    "Side effect (aseptic meningitis)": "/side-effects/aseptic-meningitis/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The targets: 100 everywhere on desktop; on mobile at least 98 for performance and 100 for the rest.
TARGETS = {"desktop": dict.fromkeys(CATEGORIES, 100), "mobile": {**dict.fromkeys(CATEGORIES, 100), "performance": 98}}


def lighthouse():
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if shutil.which("npm") is None:
            sys.exit("Lighthouse needs Node.js and npm: sudo apt-get install nodejs npm (Debian and Ubuntu).")
        say(f"installing lighthouse@{VERSION} into {TOOL.relative_to(ROOT)}")
        TOOL.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(TOOL), "--no-audit", "--no-fund", "--silent", f"lighthouse@{VERSION}"],
            check=True,
        )
    return binary


def audit(binary, url, preset, output):
    command = [
        str(binary), url, "--output=json", f"--output-path={output}", "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]  # fmt: skip
    if preset == "desktop":
        command.append("--preset=desktop")
    # Lighthouse now and then fails to record its trace ("NO_NAVSTART ... Please run Lighthouse again"): it is run
    # again, up to three times in all, before the error counts.
    for attempt in range(3):
        run = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
        if run.returncode == 0:
            break
        say(f"lighthouse failed on {url} ({preset}, attempt {attempt + 1} of 3)")
    else:
        run.check_returncode()
    result = json.loads(Path(output).read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    shortfalls = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            found = result["audits"][ref["id"]]
            if ref.get("weight") and found.get("score") is not None and found["score"] < 1:
                shortfalls.append(f"{name}: {found['title']} ({found.get('displayValue') or found['score']})")
    return {"scores": scores, "shortfalls": shortfalls, "version": result["lighthouseVersion"]}


def render(results, facts):
    lines = [
        "# Lighthouse report",
        "",
        "Written by `make lighthouse` (`python -m bench.lighthouse`). Scores move a point or two with what else the "
        "machine is doing (performance most); the load average below says how busy it was.",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
        "## Targets",
        "",
        "| preset | target | result |",
        "|---|---|---|",
    ]
    for preset, target in TARGETS.items():
        missed = [
            f"{page} {name} {measured[preset]['scores'][name]}"
            for page, measured in results.items()
            for name in CATEGORIES
            if measured[preset]["scores"][name] < target[name]
        ]
        wanted = ", ".join(f"{name} ≥ {score}" for name, score in target.items())
        lines.append(f"| {preset} | {wanted} | {'**missed**: ' + '; '.join(missed) if missed else 'met'} |")
    for preset in TARGETS:
        lines += ["", f"## {preset.capitalize()}", "", "| page | " + " | ".join(CATEGORIES) + " |"]
        lines.append("|---|" + "---:|" * len(CATEGORIES))
        for page, measured in results.items():
            scores = measured[preset]["scores"]
            lines.append(f"| {page} `{PAGES[page]}` | " + " | ".join(str(scores[name]) for name in CATEGORIES) + " |")
        below = [(page, item) for page, measured in results.items() for item in measured[preset]["shortfalls"]]
        if below:
            lines += ["", "Audits below full marks:", ""]
            lines += [f"- {page}: {item}" for page, item in below]
    return "\n".join(lines) + "\n"


def main():
    if not Path(CHROME).exists():
        sys.exit(f"Lighthouse needs Chromium at {CHROME}: sudo apt-get install chromium (or set LIGHTHOUSE_CHROME).")
    binary = lighthouse()
    work = Path(tempfile.mkdtemp(prefix="ivig-lighthouse-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'site.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback: no TLS proxy in front here
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    say("demo site: migrate, load the demo content, collect static files")
    run_python(env, "manage.py", "migrate", "--noinput", "-v0")
    run_python(env, "manage.py", "load_demo_content", "-v0")
    run_python(env, "manage.py", "collectstatic", "--noinput", "-v0")
    server = Server("ivig_site.wsgi", env, work / "site.log").start()
    facts = {
        "date": datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "load average when the run began (1, 5, 15 min)": ", ".join(f"{load:.1f}" for load in os.getloadavg()),
        "site": "the demo content, production settings, gunicorn on 127.0.0.1 (plain HTTP)",
    }
    results = {}
    try:
        for page, path in PAGES.items():
            results[page] = {}
            for preset in TARGETS:
                say(f"{page}, {preset}")
                url = f"http://{HOST}:{server.port}{path}"
                results[page][preset] = audit(binary, url, preset, work / f"{preset}-{len(results)}.json")
    finally:
        server.stop()
    facts["Lighthouse"] = next(iter(results.values()))["mobile"]["version"]
    facts["Chromium"] = subprocess.run([CHROME, "--version"], capture_output=True, text=True).stdout.strip()
    facts["load average when the run ended"] = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    REPORT.write_text(render(results, facts))
    say(f"report: {REPORT.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
