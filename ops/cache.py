"""
Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every cache call. Building one fills its
table of about 250 response callbacks, which on this machine costs more than the round trip to Redis itself: a
page served from the cache makes three calls (the scheduled-publication check, the content generation, the page),
and building the clients took two thirds of its time. A client holds no connection of its own (it borrows one
from the pool for each command), so one per pool is safe to share, as redis-py intends.
"""

import re

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def delete_prefix(self, prefix):
        """
        Delete every entry whose key starts with ``prefix``; returns how many. SCAN walks the keys a batch at a
        time, so Redis keeps answering everyone else meanwhile, and UNLINK frees the memory in the background.
        """
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.make_key(prefix)) + "*"
        deleted, batch = 0, []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                deleted += client.unlink(*batch)
                batch = []
        if batch:
            deleted += client.unlink(*batch)
        return deleted
