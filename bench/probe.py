"""
SQL queries, bytes and the time of a request for each page, one request at a time, measured in-process with
Django's test client against the bench's database and cache (from the environment, as gunicorn gets them).

    python -m bench.probe '{"home": "/", ...}'        (run by ``python -m bench``; prints JSON)

Each page is requested once first (filling the process's own caches, such as compiled templates, and the page
cache when it is on), then :data:`REPEATS` times: the time reported is their median.
"""

import json
import os
import statistics
import sys
import time

REPEATS = 5


def probe(pages, host="127.0.0.1"):
    """``{name: {"status", "queries", "bytes", "ms"}}``: each page's queries and bytes, and its median time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    measured = {}
    for name, path in pages.items():
        client.get(path)
        times = []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
        measured[name] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
            "ms": round(1000 * statistics.median(times), 1),
        }
    return measured


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivig_site.settings")
    django.setup()
    pages = json.loads(sys.argv[1])
    print(json.dumps(probe(pages, host=os.environ.get("BENCH_HOST", "127.0.0.1"))))


if __name__ == "__main__":
    main()
