from django.conf import settings
from django.core.checks import Warning, register

SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "django.core.cache.backends.db.DatabaseCache",
)


@register(deploy=True)
def shared_cache(app_configs, **kwargs):
    """Throttles count in the cache: a cache private to one process lets each worker count on its own."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in SHARED_CACHE_BACKENDS:
        return []
    return [
        Warning(
            f"The default cache ({backend}) is not shared between processes, so the feedback throttle "
            "counts per worker.",
            hint="Set CACHE_URL to a Redis server, e.g. redis://127.0.0.1:6379/1.",
            id="ops.W001",
        )
    ]
