"""
The Nu HTML checker (vnu.jar, installed by `make test` from the npm package vnu-jar), run once over many pages.
Used by the reader pages' checks (tests/test_accessibility.py) and the admin pages' (tests/test_admin_accessibility.py).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
# Where `make vnu` (part of `make test`) puts it; VNU_JAR names another copy.
VNU_JAR = Path(os.environ.get("VNU_JAR") or ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
# Checked in the same run: if the checker stopped finding errors, this page would show it.
BROKEN_PAGE = '<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body><p>x</nonsense>'


def check(pages, folder):
    """
    ``{name: [message, ...]}``: every message of the checker on each of ``pages`` (``{name: html}``) and on a
    broken page named ``"broken"``, in one run of the checker. Fails in CI, and skips elsewhere, without it.
    """
    java = shutil.which("java")
    if java is None:
        missing = "java is not installed (apt-get install default-jre-headless; .ci/run does)"
    elif not VNU_JAR.is_file():
        missing = f"the Nu HTML checker is not at {VNU_JAR} (`make vnu` installs it)"
    else:
        missing = None
    if missing:
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)
    files = {}
    for number, (name, html) in enumerate([*pages.items(), ("broken", BROKEN_PAGE)]):
        path = Path(folder) / f"page-{number:03}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        [java, "-jar", VNU_JAR, "--format", "json", "--exit-zero-always", *(Path(folder) / name for name in files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"the Nu HTML checker gave no report (exit code {result.returncode}): {result.stderr[-2000:]}")
    messages = {name: [] for name in files.values()}
    for message in report["messages"]:
        # A message about no page in particular (the checker could not read them, say) belongs to every page.
        name = files.get(message.get("url", "").rpartition("/")[2])
        for page in [name] if name else messages:
            messages[page].append(message)
    return messages


def to_fix(messages):
    """The checker's errors and warnings, each with its line and the markup it is about."""
    return [
        f"{message.get('subType', message['type'])}, line {message.get('lastLine', '?')}: {message['message']}"
        f" [{message.get('extract', '').strip()}]"
        for message in messages
        if message["type"] != "info" or message.get("subType") == "warning"
    ]
