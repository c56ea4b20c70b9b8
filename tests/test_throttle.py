"""The feedback throttle holds across processes (counted in the shared cache) and keys on the real client."""

import os
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from feedback import throttle
from feedback.models import Feedback
from tests.factories import ArticleFactory

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
SECRET = "throttle-test-secret-shared-by-both-processes"


def redis_reachable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def shared_cache(settings):
    if not redis_reachable():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    settings.SECRET_KEY = SECRET
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    caches["default"].clear()
    yield
    caches["default"].clear()


ANOTHER_WORKER = """
import django, os
django.setup()
from django.test import RequestFactory
from feedback import throttle
request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
print(",".join(str(throttle.allow(request, "feedback", limit=3, period=3600)) for _ in range(2)))
"""


def test_two_processes_share_one_count(shared_cache):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    here = [throttle.allow(request, "feedback", limit=3, period=3600) for _ in range(2)]

    other = subprocess.run(
        [sys.executable, "-c", ANOTHER_WORKER],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ivig_site.settings", "CACHE_URL": REDIS_URL,
             "DJANGO_SECRET_KEY": SECRET},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip

    assert other.returncode == 0, other.stderr
    assert here == [True, True]
    assert other.stdout.strip() == "True,False"


@pytest.mark.django_db
def test_readers_behind_the_proxy_each_get_their_own_count(client, settings):
    settings.PROXY_COUNT = 1
    settings.FEEDBACK_RATE_LIMIT = 1
    article = ArticleFactory()

    def send(reader, forged=""):
        forwarded = f"{forged}, {reader}" if forged else reader
        return client.post(
            f"/articles/{article.slug}/feedback/",
            {"helpful": "yes"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [send("198.51.100.7"), send("203.0.113.9")] == [302, 302]
    assert send("198.51.100.7", forged="192.0.2.44") == 429  # a forged entry does not give a fresh count
    assert Feedback.objects.count() == 2
