"""Fixed-window counters (Redis, else this process's memory) and login throttling.

`spend` is the one primitive: add points to a counter that lives for a window starting at its
first point, unless that would pass a limit (then nothing is added). With `REDIS_URL` it is one
Lua script, so checking and spending are a single step shared by every process; without Redis
(or while Redis is down, see `WindowUnavailable`) it is a lock around Django's local-memory
cache, per process.

Redis is awaited (redis-py's asyncio client), never called synchronously: the rate limit runs
on the event loop for every operation, and a slow Redis answer there used to hold every request
and WebSocket of the process. (The `limits` library was weighed and not taken: its fixed window
counts refused hits — a refused operation would spend its points — and reports the budget in
two more round trips; its moving window keeps one Redis list entry per point.)

Login throttling (`attempt`): `tokenAuth` per account (the login as typed, normalised) and per
client IP, `refreshToken` and `register` per client IP. Each attempt is counted before it runs,
so parallel requests cannot slip past the limit; a successful login gives its attempt back and
clears the account's counter (a successful refresh gives its attempt back; every registration
counts). After `FREE_ATTEMPTS` failures an attempt first waits (0.25 s, doubling, at most
`MAX_DELAY_SECONDS`); at the limit it is refused with the time to wait. A refusal looks the
same whether or not the account exists: counters are keyed by what was typed, never by a user.
"""

import asyncio
import hashlib
import logging
import threading
import time
import types
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# Every key starts with this (after the cache's KEY_PREFIX); tests swap it per test.
NAMESPACE = "ratelimit"
# Failures that cost nothing; then each attempt waits BASE_DELAY, doubling up to MAX_DELAY.
FREE_ATTEMPTS = 3
BASE_DELAY_SECONDS = 0.25
MAX_DELAY_SECONDS = 4.0
# After Redis failed, it is not asked again for this long (no stalls on a dead server).
REDIS_RETRY_SECONDS = 5.0
WARNING_INTERVAL_SECONDS = 60.0

# KEYS[1]: the counter. ARGV: points to add, limit (-1: none), window in ms.
# Returns {1 if spent else 0, points in the window after it, ms until the window ends}.
SPEND_SCRIPT = """
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
local count = 0
if ttl > 0 then
  count = tonumber(redis.call('GET', KEYS[1]) or '0')
else
  ttl = tonumber(ARGV[3])
end
if limit >= 0 and count + amount > limit then
  return {0, count, ttl}
end
if amount ~= 0 then
  if count == 0 and redis.call('PTTL', KEYS[1]) <= 0 then
    redis.call('SET', KEYS[1], amount, 'PX', ttl)
    count = amount
  else
    count = redis.call('INCRBY', KEYS[1], amount)
  end
end
return {1, count, ttl}
"""
# Gives points back (never below zero, never reviving an expired window).
REFUND_SCRIPT = """
if redis.call('PTTL', KEYS[1]) > 0 then
  local count = redis.call('DECRBY', KEYS[1], ARGV[1])
  if count < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') end
end
return 0
"""

DELETE_SCRIPT = "return redis.call('DEL', KEYS[1])"


@dataclass(frozen=True)
class Window:
    """A counter after `spend`: whether the points were spent, the points counted in the window
    (without the refused ones), and when the window ends (Unix time, seconds)."""

    spent: bool
    count: int
    reset: float

    def retry_after(self) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, int(self.reset - time.time() + 0.999))

    def reset_at(self) -> str:
        """When the window ends, ISO 8601 in UTC."""
        moment = datetime.fromtimestamp(int(self.reset + 0.999), tz=UTC)
        return moment.isoformat().replace("+00:00", "Z")


class WindowUnavailable(Exception):
    """Redis is configured but did not answer."""


class _Memory:
    """Windows in this process's memory: Django's local-memory cache, behind a lock."""

    def __init__(self) -> None:
        self.cache = LocMemCache("booknest-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
        self.lock = threading.Lock()

    def spend(self, key: str, amount: int, limit: int, window: int) -> Window:
        now = time.time()
        with self.lock:
            count, reset = self.cache.get(key) or (0, now + window)
            if reset <= now:
                count, reset = 0, now + window
            if 0 <= limit < count + amount:
                return Window(False, count, reset)
            count += amount
            if amount:
                self.cache.set(key, (count, reset), timeout=reset - now)
            return Window(True, count, reset)

    def refund(self, key: str, amount: int) -> None:
        with self.lock:
            entry = self.cache.get(key)
            if entry and entry[1] > time.time():
                self.cache.set(key, (max(0, entry[0] - amount), entry[1]), entry[1] - time.time())

    def delete(self, key: str) -> None:
        with self.lock:
            self.cache.delete(key)


_memory = _Memory()
_redis_down_until = 0.0
_last_warning = 0.0


def _warn(message: str, *args) -> None:
    """Log a warning, at most once a minute (a dead Redis is not news on every request)."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL_SECONDS:
        _last_warning = now
        logger.warning(message, *args)


@dataclass
class _Client:
    """An asyncio Redis client and its registered scripts."""

    redis: object
    scripts: dict = field(default_factory=dict)


# redis-py's asyncio connections belong to the event loop that opened them: one client per loop
# (daphne runs one; Django's test client, one per request) and per cache location.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = weakref.WeakKeyDictionary()


def _close_with_loop(loop: asyncio.AbstractEventLoop, clients: dict) -> None:
    """Close `clients` when `loop` closes (asyncio.run closes a loop it made, so short-lived
    loops do not leave connections open), as channels-redis does for its own pools."""
    original = loop.close

    def close(self) -> None:
        if not self.is_closed() and not self.is_running():
            for client in clients.values():
                self.run_until_complete(client.redis.aclose())
        clients.clear()
        self.close = original
        original()

    loop.close = types.MethodType(close, loop)


def _redis() -> _Client | None:
    """The asyncio Redis client of this event loop on the default cache's server, or None
    without Redis or while it is down."""
    if not redis_configured() or time.monotonic() < _redis_down_until:
        return None
    import redis.asyncio
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    config = settings.CACHES["default"]
    options = config.get("OPTIONS", {})
    location = config["LOCATION"]
    location = location[0] if isinstance(location, list | tuple) else location
    timeouts = (options.get("SOCKET_CONNECT_TIMEOUT", 1), options.get("SOCKET_TIMEOUT", 1))
    loop = asyncio.get_running_loop()
    clients = _clients.get(loop)
    if clients is None:
        clients = _clients[loop] = {}
        _close_with_loop(loop, clients)
    client = clients.get((location, timeouts))
    if client is None:
        client = clients[(location, timeouts)] = _Client(
            redis.asyncio.Redis.from_url(
                location,
                socket_connect_timeout=timeouts[0],
                socket_timeout=timeouts[1],
                # No retries: a failure fails open (or falls back) at once, and Redis is left
                # alone for REDIS_RETRY_SECONDS; a connection a restarted Redis cut is
                # replaced by the pool's health check before use.
                retry=Retry(NoBackoff(), 0),
            )
        )
    return client


def _key(name: str) -> str:
    return caches["default"].make_key(f"{NAMESPACE}:{name}")


async def _call_redis(script: str, key: str, *args):
    """Run a script on Redis; WindowUnavailable (and a pause before asking again) on failure."""
    global _redis_down_until
    client = _redis()
    if client is None:
        raise WindowUnavailable("Redis is down")
    try:
        runner = client.scripts.get(script)
        if runner is None:
            runner = client.scripts[script] = client.redis.register_script(script)
        return await runner(keys=[key], args=list(args))  # EVALSHA, loaded if missing
    except Exception as exc:  # redis.ConnectionError, TimeoutError, ResponseError, …
        _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
        _warn("Rate limits: Redis is unavailable (%s)", exc)
        raise WindowUnavailable(str(exc)) from exc


def redis_configured() -> bool:
    """Whether windows live in Redis (shared by every process) rather than in this process:
    the default cache is django-redis's (REDIS_URL; not when a test swaps in another cache)."""
    from django_redis.cache import RedisCache

    return bool(settings.REDIS_URL) and isinstance(caches["default"], RedisCache)


async def spend(
    name: str, amount: int, *, limit: int, window: int, fallback: bool = False
) -> Window:
    """Add `amount` points to counter `name` unless that passes `limit` (-1: no limit).

    The window (`window` seconds) starts at the counter's first point. With Redis configured
    and down: WindowUnavailable, or with `fallback` this process's memory.
    """
    if redis_configured():
        try:
            spent, count, ttl = await _call_redis(
                SPEND_SCRIPT, _key(name), amount, limit, window * 1000
            )
            return Window(bool(spent), int(count), time.time() + int(ttl) / 1000)
        except WindowUnavailable:
            if not fallback:
                raise
    return _memory.spend(_key(name), amount, limit, window)


async def refund(name: str, amount: int = 1) -> None:
    """Give back points spent in the current window (a successful login's attempt)."""
    if redis_configured():
        try:
            await _call_redis(REFUND_SCRIPT, _key(name), amount)
            return
        except WindowUnavailable:
            pass
    _memory.refund(_key(name), amount)


async def clear(name: str) -> None:
    """Forget counter `name` (a successful login clears its account's failures)."""
    if redis_configured():
        try:
            await _call_redis(DELETE_SCRIPT, _key(name))
            return
        except WindowUnavailable:
            pass
    _memory.delete(_key(name))


# --- Login throttling ------------------------------------------------------------------------


class Throttled(Exception):
    """Too many attempts: refused until `window` resets."""

    def __init__(self, window: Window):
        self.window = window
        self.retry_after = window.retry_after()
        self.reset_at = window.reset_at()
        super().__init__(
            f"Too many attempts. Try again in {self.retry_after} s (at {self.reset_at})."
        )


def normalise_login(login: str) -> str:
    """The account key of a login as typed: trimmed and case-folded, hashed (no raw emails in
    Redis keys)."""
    folded = (login or "").strip().casefold()
    return hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def delay_for(failures: int, free: int) -> float:
    """Seconds an attempt waits after `failures` failures, the first `free` of them costing
    nothing."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** min(failures - free, 16))


@dataclass
class Attempt:
    """A counted attempt; tell it `succeeded()` when the credentials were good."""

    action: str
    ip_key: str
    account_key: str | None
    refund_on_success: bool

    async def succeeded(self) -> None:
        """Clear the account's failures; give back the IP's attempt (except registrations)."""
        if self.account_key:
            await clear(self.account_key)
        if self.refund_on_success:
            await refund(self.ip_key)


async def attempt(action: str, ip: str | None, login: str | None = None) -> Attempt:
    """Count one `action` ("login", "refresh" or "register") from `ip` (and, for a login, on the
    account `login` names); wait first after repeated failures. Throttled past a limit.

    While Redis is down the counts fall back to this process's memory: a dead Redis must not
    turn off brute-force protection.
    """
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    ip_key = f"{action}:ip:{ip or 'unknown'}"
    account_key = f"{action}:account:{normalise_login(login)}" if login is not None else None
    account = None
    if account_key:
        account = await spend(
            account_key,
            1,
            limit=settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS,
            window=window,
            fallback=True,
        )
        if not account.spent:
            raise Throttled(account)
    ip_limit = settings.LOGIN_THROTTLE_IP_ATTEMPTS
    by_ip = await spend(ip_key, 1, limit=ip_limit, window=window, fallback=True)
    if not by_ip.spent:
        if account_key:
            await refund(account_key)
        raise Throttled(by_ip)
    delay = delay_for(by_ip.count - 1, max(FREE_ATTEMPTS, ip_limit // 2))
    if account is not None:
        delay = max(delay, delay_for(account.count - 1, FREE_ATTEMPTS))
    if delay:
        await asyncio.sleep(delay)
    return Attempt(action, ip_key, account_key, refund_on_success=action != "register")
