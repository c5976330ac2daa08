"""Open WebSockets end with their credentials, against a live daphne server over real sockets.

A reader subscribed from two devices (two sessions, logged in through `tokenAuth`) and from a
script (a personal access token): revoking one session through the API, from another client,
closes that session's socket at once with 4403 "Forbidden: session revoked" and nothing more
arrives on it, while the other session's socket and the script's keep receiving events; the
same for a personal access token. Both protocols. On the test run's services (PostgreSQL and
the Redis channel layer when set); tests/e2e/test_ws_cluster.py does it across two processes.
"""

import pytest

from tests.e2e.server import daphne, live_database, seed, services_server_env
from tests.e2e.ws_client import WSClient, closed_by_server, http_graphql, log_in, settle
from tests.e2e.ws_seed import LIV_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FOLLOWS = "subscription { followEvents { following follower { username } } }"
FOLLOW = "mutation($id: ID!) { follow(userId: $id) { errors { code } } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { errors { code } } }"
FOLLOWING = "query($u: String!) { user(username: $u) { isFollowedByViewer } }"
REVOKE_SESSION = "mutation($id: ID!) { revokeSession(id: $id) { id errors { code } } }"
CREATE_PAT = """mutation($name: String!) {
  createPersonalAccessToken(input: {name: $name, scopes: [READ]}) {
    token personalAccessToken { id } errors { code } } }"""
REVOKE_PAT = "mutation($id: ID!) { revokePersonalAccessToken(id: $id) { errors { code } } }"
PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """(base URL, seed) of a migrated, seeded server on a throwaway database."""
    tmp = tmp_path_factory.mktemp("ws-revocation")
    with live_database(tmp) as database_url:
        env = services_server_env(tmp, database_url)
        seeded = seed(env)
        with daphne(env) as url:
            yield url, seeded


class Follows:
    """Bob following and unfollowing Liv over HTTP: one `followEvents` event for her each."""

    def __init__(self, url: str, seed: dict) -> None:
        self.url = url
        self.bob, self.liv = seed["users"]["bob"], seed["users"]["liv"]
        asked = http_graphql(url, FOLLOWING, {"u": "liv"}, self.bob["token"])
        self.following = asked["user"]["isFollowedByViewer"]  # as an earlier test left it

    def toggle(self) -> None:
        self.following = not self.following
        mutation = FOLLOW if self.following else UNFOLLOW
        http_graphql(self.url, mutation, {"id": self.liv["id"]}, self.bob["token"])

    def heard_by(self, *clients: WSClient) -> None:
        self.toggle()
        for client in clients:
            event = client.next_data("f")["followEvents"]
            assert event == {"following": self.following, "follower": {"username": "bob"}}


def subscribed(url: str, token: str, protocol: str = "graphql-transport-ws") -> WSClient:
    client = WSClient.as_user(url, token, protocol=protocol)
    client.subscribe("f", FOLLOWS)
    settle(client)
    return client


def create_pat(url: str, session_token: str, name: str) -> tuple[str, str]:
    """(the token's id, its secret), made through the API."""
    made = http_graphql(url, CREATE_PAT, {"name": name}, session_token)
    made = made["createPersonalAccessToken"]
    assert made["errors"] == [], made
    return made["personalAccessToken"]["id"], made["token"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_revoking_a_session_closes_its_socket_and_no_event_follows(live, protocol):
    url, seed = live
    follows = Follows(url, seed)
    laptop = log_in(url, "liv", LIV_PASSWORD)
    phone = log_in(url, "liv", LIV_PASSWORD)
    _, secret = create_pat(url, phone["token"], f"script over {protocol}")
    with (
        subscribed(url, laptop["token"], protocol) as on_laptop,
        subscribed(url, phone["token"], protocol) as on_phone,
        subscribed(url, secret, protocol) as script,
    ):
        follows.heard_by(on_laptop, on_phone, script)

        revoked = http_graphql(url, REVOKE_SESSION, {"id": laptop["sid"]}, phone["token"])
        assert revoked["revokeSession"] == {"id": laptop["sid"], "errors": []}

        assert closed_by_server(on_laptop) == (4403, "Forbidden: session revoked")
        # The same reader's other session and token are untouched and keep hearing events.
        follows.heard_by(on_phone, script)
        follows.heard_by(on_phone, script)

    # And the revoked session's token cannot open a new one.
    client = WSClient(url, protocol=protocol, init=False)
    client.send({"type": "connection_init", "payload": {"authToken": laptop["token"]}})
    code, _ = closed_by_server_after_refusal(client)
    assert code == 4403


def closed_by_server_after_refusal(client: WSClient) -> tuple[int, str]:
    """A refused `connection_init`: the legacy protocol says `connection_error` first."""
    if client.protocol == "graphql-ws":
        assert client.receive()["type"] == "connection_error"
    return closed_by_server(client)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_revoking_a_personal_access_token_closes_its_socket_only(live, protocol):
    url, seed = live
    follows = Follows(url, seed)
    app = log_in(url, "liv", LIV_PASSWORD)
    token_id, secret = create_pat(url, app["token"], f"e-reader over {protocol}")
    _, other_secret = create_pat(url, app["token"], f"script over {protocol}")
    with (
        subscribed(url, secret, protocol) as reader,
        subscribed(url, other_secret, protocol) as script,
        subscribed(url, app["token"], protocol) as on_app,
    ):
        follows.heard_by(reader, script, on_app)

        revoked = http_graphql(url, REVOKE_PAT, {"id": token_id}, app["token"])
        assert revoked["revokePersonalAccessToken"]["errors"] == []

        assert closed_by_server(reader) == (4403, "Forbidden: personal access token revoked")
        follows.heard_by(script, on_app)
