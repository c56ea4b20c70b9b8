"""gunicorn's settings for `make serve`; every value can be changed from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
# Threads let a worker hold several keep-alive connections while one waits on the database.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
backlog = 2048
# Recycle workers now and then so a slow leak cannot grow forever; jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200
# Access log on standard output as JSON, with the request id the application put in its response.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": %(B)s, "duration_ms": %(M)s, "client": "%(h)s"}'
)
errorlog = "-"
# gunicorn itself reads X-Forwarded-Proto into the request's scheme: only from our proxy (DJANGO_PROXY_COUNT > 0,
# connecting from these addresses), never from clients that connect directly.
_behind_proxy = int(os.environ.get("DJANGO_PROXY_COUNT", "0")) > 0
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1" if _behind_proxy else "")
