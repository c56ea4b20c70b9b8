"""
SQL queries, bytes and the time of one request for each page, measured in-process with Django's test
client against the bench's database and cache (from the environment, as gunicorn gets them).

    python -m bench.probe '{"home": "/", ...}' [--prime]        (run by ``python -m bench``; prints JSON)

With ``--prime`` each page is requested once first, so a warm cache holds it.
"""

import json
import os
import sys
import time


def probe(pages, prime=False, host="127.0.0.1"):
    """``{name: {"status", "queries", "bytes", "ms"}}`` for one request to each of ``pages``."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    measured = {}
    for name, path in pages.items():
        if prime:
            client.get(path)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        measured[name] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
            "ms": round(1000 * elapsed, 1),
        }
    return measured


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivig_site.settings")
    django.setup()
    pages = json.loads(sys.argv[1])
    print(json.dumps(probe(pages, prime="--prime" in sys.argv, host=os.environ.get("BENCH_HOST", "127.0.0.1"))))


if __name__ == "__main__":
    main()
