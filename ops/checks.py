from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.memcached import PyLibMCCache, PyMemcacheCache
from django.core.cache.backends.redis import RedisCache
from django.core.checks import Warning, register
from django.utils.module_loading import import_string

# Backends every process shares, and their subclasses (such as ops.cache.RedisCache).
SHARED_CACHE_BACKENDS = (RedisCache, PyMemcacheCache, PyLibMCCache, DatabaseCache)
SHARED_CACHE_BACKEND_NAMES = frozenset({"django_redis.cache.RedisCache"})


def _is_shared(path):
    if path in SHARED_CACHE_BACKEND_NAMES:
        return True
    try:
        backend = import_string(path)
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, SHARED_CACHE_BACKENDS)


@register(deploy=True)
def shared_cache(app_configs, **kwargs):
    """Throttles count in the cache: a cache private to one process lets each worker count on its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if _is_shared(backend):
        return []
    return [
        Warning(
            f"The default cache ({backend}) is not shared between processes, so the feedback throttle "
            "counts per worker.",
            hint="Set CACHE_URL to a Redis server, e.g. redis://127.0.0.1:6379/1.",
            id="ops.W001",
        )
    ]
