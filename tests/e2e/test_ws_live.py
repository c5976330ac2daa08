"""GraphQL subscriptions against one live daphne server, over real WebSocket connections.

One server for the whole module, seeded once; each test uses the seeded readers in its own way.
Events are triggered over HTTP. The server runs on the test run's services: PostgreSQL (a fresh
database on DATABASE_URL's server) and the Redis channel layer (REDIS_URL) when they are set, as
in CI's first pass; a SQLite file and the in-memory layer otherwise (tests/e2e/server.py).
"""

import json
import time
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.server import (
    ON_POSTGRES,
    REDIS_URL,
    daphne,
    live_database,
    seed,
    services_server_env,
)
from tests.e2e.ws_client import TIMEOUT, WSClient, http_graphql, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FOLLOW = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { errors { code } } }"
RATE = "mutation($b: ID!, $v: Float!) { rateBook(bookId: $b, value: $v) { errors { code } } }"
REVIEW = """mutation($b: ID!, $p: Privacy!) {
  createReview(input: {bookId: $b, body: "Live!", privacy: $p}) { errors { code } } }"""
RESERVE = "mutation($b: ID!) { reserveBook(bookId: $b) { reservation { id } errors { code } } }"
CANCEL = "mutation($r: ID!) { cancelReservation(reservationId: $r) { errors { code } } }"

NOTIFICATIONS = """subscription { notificationAdded {
  unreadCount notification { id kind { key } actor { username } } } }"""
FOLLOWS = "subscription { followEvents { following follower { username } } }"
ACTIVITIES = "subscription { activityAdded { verb actor { username } } }"
BOOK = """subscription($b: ID!) { bookActivity(bookId: $b) {
  book { title } rating { value user { username } } review { body } } }"""
RESERVATIONS = "subscription { reservationUpdated { change reservation { id status } } }"
IMPORT = "subscription($j: ID!) { importProgress(jobId: $j) { status processedRows finished } }"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(base URL, seed) of a migrated, seeded server on a throwaway database."""
    tmp = tmp_path_factory.mktemp("ws-live")
    with live_database(tmp) as database_url:
        env = services_server_env(
            tmp,
            database_url,
            GRAPHQL_WS_KEEPALIVE_SECONDS="1",
            GRAPHQL_WS_INIT_TIMEOUT_SECONDS="2",
            GRAPHQL_WS_MAX_SUBSCRIPTIONS="3",
            CORS_ALLOWED_ORIGINS="https://app.example",
        )
        seeded = seed(env)
        with daphne(env) as url:
            yield url, seeded


def backends(url: str) -> tuple[str, str] | None:
    """(database, channel layer) as /readyz names them, or None when a check did not answer in
    its two seconds (a loaded CI machine): its backend is then not reported."""
    try:
        response = urlopen(f"{url}/readyz", timeout=TIMEOUT)  # noqa: S310 - a local URL
    except HTTPError as unready:  # 503 still has the body
        response = unready
    checks = json.loads(response.read())["checks"]
    names = (checks["database"].get("backend"), checks["channel_layer"].get("backend"))
    return names if all(names) else None


def test_the_server_runs_on_the_services_of_the_test_run(live):
    """CI's first pass must test subscriptions on PostgreSQL and Redis, not on the defaults."""
    for _ in range(10):
        if found := backends(live[0]):
            break
        time.sleep(1)
    expected = ("postgresql" if ON_POSTGRES else "sqlite", "redis" if REDIS_URL else "in memory")
    assert found == expected


def user(live, name: str) -> dict:
    return live[1]["users"][name]


# --- handshake and authentication ------------------------------------------------------------


def test_good_token_is_acknowledged_and_bad_ones_close_with_4403(live):
    url, seed = live
    with WSClient.as_user(url, user(live, "ada")["token"]) as client:
        assert client.ack["type"] == "connection_ack"
    for payload in (
        {"authToken": "not-a-token"},
        {"authToken": seed["expired_token"]},
        {"authToken": seed["revoked_token"]},
        {"Authorization": "Bearer not-a-token"},
    ):
        client = WSClient(url, init=False)
        client.send({"type": "connection_init", "payload": payload})
        with pytest.raises(ConnectionClosed) as closed:
            client.receive()
        assert closed.value.rcvd.code == 4403, payload


def test_token_in_authorization_payload_or_header_is_accepted(live):
    url, _ = live
    token = user(live, "ada")["token"]
    for client in (
        WSClient(url, {"Authorization": f"Bearer {token}"}),
        WSClient(url, headers={"Authorization": f"Bearer {token}"}),
    ):
        with client:
            assert client.ack["type"] == "connection_ack"
            client.subscribe("1", "subscription { followEvents { following } }")
            settle(client)  # a login-only stream runs: no UNAUTHENTICATED error arrives


def test_legacy_protocol_refuses_a_bad_token_with_4403_too(live):
    url, _ = live
    client = WSClient(url, init=False, protocol="graphql-ws")
    client.send({"type": "connection_init", "payload": {"authToken": "nope"}})
    assert client.receive()["type"] == "connection_error"
    with pytest.raises(ConnectionClosed) as closed:
        client.receive()
    assert closed.value.rcvd.code == 4403


def test_anonymous_may_follow_public_streams_only(live):
    url, seed = live
    with WSClient(url) as client:
        assert client.ack["type"] == "connection_ack"
        client.subscribe("n", NOTIFICATIONS)
        refused = client.receive()
        assert refused["type"] == "error" or refused["payload"].get("errors"), refused
        assert "UNAUTHENTICATED" in json.dumps(refused)
        client.subscribe("b", BOOK, {"b": seed["book"]})
        settle(client)
        http_graphql(url, RATE, {"b": seed["book"], "v": 4}, user(live, "bob")["token"])
        event = client.next_data("b")["bookActivity"]
        assert event["rating"] == {"value": 4.0, "user": {"username": "bob"}}
        assert event["book"]["title"] == "Live Book"


def test_legacy_protocol_delivers_events(live):
    """Apollo's subscriptions-transport-ws (`graphql-ws` subprotocol) gets `data` messages."""
    url, seed = live
    with WSClient(url, protocol="graphql-ws") as client:
        assert client.ack["type"] == "connection_ack"
        client.subscribe("1", BOOK, {"b": seed["book"]})
        settle(client)
        http_graphql(url, RATE, {"b": seed["book"], "v": 3}, user(live, "ada")["token"])
        event = client.next_data("1")["bookActivity"]
        assert event["rating"] == {"value": 3.0, "user": {"username": "ada"}}


def test_foreign_origin_is_refused_and_cors_origins_are_let_in(live):
    url, _ = live
    with pytest.raises(InvalidStatus) as refused:
        WSClient(url, headers={"Origin": "https://evil.example"})
    assert refused.value.response.status_code == 403
    # An allowed host, but another origin (a page on another port) is still a foreign page.
    with pytest.raises(InvalidStatus):
        WSClient(url, headers={"Origin": "http://localhost:3000"})
    with WSClient(url, headers={"Origin": url}) as client:  # GraphiQL's own page
        assert client.ack["type"] == "connection_ack"
    # A frontend served elsewhere, allowed by CORS_ALLOWED_ORIGINS, may subscribe too.
    with WSClient(url, headers={"Origin": "https://app.example"}) as client:
        assert client.ack["type"] == "connection_ack"
    with pytest.raises(InvalidStatus):
        WSClient(url, headers={"Origin": "https://app.example.evil.example"})


def test_connection_init_timeout_closes_with_4408(live):
    url, _ = live
    client = WSClient(url, init=False)
    with pytest.raises(ConnectionClosed) as closed:
        client.receive()
    assert closed.value.rcvd.code == 4408


def test_keepalive_pings_in_both_protocols(live):
    url, _ = live
    token = user(live, "ada")["token"]
    with WSClient.as_user(url, token) as client:
        assert json.loads(client.ws.recv(timeout=10))["type"] == "ping"
    with WSClient(url, {"authToken": token}, protocol="graphql-ws") as client:
        assert client.ack["type"] == "connection_ack"
        assert json.loads(client.ws.recv(timeout=10))["type"] == "ka"


def test_subscriptions_per_connection_are_capped(live):
    url, seed = live
    with WSClient(url) as client:
        for n in range(3):
            client.subscribe(str(n), BOOK, {"b": seed["other_book"]})
        client.subscribe("4", BOOK, {"b": seed["other_book"]})
        refused = client.receive()
        assert refused["type"] == "error" and refused["id"] == "4"
        assert "limit" in json.dumps(refused)
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
def test_text_that_cannot_be_stored_is_refused_and_the_connection_lives_on(live, protocol):
    # A lone surrogate crosses the socket as the JSON escape `\ud800` (json.dumps writes it).
    url, _ = live
    with WSClient(url, protocol=protocol) as client:
        client.subscribe("bad", BOOK, {"b": "Qm9vazox\ud800"})
        refused = client.receive()
        assert (refused["type"], refused["id"]) == ("error", "bad")
        payload = refused["payload"]
        error = payload[0] if isinstance(payload, list) else payload
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "variable": "b", "path": "b"}

        # The connection lives on: the next operation gets its own answer.
        client.subscribe("several", "subscription A { followEvents { following } } " + FOLLOWS)
        refused = client.receive()
        assert (refused["type"], refused["id"]) == ("error", "several")
        payload = refused["payload"]
        error = payload[0] if isinstance(payload, list) else payload
        assert error["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"


# --- the streams -----------------------------------------------------------------------------


def test_follow_and_notification_reach_the_followee_only(live):
    url, _ = live
    ada, bob, cyd = (user(live, name) for name in ("ada", "bob", "cyd"))
    with (
        WSClient.as_user(url, ada["token"]) as ada_ws,
        WSClient.as_user(url, cyd["token"]) as cyd_ws,
    ):
        for client in (ada_ws, cyd_ws):
            client.subscribe("f", FOLLOWS)
            client.subscribe("n", NOTIFICATIONS)
            settle(client)
        ada_ws.subscribe("u", "subscription { unreadNotificationCountChanged }")
        settle(ada_ws)
        http_graphql(url, FOLLOW, {"id": ada["id"]}, bob["token"])
        events = {m["id"]: m["payload"]["data"] for m in (ada_ws.receive() for _ in range(3))}
        assert events["f"]["followEvents"] == {"following": True, "follower": {"username": "bob"}}
        added = events["n"]["notificationAdded"]
        assert added["notification"]["kind"]["key"] == "new_follower"
        assert added["notification"]["actor"]["username"] == "bob"
        assert added["unreadCount"] == 1
        assert events["u"] == {"unreadNotificationCountChanged": 1}
        # Read on another device: the badge here drops to zero.
        read_all = "mutation { markNotificationsRead(all: true) { unreadCount } }"
        http_graphql(url, read_all, token=ada["token"])
        assert ada_ws.next_data("u") == {"unreadNotificationCountChanged": 0}
        # Cyd's first events are about Cyd: nothing about Ada's follower came before them. (Her
        # follow event and her notification are published together and may come in either order.)
        http_graphql(url, FOLLOW, {"id": cyd["id"]}, bob["token"])
        events = {m["id"]: m["payload"]["data"] for m in (cyd_ws.receive() for _ in range(2))}
        assert events["f"]["followEvents"] == {"following": True, "follower": {"username": "bob"}}
        assert events["n"]["notificationAdded"]["unreadCount"] == 1
        http_graphql(url, UNFOLLOW, {"id": ada["id"]}, bob["token"])
        assert ada_ws.next_data("f")["followEvents"]["following"] is False


def test_activity_feed_follows_new_followees_and_respects_privacy(live):
    url, seed = live
    eve, bob, cyd, dan = (user(live, name) for name in ("eve", "bob", "cyd", "dan"))
    http_graphql(url, FOLLOW, {"id": bob["id"]}, eve["token"])
    with (
        WSClient.as_user(url, eve["token"]) as eve_ws,
        WSClient.as_user(url, dan["token"]) as dan_ws,
    ):
        eve_ws.subscribe("a", ACTIVITIES)
        dan_ws.subscribe("a", ACTIVITIES)  # Dan follows nobody
        settle(eve_ws)
        settle(dan_ws)
        http_graphql(url, RATE, {"b": seed["other_book"], "v": 3}, bob["token"])
        assert eve_ws.next_data("a")["activityAdded"] == {
            "verb": "RATED",
            "actor": {"username": "bob"},
        }
        # Followed during the subscription: Cyd's activity arrives too, but not a private one.
        http_graphql(url, FOLLOW, {"id": cyd["id"]}, eve["token"])
        settle(eve_ws)
        http_graphql(url, REVIEW, {"b": seed["other_book"], "p": "PRIVATE"}, cyd["token"])
        http_graphql(url, RATE, {"b": seed["other_book"], "v": 5}, cyd["token"])
        event = eve_ws.next_data("a")["activityAdded"]
        assert event == {"verb": "RATED", "actor": {"username": "cyd"}}
        # Dan follows Dan's own news only: his first event is his own followee's, none before.
        http_graphql(url, FOLLOW, {"id": bob["id"]}, dan["token"])
        settle(dan_ws)
        http_graphql(url, RATE, {"b": seed["other_book"], "v": 2}, bob["token"])
        assert dan_ws.next_data("a")["activityAdded"]["actor"]["username"] == "bob"


def test_book_activity_is_public_reviews_and_ratings_of_that_book(live):
    url, seed = live
    cyd, eve = user(live, "cyd"), user(live, "eve")
    with WSClient(url) as client:
        client.subscribe("b", BOOK, {"b": seed["book"]})
        settle(client)
        http_graphql(url, REVIEW, {"b": seed["book"], "p": "FOLLOWERS"}, cyd["token"])
        http_graphql(url, RATE, {"b": seed["other_book"], "v": 1}, eve["token"])  # other book
        http_graphql(url, REVIEW, {"b": seed["book"], "p": "PUBLIC"}, eve["token"])
        event = client.next_data("b")["bookActivity"]
        assert event["review"] == {"body": "Live!"} and event["rating"] is None


def test_reservation_updates_reach_the_reader(live):
    url, seed = live
    ada, bob = user(live, "ada"), user(live, "bob")
    with (
        WSClient.as_user(url, ada["token"]) as ada_ws,
        WSClient.as_user(url, bob["token"]) as bob_ws,
    ):
        ada_ws.subscribe("r", RESERVATIONS)
        bob_ws.subscribe("r", RESERVATIONS)
        settle(ada_ws)
        settle(bob_ws)
        reserved = http_graphql(url, RESERVE, {"b": seed["book"]}, ada["token"])
        reservation = reserved["reserveBook"]["reservation"]["id"]
        ready = ada_ws.next_data("r")["reservationUpdated"]
        assert ready == {"change": "READY", "reservation": {"id": reservation, "status": "READY"}}
        http_graphql(url, CANCEL, {"r": reservation}, ada["token"])
        cancelled = ada_ws.next_data("r")["reservationUpdated"]
        assert cancelled["change"] == "CANCELLED"
        assert cancelled["reservation"]["status"] == "CANCELLED"
        # Bob's first event is his own reservation: Ada's never reached him.
        http_graphql(url, RESERVE, {"b": seed["book"]}, bob["token"])
        assert bob_ws.next_data("r")["reservationUpdated"]["change"] == "READY"


def test_import_progress_is_for_the_owner_only(live):
    url, seed = live
    with WSClient.as_user(url, user(live, "bob")["token"]) as bob_ws:
        bob_ws.subscribe("i", IMPORT, {"j": seed["job"]})
        refused = bob_ws.receive()
        assert "NOT_FOUND" in json.dumps(refused), refused
    with WSClient.as_user(url, user(live, "ada")["token"]) as ada_ws:
        ada_ws.subscribe("i", IMPORT, {"j": seed["job"]})
        first = ada_ws.next_data("i")["importProgress"]
        assert first == {"status": "PENDING", "processedRows": 0, "finished": False}


def test_disconnect_and_reconnect_resumes_delivery(live):
    url, _ = live
    ada, bob = user(live, "ada"), user(live, "bob")
    client = WSClient.as_user(url, bob["token"])
    client.subscribe("f", FOLLOWS)
    client.close()
    with WSClient.as_user(url, bob["token"]) as again:
        again.subscribe("f", FOLLOWS)
        settle(again)
        http_graphql(url, FOLLOW, {"id": bob["id"]}, ada["token"])
        assert again.next_data("f")["followEvents"]["follower"]["username"] == "ada"
    # The server is still healthy after the abrupt close.
    http_graphql(url, "{ __typename }")


def test_each_event_is_read_fresh_not_from_an_earlier_events_cache(live):
    """Loaders live per event: a name changed between two events shows in the second."""
    url, _ = live
    dan, eve = user(live, "dan"), user(live, "eve")
    rename = 'mutation { updateProfile(input: {displayName: "Daniel"}) { errors { code } } }'
    with WSClient.as_user(url, eve["token"]) as eve_ws:
        eve_ws.subscribe(
            "f", "subscription { followEvents { following follower { displayName } } }"
        )
        settle(eve_ws)
        http_graphql(url, FOLLOW, {"id": eve["id"]}, dan["token"])
        assert eve_ws.next_data("f")["followEvents"]["follower"] == {"displayName": "dan"}
        http_graphql(url, rename, token=dan["token"])
        http_graphql(url, UNFOLLOW, {"id": eve["id"]}, dan["token"])
        event = eve_ws.next_data("f")["followEvents"]
        assert event == {"following": False, "follower": {"displayName": "Daniel"}}
