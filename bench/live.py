"""Benchmark: 1,000 subscribed WebSocket clients on one daphne process (PostgreSQL + Redis layer).

Each client is a reader of its own, subscribed to `notificationAdded` and to `bookActivity` of one
book. Two bursts:
- fan-out: one public rating of the book reaches all 1,000 `bookActivity` subscribers;
- notifications: another reader follows all 1,000 readers (1,000 `follow` mutations over HTTP,
  4 at a time); each reader receives their own `new_follower` notification.
Latency is from the mutation's HTTP response (as the test client sees it) to the event's receipt
by the subscriber; it can be slightly negative, since the event is sent at commit, before the
response. Memory per connection: growth of the daphne process's RSS from before the clients
connect to when all are subscribed, divided by their number. Goal: p99 ≤ 250 ms.

Uses a fresh PostgreSQL database (DATABASE_URL's server, default the local one; dropped at the
end) and REDIS_URL (default redis://127.0.0.1:6379/13). `python -m bench live`.
"""

import asyncio
import json
import os
import resource
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("BENCH_LIVE_CLIENTS", "1000"))
# Bursts of follows, one after the other, each from another reader with more requests at once.
# (With channels-redis's default capacity of 100 messages per process, the second burst was
# silently dropped at 100+ clients, and with a larger capacity delivered seconds late: the live
# layer is now Redis pub/sub, see CHANNEL_LAYERS in booknest/settings.py.)
HTTP_CONCURRENCY = (4, 16)
P99_GOAL_MS = 250.0
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"

NOTIFICATIONS = "subscription { notificationAdded { unreadCount notification { id } } }"
BOOK = "subscription($b: ID!) { bookActivity(bookId: $b) { rating { value } } }"
FOLLOW = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
RATE = "mutation($b: ID!) { rateBook(bookId: $b, value: 4.5) { errors { code } } }"


def seed(count: int) -> None:
    """(In the server's environment) readers with tokens, one book; prints them as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    import django

    django.setup()
    from strawberry.relay import to_base64

    from apps.accounts.models import User
    from apps.accounts.tokens import create_access_token
    from apps.catalog.models import Book

    readers = User.objects.bulk_create(
        [User(username=f"live{n}", email=f"live{n}@example.com") for n in range(count)]
    )
    actors = [
        User.objects.create(username=f"live-actor{n}", email=f"actor{n}@example.com")
        for n in range(len(HTTP_CONCURRENCY))
    ]
    book = Book.objects.create(title="Live Bench")
    json.dump(
        {
            "readers": [
                {"id": to_base64("User", u.pk), "token": create_access_token(u)[0]} for u in readers
            ],
            "actors": [create_access_token(actor)[0] for actor in actors],
            "book": to_base64("Book", book.pk),
        },
        sys.stdout,
    )


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def post(url: str, query: str, variables: dict, token: str) -> float:
    """Send one mutation; the monotonic time its response was read."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(  # noqa: S310 - local URL
        f"{url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        result = json.loads(response.read())
    done = time.monotonic()
    assert not result.get("errors"), result
    assert not any(payload["errors"] for payload in result["data"].values()), result
    return done


class Client:
    """One subscribed reader; records when each of its operations got an event."""

    def __init__(self, index: int) -> None:
        self.index = index
        # When each event arrived, per operation: "n" notifications, "b" the book's ratings.
        self.received: dict[str, asyncio.Queue] = {"n": asyncio.Queue(), "b": asyncio.Queue()}

    async def run(self, url: str, token: str, book: str, ready: asyncio.Event, stop: asyncio.Event):
        from websockets.asyncio.client import connect

        ws_url = url.replace("http", "ws", 1) + "/graphql"
        async with connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=60) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": token}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            for op_id, query, variables in (("n", NOTIFICATIONS, {}), ("b", BOOK, {"b": book})):
                payload = {"query": query, "variables": variables}
                await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))
            # A ping round trip: the server has read both subscriptions.
            await ws.send(json.dumps({"type": "ping"}))
            ready.set()
            receiver = asyncio.ensure_future(self.receive(ws))
            await stop.wait()
            receiver.cancel()

    async def receive(self, ws) -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "next":
                if message["payload"].get("errors"):
                    progress(f"client {self.index}: {message}")
                    continue
                self.received[message["id"]].put_nowait(time.monotonic())
            elif message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def drive(url: str, pid: int, seeded: dict) -> dict:
    loop = asyncio.get_running_loop()
    readers, book = seeded["readers"], seeded["book"]
    # Warm the server up (imports, first queries) before measuring its memory.
    await loop.run_in_executor(None, post, url, RATE, {"b": book}, readers[0]["token"])
    await asyncio.sleep(1)
    rss_before = rss_kib(pid)

    clients = [Client(n) for n in range(len(readers))]
    stop = asyncio.Event()
    tasks, started = [], time.monotonic()
    for batch in range(0, len(clients), 50):
        readies = []
        for client in clients[batch : batch + 50]:
            ready = asyncio.Event()
            readies.append(ready)
            token = readers[client.index]["token"]
            tasks.append(asyncio.ensure_future(client.run(url, token, book, ready, stop)))
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    connect_s = time.monotonic() - started
    progress(f"{len(clients)} clients subscribed in {connect_s:.1f} s")
    await asyncio.sleep(3)  # the last subscriptions join their groups; memory settles
    rss_after = rss_kib(pid)

    async def receipts(op_id: str) -> list[float]:
        gathered = asyncio.gather(*(c.received[op_id].get() for c in clients))
        try:
            return await asyncio.wait_for(gathered, timeout=120)
        except TimeoutError:
            missing = sum(1 for c in clients if c.received[op_id].empty())
            missing = [c.index for c in clients if c.received[op_id].empty()]
            raise RuntimeError(
                f"{op_id}: no event for {len(missing)} clients: {missing[:20]}"
            ) from None

    def summary(values: list[float]) -> dict:
        return {
            "p50_ms": round(statistics.median(values), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "max_ms": round(max(values), 1),
        }

    # Fan-out: one rating, every subscriber of the book.
    responded = await loop.run_in_executor(None, post, url, RATE, {"b": book}, seeded["actors"][0])
    fan_out = [(at - responded) * 1000 for at in await receipts("b")]
    progress("fan-out received")

    async def burst(actor: str, concurrency: int) -> dict:
        """`actor` follows every reader, `concurrency` mutations at a time."""
        started = time.monotonic()
        with ThreadPoolExecutor(concurrency) as pool:
            responses = await asyncio.gather(
                *(
                    loop.run_in_executor(pool, post, url, FOLLOW, {"id": r["id"]}, actor)
                    for r in readers
                )
            )
        received = await receipts("n")
        progress(f"burst of {len(readers)} follows, {concurrency} at a time, received")
        took = time.monotonic() - started
        latencies = [(at - sent) * 1000 for at, sent in zip(received, responses, strict=True)]
        return {
            **summary(latencies),
            "mutations": len(readers),
            "http_concurrency": concurrency,
            "mutations_per_s": round(len(readers) / took, 1),
        }

    bursts = [
        await burst(actor, concurrency)
        for actor, concurrency in zip(seeded["actors"], HTTP_CONCURRENCY, strict=True)
    ]
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    return {
        "clients": len(clients),
        "subscriptions": 2 * len(clients),
        "connect_and_subscribe_s": round(connect_s, 2),
        "rss_before_mib": round(rss_before / 1024, 1),
        "rss_after_mib": round(rss_after / 1024, 1),
        "memory_per_connection_kib": round((rss_after - rss_before) / len(clients), 1),
        "fan_out_one_rating": summary(fan_out),
        "notification_bursts": bursts,
    }


def main() -> int:
    from bench.results import record
    from bench.support import base_env, daphne, run_python, scratch_database

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    with scratch_database("booknest_bench_live") as database_url:
        env = base_env(
            database_url,
            REDIS_URL=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
            RATE_LIMIT_ENABLED="true",  # the real stack: every operation spends its points
            # Every client of this bench comes from 127.0.0.1.
            GRAPHQL_WS_MAX_CONNECTIONS_PER_IP=str(CLIENTS + 100),
        )
        run_python(["manage.py", "migrate", "-v0"], env)
        seeded = json.loads(run_python(["-m", "bench.live", "--seed", str(CLIENTS)], env))
        with daphne(env, "live-daphne") as (url, pid):
            figures = asyncio.run(drive(url, pid, seeded))
    # The goal is the issue's: notification bursts. Fan-out is reported beside it.
    worst = max(burst["p99_ms"] for burst in figures["notification_bursts"])
    figures["p99_goal_ms"] = P99_GOAL_MS
    figures["meets_goal"] = worst <= P99_GOAL_MS
    print(json.dumps(record("live", figures), indent=2))
    return 0 if figures["meets_goal"] else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        seed(int(sys.argv[2]))
    else:
        sys.exit(main())
