"""
With the cache in Redis, a change published through one process reaches the page another process serves:
separate Django processes, one database, one Redis (REDIS_TEST_URL; CI sets it and then it must be reachable).
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import IN_CI

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")


def redis_reachable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def environment_for(folder):
    """The processes' environment: a SQLite database and uploads in ``folder``, the cache in Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ivig_site.settings",
        DATABASE_URL=f"sqlite:///{folder / 'shared.sqlite3'}",
        REDIS_URL=REDIS_URL,  # the REDIS_URL setting, as a deployment without CACHE_URL uses it
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_MEDIA_ROOT=str(folder / "media"),
    )
    return env


@pytest.fixture(scope="module")
def set_up_database(tmp_path_factory):
    """The database ``setup`` leaves (migrated, two staff, one published article), made once for the module."""
    folder = tmp_path_factory.mktemp("pagecache-site")
    run("setup", environment_for(folder))
    return folder / "shared.sqlite3"


@pytest.fixture
def environment(tmp_path, set_up_database):
    if not redis_reachable():
        message = f"needs Redis at {REDIS_URL} (REDIS_TEST_URL)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    shutil.copyfile(set_up_database, tmp_path / "shared.sqlite3")
    yield environment_for(tmp_path)
    redis.Redis.from_url(REDIS_URL).flushdb()


def run(role, env, *arguments):
    result = subprocess.run(
        [sys.executable, "-m", "tests.pagecache_worker", role, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def start_reader(env):
    """A reader process; ``visit()`` asks it for the shared article and returns its answer."""
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.pagecache_worker", "reader"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def visit():
        reader.stdin.write("/articles/shared-cache/\n")
        reader.stdin.flush()
        return json.loads(reader.stdout.readline())

    return reader, visit


def test_a_change_published_in_one_process_reaches_the_page_another_process_serves(environment):
    reader, visit = start_reader(environment)

    try:
        first, second = visit(), visit()
        writer_pid = int(run("writer", environment).split()[-1])
        third, fourth = visit(), visit()
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)

    assert writer_pid != first["pid"]
    assert (first["cache"], first["title"]) == ("miss", "Shared cache, first title")
    assert (second["cache"], second["title"]) == ("hit", "Shared cache, first title")
    assert (third["cache"], third["title"]) == ("miss", "Shared cache, second title")
    assert (fourth["cache"], fourth["title"]) == ("hit", "Shared cache, second title")


def test_a_restore_in_one_process_reaches_the_page_another_process_serves(environment, tmp_path):
    import redis

    reader, visit = start_reader(environment)
    try:
        first, second = visit(), visit()
        archive = run("backup", environment, str(tmp_path / "backups")).split()[-1]
        run("writer", environment)
        third, fourth = visit(), visit()
        run("restore", environment, archive)
        pages_left = list(redis.Redis.from_url(REDIS_URL).scan_iter(match="*pagecache:page:*"))
        fifth, sixth = visit(), visit()
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)

    assert (first["cache"], first["title"]) == ("miss", "Shared cache, first title")
    assert (second["cache"], second["title"]) == ("hit", "Shared cache, first title")
    assert (third["title"], fourth["cache"], fourth["title"]) == ("Shared cache, second title", "hit", third["title"])
    assert pages_left == []
    assert (fifth["cache"], fifth["title"]) == ("miss", "Shared cache, first title")
    assert (sixth["cache"], sixth["title"]) == ("hit", "Shared cache, first title")


def test_the_redis_cache_reuses_one_client_and_one_connection_for_many_calls(environment):
    from ops.cache import RedisCache

    cache = RedisCache(REDIS_URL, {})
    cache.set("shared", {"page": "<p>Hello</p>"})
    clients = {id(cache._cache.get_client(write=True)) for _ in range(5)}
    values = [cache.get("shared") for _ in range(50)]

    assert values == [{"page": "<p>Hello</p>"}] * 50
    assert len(clients) == 1
    pool = cache._cache._get_connection_pool(write=True)
    assert len(pool._available_connections) + len(pool._in_use_connections) == 1
