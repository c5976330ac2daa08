"""Locust users for `bench.load`: readers browsing and writing over HTTP, subscribers over WebSocket.

Run by `bench.load` (headless, 50 users, 60 s) with BENCH_LOAD_SEED naming the JSON file of the
seeded world (books, readers with access tokens). A request fails when its status is not 200,
when the answer has top-level `errors`, or when a mutation's payload has `errors`.
"""

import itertools
import json
import os
import random
import time

from locust import HttpUser, User, between, events, task

WORLD = json.loads(open(os.environ["BENCH_LOAD_SEED"]).read())  # noqa: SIM115
_readers = itertools.count()

BOOKS = """query Books($first: Int!, $after: String) {
  books(first: $first, after: $after, order: {field: RATINGS_COUNT, direction: DESC}) {
    pageInfo { hasNextPage endCursor }
    edges { node { id title averageRating authors { name } genres { slug }
                   viewerRating { value } viewerStatus } }
  }
}"""
BOOK_PAGE = """query BookPage($id: ID!) {
  book(id: $id) {
    id title description
    authors { name }
    genres { name }
    ratingSummary { average count histogram { value count } }
    viewerRating { value }
    viewerStatus
    reviews(first: 20) {
      totalCount
      edges { node { title body canEdit user { username displayName isFollowedByViewer } } }
    }
  }
}"""
SEARCH = """query Search($query: String!) {
  search(query: $query, types: [BOOK, AUTHOR], first: 20) {
    totalCount
    edges { score node { __typename ... on Book { id title } ... on Author { id name } } }
  }
}"""
SHELVE = """mutation Shelve($book: ID!, $status: ReadingStatus!) {
  setReadingStatus(bookId: $book, status: $status) { errors { code message } }
}"""
RATE = """mutation Rate($book: ID!, $value: Float!) {
  rateBook(bookId: $book, value: $value) { errors { code message } }
}"""
REVIEW = """mutation Review($input: CreateReviewInput!) {
  createReview(input: $input) { errors { code message } review { id } }
}"""
FOLLOW = "mutation($id: ID!) { follow(userId: $id) { errors { code message } } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { errors { code message } } }"
SUBSCRIPTIONS = (
    ("book", "subscription($b: ID!) { bookActivity(bookId: $b) { rating { value } } }"),
    ("notifications", "subscription { notificationAdded { unreadCount } }"),
)
# Response times of HTTP requests (ms): WebSocket events are counted, not timed, so the
# headline percentiles come from these (bench.load reads BENCH_LOAD_OUT at the end).
HTTP_TIMES: list[float] = []
STARTED = time.monotonic()


@events.request.add_listener
def _record(request_type, response_time, exception, **_kwargs) -> None:
    if request_type != "WS" and exception is None:
        HTTP_TIMES.append(response_time)


@events.quitting.add_listener
def _write_http_figures(environment, **_kwargs) -> None:
    out = os.environ.get("BENCH_LOAD_OUT")
    if not out:
        return
    ordered = sorted(HTTP_TIMES)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0

    elapsed = time.monotonic() - STARTED
    with open(out, "w") as handle:
        json.dump(
            {
                "http_requests": len(ordered),
                "elapsed_s": elapsed,
                "p50_ms": pct(0.50),
                "p99_ms": pct(0.99),
            },
            handle,
        )


WORDS = ["saga", "volume", "dragon", "night", "garden", "river", "author", "house", "star"]


class Reader(HttpUser):
    """A logged-in reader: browses, searches, shelves, rates, reviews and follows."""

    weight = 4
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.index = next(_readers) % len(WORLD["readers"])
        me = WORLD["readers"][self.index]
        self.token = me["token"]
        self.others = [r["id"] for r in WORLD["readers"] if r["id"] != me["id"]]
        self.following: set[str] = set()
        self.reviewed = itertools.count(self.index * 7)
        self.cursor = None

    def graphql(self, name: str, query: str, variables: dict) -> dict | None:
        body = {"query": query, "variables": variables}
        headers = {"Authorization": f"Bearer {self.token}"}
        with self.client.post(
            "/graphql", json=body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:300]}")
                return None
            result = response.json()
            payload_errors = [
                value["errors"]
                for value in (result.get("data") or {}).values()
                if isinstance(value, dict) and value.get("errors")
            ]
            if result.get("errors") or payload_errors:
                response.failure(json.dumps(result.get("errors") or payload_errors)[:300])
                return None
            return result["data"]

    def book(self) -> str:
        # Most reading happens on a few popular books.
        books = WORLD["books"]
        return books[min(int(random.expovariate(1 / 20)), len(books) - 1)]

    @task(4)
    def browse_books(self) -> None:
        data = self.graphql("books page", BOOKS, {"first": 20, "after": self.cursor})
        if data:
            info = data["books"]["pageInfo"]
            self.cursor = info["endCursor"] if info["hasNextPage"] else None

    @task(4)
    def book_page(self) -> None:
        self.graphql("book page", BOOK_PAGE, {"id": self.book()})

    @task(2)
    def search(self) -> None:
        self.graphql("search", SEARCH, {"query": " ".join(random.sample(WORDS, 2))})

    @task(1)
    def shelve(self) -> None:
        status = random.choice(["WANT_TO_READ", "READING", "READ"])
        self.graphql("shelve", SHELVE, {"book": self.book(), "status": status})

    @task(1)
    def rate(self) -> None:
        value = random.randint(1, 10) / 2
        self.graphql("rate", RATE, {"book": self.book(), "value": value})

    @task(1)
    def review(self) -> None:
        books = WORLD["books"]
        book = books[next(self.reviewed) % len(books)]  # a book this reader has not reviewed
        text = f"Review by reader {self.index}: " + " ".join(random.choices(WORDS, k=30))
        self.graphql("review", REVIEW, {"input": {"bookId": book, "body": text}})

    @task(1)
    def follow(self) -> None:
        other = random.choice(self.others)
        if other in self.following:
            self.following.discard(other)
            self.graphql("unfollow", UNFOLLOW, {"id": other})
        else:
            self.following.add(other)
            self.graphql("follow", FOLLOW, {"id": other})


class Subscriber(User):
    """A reader with a WebSocket open: subscribed to a popular book's activity and to their
    notifications; each event received is reported as a `WS` request."""

    weight = 1
    wait_time = between(0, 0)

    def on_start(self) -> None:
        from websockets.sync.client import connect

        self.index = next(_readers) % len(WORLD["readers"])
        url = self.host.replace("http", "ws", 1) + "/graphql"
        started = time.perf_counter()
        try:
            self.ws = connect(url, subprotocols=["graphql-transport-ws"], open_timeout=30)
            token = WORLD["readers"][self.index]["token"]
            self.ws.send(json.dumps({"type": "connection_init", "payload": {"authToken": token}}))
            ack = json.loads(self.ws.recv(timeout=30))
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no ack: {ack}")
            for op_id, query in SUBSCRIPTIONS:
                variables = {"b": WORLD["books"][self.index % 3]} if op_id == "book" else {}
                payload = {"query": query, "variables": variables}
                self.ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))
        except Exception as exc:
            self.ws = None
            self.fire("subscribe", started, exc)
            return
        self.fire("subscribe", started)

    def fire(self, name: str, started: float, exc: Exception | None = None) -> None:
        events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=exc,
            context={},
        )

    @task
    def listen(self) -> None:
        if self.ws is None:
            time.sleep(1)
            return
        started = time.perf_counter()
        try:
            message = json.loads(self.ws.recv(timeout=1))
        except TimeoutError:
            return
        kind = message.get("type")
        if kind == "next":
            error = message["payload"].get("errors")
            exc = RuntimeError(json.dumps(error)[:300]) if error else None
            self.fire(f"event {message.get('id')}", time.perf_counter(), exc)  # counted, not timed
        elif kind in {"error", "complete"}:
            self.fire(f"{kind} {message.get('id')}", started, RuntimeError(json.dumps(message)))
        elif kind == "ping":
            self.ws.send(json.dumps({"type": "pong"}))

    def on_stop(self) -> None:
        if self.ws is not None:
            self.ws.close()
