"""Django's Redis cache behind the circuit breaker (``congress_portal.breaker``):
with Redis down or hung, the first operation waits for the short socket
timeout (settings: 0.5 s), the following ones fail at once until the breaker
tries again."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from .breaker import redis as breaker

GUARDED = ("get", "set", "add", "touch", "delete", "incr", "get_many", "set_many", "delete_many", "has_key", "clear")


class GuardedRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        # Callers that pipeline on the raw client (intake.ratelimit) fail fast
        # here while the breaker is open, and report failures themselves.
        breaker.check()
        return super().get_client(key, write=write)


def _guard(name):
    method = getattr(RedisCacheClient, name)

    def guarded(self, *args, **kwargs):
        return breaker.call(method, self, *args, **kwargs)

    guarded.__name__ = name
    return guarded


for _name in GUARDED:
    setattr(GuardedRedisCacheClient, _name, _guard(_name))


class GuardedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = GuardedRedisCacheClient
