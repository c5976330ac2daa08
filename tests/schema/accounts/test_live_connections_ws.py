"""Open WebSockets end with their credentials (apps/accounts/live_connections.py, schema/ws.py):
every revocation path closes the sockets it names with 4403 and a reason, at once, and leaves
the others open; a token's expiry closes its sockets too. Through the real ASGI application and
consumer (Channels' communicator); events and revocations through the API or the services.
tests/e2e/test_ws_revocation_live.py does the same against live daphne processes."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from apps.accounts import email_tokens
from apps.accounts.models import EmailTokenPurpose as Purpose
from apps.accounts.models import PersonalAccessToken, RefreshToken, Session, User
from apps.accounts.personal_tokens import create_personal_access_token
from apps.accounts.suspension import suspend_user
from apps.accounts.tokens import create_access_token
from apps.social.services import follow, unfollow
from booknest.asgi import application
from tests.factories import make_superuser, make_user
from tests.schema.accounts.helpers import PASSWORD, REFRESH
from tests.schema.accounts.live_ws_helpers import (
    TIMEOUT,
    Socket,
    graphql,
    isolated_channel_layer,
    log_in,
    pat_id,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.asyncio,
]

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
REVOKE_SESSION = "mutation($id: ID!) { revokeSession(id: $id) { id errors { code } } }"
REVOKE_TOKEN = "mutation($t: String!) { revokeToken(refreshToken: $t) { revoked } }"
LOGOUT_ALL = "mutation { logoutAll { ok } }"
CHANGE_PASSWORD = """mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) { errors { code } } }"""
RESET_PASSWORD = """mutation($t: String!, $p: String!) {
  resetPassword(token: $t, newPassword: $p) { errors { code } } }"""
DELETE_ACCOUNT = "mutation($p: String!) { deleteAccount(password: $p) { errors { code } } }"
REVOKE_PAT = "mutation($id: ID!) { revokePersonalAccessToken(id: $id) { errors { code } } }"
NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def _own_channel_layer(settings):
    isolated_channel_layer(settings)


@pytest.fixture
async def readers():
    """(ada, bob): ada has a password; bob's follows make ada's events."""
    ada = await sync_to_async(make_user)("ada", password=PASSWORD)
    bob = await sync_to_async(make_user)("bob")
    return ada, bob


class Events:
    """Bob following and unfollowing Ada: each toggle is one `followEvents` event for her."""

    def __init__(self, ada: User, bob: User) -> None:
        self.ada, self.bob, self.following = ada, bob, False

    async def next(self) -> None:
        self.following = not self.following
        await sync_to_async(follow if self.following else unfollow)(self.bob, self.ada.pk)


async def pat_for(user: User, name: str = "script", days: int | None = None) -> tuple[int, str]:
    row, secret = await sync_to_async(create_personal_access_token)(user, name, ["read"], days)
    return row.pk, secret


async def all_hear(events: Events, *sockets: Socket) -> None:
    await events.next()
    for socket in sockets:
        assert await socket.next_follower() == "bob"


async def close_all(*sockets: Socket) -> None:
    for socket in sockets:
        await socket.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_revoke_session_closes_that_sessions_sockets_only(readers, protocol):
    ada, bob = readers
    events = Events(ada, bob)
    laptop, phone = await log_in("ada"), await log_in("ada")
    _, secret = await pat_for(ada)
    on_laptop = await Socket.open(laptop["token"], protocol)
    also_on_laptop = await Socket.open(laptop["token"], protocol)
    on_phone = await Socket.open(phone["token"], protocol)
    script = await Socket.open(secret, protocol)
    try:
        await all_hear(events, on_laptop, also_on_laptop, on_phone, script)

        revoked = await graphql(REVOKE_SESSION, {"id": laptop["sid"]}, phone["token"])
        assert revoked["revokeSession"] == {"id": laptop["sid"], "errors": []}

        for socket in (on_laptop, also_on_laptop):
            assert await socket.closed() == (4403, "Forbidden: session revoked")
        await all_hear(events, on_phone, script)
        for socket in (on_laptop, also_on_laptop):
            await socket.stays_silent()
    finally:
        await close_all(on_laptop, also_on_laptop, on_phone, script)


async def test_logging_out_and_a_reused_refresh_token_close_their_sessions_sockets(readers):
    ada, bob = readers
    events = Events(ada, bob)
    leaving, robbed, staying = await log_in("ada"), await log_in("ada"), await log_in("ada")
    sockets = [await Socket.open(s["token"]) for s in (leaving, robbed, staying)]
    try:
        await graphql(REVOKE_TOKEN, {"t": leaving["refreshToken"]})
        assert await sockets[0].closed() == (4403, "Forbidden: session revoked")

        # A refresh token presented twice was stolen: its session ends, its sockets with it.
        await graphql(REFRESH, {"refreshToken": robbed["refreshToken"]})
        await graphql_refused(REFRESH, {"refreshToken": robbed["refreshToken"]})
        assert await sockets[1].closed() == (4403, "Forbidden: session revoked")

        await all_hear(events, sockets[2])
    finally:
        await close_all(*sockets)


async def graphql_refused(query: str, variables: dict) -> None:
    with pytest.raises(AssertionError, match="UNAUTHENTICATED"):
        await graphql(query, variables)


@pytest.mark.parametrize("how", ["logoutAll", "changePassword", "resetPassword"])
async def test_account_wide_logouts_close_every_session_socket_but_not_tokens(readers, how):
    ada, bob = readers
    events = Events(ada, bob)
    one, two = await log_in("ada"), await log_in("ada")
    # An access token from before sessions existed (no `sid`): logging out everywhere ends it.
    sessionless = (await sync_to_async(create_access_token)(ada))[0]
    _, secret = await pat_for(ada)
    sockets = [await Socket.open(token) for token in (one["token"], two["token"], sessionless)]
    script = await Socket.open(secret)
    try:
        if how == "logoutAll":
            await graphql(LOGOUT_ALL, token=one["token"])
        elif how == "changePassword":
            changed = await graphql(
                CHANGE_PASSWORD, {"old": PASSWORD, "new": NEW_PASSWORD}, one["token"]
            )
            assert changed["changePassword"]["errors"] == []
        else:
            raw = await sync_to_async(email_tokens.issue)(
                ada, Purpose.RESET_PASSWORD, ada.email, 3600
            )
            reset = await graphql(RESET_PASSWORD, {"t": raw, "p": NEW_PASSWORD})
            assert reset["resetPassword"]["errors"] == []

        for socket in sockets:
            assert await socket.closed() == (4403, "Forbidden: all sessions revoked")
        # Personal access tokens survive a logout everywhere, and so do their sockets.
        await all_hear(events, script)
    finally:
        await close_all(*sockets, script)


async def test_revoking_a_personal_access_token_closes_its_sockets_only(readers):
    ada, bob = readers
    events = Events(ada, bob)
    session = await log_in("ada")
    revoked_id, revoked_secret = await pat_for(ada, "e-reader")
    _, kept_secret = await pat_for(ada, "script")
    revoked = await Socket.open(revoked_secret)
    kept = await Socket.open(kept_secret)
    app = await Socket.open(session["token"])
    try:
        answer = await graphql(REVOKE_PAT, {"id": pat_id(revoked_id)}, session["token"])
        assert answer["revokePersonalAccessToken"]["errors"] == []

        assert await revoked.closed() == (4403, "Forbidden: personal access token revoked")
        await all_hear(events, kept, app)
        await revoked.stays_silent()
    finally:
        await close_all(revoked, kept, app)


async def test_deleting_the_account_closes_all_its_sockets_tokens_included(readers):
    ada, bob = readers
    session = await log_in("ada")
    _, secret = await pat_for(ada)
    cyd = await sync_to_async(make_user)("cyd", password=PASSWORD)
    cyds = await Socket.open((await log_in("cyd"))["token"])
    adas = [await Socket.open(session["token"]), await Socket.open(secret)]
    try:
        deleted = await graphql(DELETE_ACCOUNT, {"p": PASSWORD}, session["token"])
        assert deleted["deleteAccount"]["errors"] == []

        for socket in adas:
            assert await socket.closed() == (4403, "Forbidden: account deleted")
        await all_hear(Events(cyd, bob), cyds)
    finally:
        await close_all(*adas, cyds)


async def test_suspending_a_reader_closes_all_their_sockets_tokens_included(readers):
    ada, bob = readers
    session = await log_in("ada")
    _, secret = await pat_for(ada)
    cyd = await sync_to_async(make_user)("cyd", password=PASSWORD)
    cyds = await Socket.open((await log_in("cyd"))["token"])
    adas = [await Socket.open(session["token"]), await Socket.open(secret)]
    try:
        await sync_to_async(suspend_user)(ada)  # what a moderator's SUSPEND_USER does

        for socket in adas:
            assert await socket.closed() == (4403, "Forbidden: account suspended")
        await all_hear(Events(cyd, bob), cyds)
    finally:
        await close_all(*adas, cyds)


async def test_the_admin_ending_sessions_and_tokens_closes_their_sockets(readers):
    ada, bob = readers
    events = Events(ada, bob)
    ended, by_refresh_token, kept = [await log_in("ada") for _ in range(3)]
    token_id, secret = await pat_for(ada)
    sockets = [await Socket.open(s["token"]) for s in (ended, by_refresh_token, kept)]
    script = await Socket.open(secret)
    admin = await sync_to_async(make_superuser)("root")

    def act(path: str, action: str, ids: list) -> None:
        client = Client()
        client.force_login(admin)
        response = client.post(path, {"action": action, "_selected_action": [str(i) for i in ids]})
        assert response.status_code == 302, response.content[:500]

    try:
        await sync_to_async(act)("/admin/accounts/session/", "end", [ended["sid"]])
        assert await sockets[0].closed() == (4403, "Forbidden: session revoked")

        family = await RefreshToken.objects.filter(family=by_refresh_token["sid"]).afirst()
        await sync_to_async(act)("/admin/accounts/refreshtoken/", "revoke", [family.pk])
        assert await sockets[1].closed() == (4403, "Forbidden: session revoked")

        await sync_to_async(act)("/admin/accounts/personalaccesstoken/", "revoke", [token_id])
        assert await script.closed() == (4403, "Forbidden: personal access token revoked")

        await all_hear(events, sockets[2])
        await sync_to_async(act)("/admin/accounts/user/", "log_out_everywhere", [ada.pk])
        assert await sockets[2].closed() == (4403, "Forbidden: all sessions revoked")
        assert not await Session.objects.filter(user=ada, revoked_at__isnull=True).aexists()
    finally:
        await close_all(*sockets, script)


async def test_a_rolled_back_revocation_closes_nothing(readers):
    from django.db import transaction

    from apps.accounts.sessions import revoke_session

    ada, bob = readers
    session = await log_in("ada")
    socket = await Socket.open(session["token"])

    def revoke_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            revoke_session(ada, session["sid"])
            raise RuntimeError("rolled back")

    try:
        await sync_to_async(revoke_then_fail)()
        await all_hear(Events(ada, bob), socket)
    finally:
        await socket.close()


async def test_an_access_token_closes_its_socket_when_it_expires(readers, settings):
    ada, bob = readers
    settings.JWT_ACCESS_TOKEN_LIFETIME = 3
    socket = await Socket.open((await log_in("ada"))["token"])
    try:
        await all_hear(Events(ada, bob), socket)
        assert await socket.closed() == (4403, "Forbidden: token expired")
    finally:
        await socket.close()


async def test_a_personal_access_token_closes_its_socket_when_it_expires(readers):
    ada, bob = readers
    token_id, secret = await pat_for(ada, days=1)
    await PersonalAccessToken.objects.filter(pk=token_id).aupdate(
        expires_at=timezone.now() + timedelta(seconds=3)
    )
    socket = await Socket.open(secret)
    try:
        await all_hear(Events(ada, bob), socket)
        assert await socket.closed() == (4403, "Forbidden: token expired")
    finally:
        await socket.close()


@pytest.mark.usefixtures("readers")
async def test_a_revocation_between_the_check_and_joining_the_group_still_closes(monkeypatch):
    """The session ends (and its message goes out) after `connection_init` checked the token
    but before the connection listened: the check after joining finds it."""
    import schema.ws

    session = await log_in("ada")
    real = schema.ws.resolve_viewer
    calls = []

    async def revoked_right_after_the_first_check(token):
        answer = await real(token)
        calls.append(token)
        if len(calls) == 1:
            await Session.objects.filter(pk=session["sid"]).aupdate(revoked_at=timezone.now())
        return answer

    monkeypatch.setattr(schema.ws, "resolve_viewer", revoked_right_after_the_first_check)
    communicator = WebsocketCommunicator(
        application, "/graphql", subprotocols=["graphql-transport-ws"]
    )
    assert (await communicator.connect(timeout=TIMEOUT))[0]
    try:
        init = {"type": "connection_init", "payload": {"authToken": session["token"]}}
        await communicator.send_json_to(init)
        output = await communicator.receive_output(TIMEOUT)
        if output["type"] == "websocket.send":  # the acknowledgement; then the close
            assert json.loads(output["text"])["type"] == "connection_ack", output
            output = await communicator.receive_output(TIMEOUT)
        assert output == {
            "type": "websocket.close",
            "code": 4403,
            "reason": "Forbidden: access revoked",
        }
        assert len(calls) == 2  # the check at connection_init, and the one after joining
    finally:
        await communicator.disconnect()


async def test_a_revocation_nobody_announced_is_found_by_the_periodic_check(readers, settings):
    """An account disabled by hand (or a close message lost while the channel layer was
    down): the check every GRAPHQL_WS_RECHECK_SECONDS closes the socket."""
    ada, bob = readers
    settings.GRAPHQL_WS_RECHECK_SECONDS = 1
    socket = await Socket.open((await log_in("ada"))["token"])
    try:
        await all_hear(Events(ada, bob), socket)
        await User.objects.filter(pk=ada.pk).aupdate(is_active=False)
        assert await socket.closed() == (4403, "Forbidden: access revoked")
    finally:
        await socket.close()
