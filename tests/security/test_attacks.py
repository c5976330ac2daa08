"""The attack suite: what an attacker would try against /graphql, in one place.

1. Tokens: forged (tampered, `alg: none`, another algorithm or key), expired, revoked (logout
   everywhere, password change), misused (a refresh token as an access token) and replayed
   (refresh token reuse). Each is refused with UNAUTHENTICATED and tells nothing.
2. Privacy: another reader's private objects by global id, through `node`, `nodes` and the
   typed root fields, are absent (exactly as an id that never existed), never "forbidden";
   mutations on them are NOT_FOUND and change nothing.
3. Abuse: deep, wide, aliased, long, batched and oversized requests are refused with the code
   naming the limit, before any resolver or SQL runs.

Everything goes over HTTP through Django's test client, as the production view serves it,
with error masking on (`hardened`). The forgeries themselves are shared with the account
tests (tests/schema/accounts/test_auth_attacks.py), which check each one in more detail.
"""

import base64
import json
import time

import jwt
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from apps.accounts.tokens import access_token_payload, create_access_token
from apps.conversation.models import Comment, Like
from apps.notifications.models import Notification
from apps.reading.models import ReadingList, Review
from apps.social.models import Block
from tests.factories import make_user
from tests.schema.accounts.helpers import PASSWORD, REFRESH, TOKEN_AUTH
from tests.schema.accounts.test_auth_attacks import (
    alg_none,
    deactivated_user,
    expired,
    garbage,
    hs512,
    old_token_version,
    other_issuer,
    refresh_token,
    refresh_typed_jwt,
    tampered,
    wrong_key,
)
from tests.security.conftest import (
    GRAPHQL_RESPONSE_JSON,
    bearer,
    error_codes,
    gid,
    leaks,
    post,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("hardened"),
    # Forgeries sign with short, guessed keys on purpose.
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

ME = "{ me { username email } }"


# --- 1. Tokens -----------------------------------------------------------------------------


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def hs512_guessed_key(user) -> str:
    """Signed with HS512 and a key an attacker might guess."""
    return jwt.encode(access_token_payload(user), "secret", algorithm="HS512")


def rs256_header(user) -> str:
    """A token whose header claims RS256 (key confusion: the server's secret as the key)."""
    claims = b64(access_token_payload(user))
    forged_header = b64({"alg": "RS256", "typ": "JWT"})
    signed = jwt.encode(access_token_payload(user), settings.JWT_SECRET_KEY, algorithm="HS256")
    return f"{forged_header}.{claims}.{signed.split('.')[2]}"


def unsigned_with_empty_signature(user) -> str:
    """`alg: HS256` kept, the signature left out."""
    header, claims, _ = create_access_token(user)[0].split(".")
    return f"{header}.{claims}."


FORGED_OR_DEAD = [
    tampered,
    alg_none,
    hs512,
    hs512_guessed_key,
    rs256_header,
    wrong_key,
    unsigned_with_empty_signature,
    expired,
    other_issuer,
    old_token_version,
    deactivated_user,
    refresh_token,
    refresh_typed_jwt,
    garbage,
]


def assert_refused_quietly(response, *secrets: str) -> None:
    """UNAUTHENTICATED with 401, no data and nothing of the account or the server shown."""
    assert response.status_code == 401, response.content[:300]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body.get("data") is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert not leaks(body)
    for secret in secrets:
        assert secret not in response.content.decode()


@pytest.mark.parametrize("forge", FORGED_OR_DEAD, ids=lambda forge: forge.__name__)
@pytest.mark.parametrize("query", [ME, "mutation { logoutAll { ok } }"], ids=["query", "mutation"])
def test_a_forged_or_dead_token_is_refused_and_tells_nothing(client, seed, forge, query):
    token = forge(seed.victim)

    response = post(client, {"query": query}, headers={"Authorization": f"Bearer {token}"})

    assert_refused_quietly(response, seed.victim.email, seed.victim.username)


def login(client, username: str) -> dict:
    """tokenAuth over HTTP: {token, refreshToken, ...}."""
    variables = {"username": username, "password": PASSWORD}
    body = post(client, {"query": TOKEN_AUTH, "variables": variables}).json()
    assert "errors" not in body, body
    return body["data"]["tokenAuth"]


def refresh(client, raw: str):
    return post(client, {"query": REFRESH, "variables": {"refreshToken": raw}})


def assert_refresh_refused(response) -> None:
    """A refused refresh: UNAUTHENTICATED, no tokens, nothing shown."""
    assert response.status_code in (200, 401), response.content[:300]
    body = response.json()
    assert (body.get("data") or {}).get("refreshToken") is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert not leaks(body)


@pytest.fixture
def ada(db):
    """A reader who logs in with a password."""
    return make_user("ada", password=PASSWORD)


def me(client, token: str):
    return post(client, {"query": ME}, headers={"Authorization": f"Bearer {token}"})


def test_logout_everywhere_kills_access_and_refresh_tokens_at_once(client, ada):
    phone, laptop = login(client, "ada"), login(client, "ada")
    assert me(client, laptop["token"]).json()["data"]["me"]["username"] == "ada"

    response = post(
        client,
        {"query": "mutation { logoutAll { ok } }"},
        headers={"Authorization": f"Bearer {phone['token']}"},
    )

    assert response.json()["data"] == {"logoutAll": {"ok": True}}
    for session in (phone, laptop):
        assert_refused_quietly(me(client, session["token"]), "ada@example.com")
        assert_refresh_refused(refresh(client, session["refreshToken"]))


def test_a_password_change_kills_the_other_sessions(client, ada):
    thief, owner = login(client, "ada"), login(client, "ada")
    change = """mutation($old: String!, $new: String!) {
      changePassword(oldPassword: $old, newPassword: $new) { token refreshToken }
    }"""
    variables = {"old": PASSWORD, "new": "an entirely new passphrase 42"}

    body = post(
        client,
        {"query": change, "variables": variables},
        headers={"Authorization": f"Bearer {owner['token']}"},
    ).json()

    fresh = body["data"]["changePassword"]
    assert me(client, fresh["token"]).json()["data"]["me"]["username"] == "ada"
    assert_refused_quietly(me(client, thief["token"]), "ada@example.com")
    assert_refresh_refused(refresh(client, thief["refreshToken"]))


def test_a_replayed_refresh_token_fails_and_revokes_its_whole_family(client, ada):
    stolen = login(client, "ada")["refreshToken"]
    first = refresh(client, stolen).json()["data"]["refreshToken"]  # the owner refreshes
    assert first["token"] and first["refreshToken"] != stolen

    assert_refresh_refused(refresh(client, stolen))  # the thief replays the old one

    # The replay revoked the family: the owner's newer refresh token is dead too; so the
    # thief cannot keep a session alive by racing the owner.
    assert_refresh_refused(refresh(client, first["refreshToken"]))


def test_an_access_token_is_not_a_refresh_token(client, ada):
    session = login(client, "ada")

    assert_refresh_refused(refresh(client, session["token"]))


# --- 2. Privacy ----------------------------------------------------------------------------

NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }"
PRIVATE_KINDS = [
    "list",
    "list item",
    "shelf",
    "rating",
    "review",
    "goal",
    "notification",
    "reservation",
    "import job",
    "import row error",
    "activity",
    "comment",
    "reply",
    "comment on list",
    "like",
    "like of hidden review",
]
FOLLOWERS_ONLY_KINDS = ["list", "review", "shelf", "rating", "comment", "like", "comment like"]


def never_existed(obj) -> str:
    """The global id of an object of the same type that does not exist."""
    return to_base64(type(obj).__name__, 10**9)


def as_viewer(client, user, query: str, variables: dict | None = None) -> dict:
    headers = bearer(user) if user else {}
    response = post(client, {"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code < 500, response.content[:500]
    return response.json()


def normalised(body: dict, *ids: str) -> str:
    """The response with the given ids, the request ids of masked errors and the operation's
    cost and budget (`extensions`) left out."""
    text = json.dumps({**body, "extensions": None}, sort_keys=True)
    for value in ids:
        text = text.replace(value, "<id>")
    for error in body.get("errors") or []:
        request_id = (error.get("extensions") or {}).get("requestId")
        if request_id:
            text = text.replace(request_id, "<request>")
    return text


def assert_absent(client, viewer, obj, field: str) -> None:
    """`node` or `nodes` answers for `obj` exactly as for an object that never existed."""
    hidden, missing = gid(obj), never_existed(obj)
    query, name, wrap = {
        "node": (NODE, "id", lambda value: value),
        "nodes": (NODES, "ids", lambda value: [value]),
    }[field]
    answer = as_viewer(client, viewer, query, {name: wrap(hidden)})
    baseline = as_viewer(client, viewer, query, {name: wrap(missing)})
    assert hidden not in json.dumps(answer.get("data")), answer
    assert "INTERNAL_SERVER_ERROR" not in error_codes(answer), answer
    assert not {"NOT_ALLOWED", "FORBIDDEN"} & set(error_codes(answer)), answer
    assert "forbidden" not in json.dumps(answer).lower()
    assert "permission" not in json.dumps(answer).lower()
    assert normalised(answer, hidden) == normalised(baseline, missing)


def assert_present(client, viewer, obj) -> None:
    answer = as_viewer(client, viewer, NODE, {"id": gid(obj)})
    assert answer.get("data") and answer["data"]["node"]["id"] == gid(obj), answer


@pytest.mark.parametrize("field", ["node", "nodes"])
@pytest.mark.parametrize("kind", PRIVATE_KINDS)
def test_another_readers_private_object_is_absent(client, seed, kind, field):
    obj = seed.private[kind]
    assert_present(client, seed.victim, obj)  # the owner sees it: the id is right

    for viewer in (seed.stranger, None):
        assert_absent(client, viewer, obj, field)


@pytest.mark.parametrize("field", ["node", "nodes"])
@pytest.mark.parametrize("kind", FOLLOWERS_ONLY_KINDS)
def test_followers_only_objects_are_absent_for_a_non_follower(client, seed, kind, field):
    obj = seed.followers_only[kind]
    assert_present(client, seed.follower, obj)

    assert_absent(client, seed.stranger, obj, field)


def test_a_hidden_object_among_visible_ones_is_left_out_of_nodes(client, seed):
    visible = gid(seed.books[0])
    hidden = gid(seed.private["list"])

    answer = as_viewer(client, seed.stranger, NODES, {"ids": [visible, hidden]})

    assert "INTERNAL_SERVER_ERROR" not in error_codes(answer), answer
    assert hidden not in json.dumps(answer.get("data")), answer
    assert "Secret list" not in json.dumps(answer)


def test_typed_root_fields_hide_private_objects(client, seed):
    victim = seed.victim.username
    private = seed.private
    checks = {
        # query, variables, the path of the answer, what the owner gets there
        "readingList": (
            "query($id: ID!) { readingList(id: $id) { name } }",
            {"id": gid(private["list"])},
            lambda d: d["readingList"],
        ),
        "importJob": (
            "query($id: ID!) { importJob(id: $id) { id } }",
            {"id": gid(private["import job"])},
            lambda d: d["importJob"],
        ),
        "readingLists": (
            "query($u: String!) { readingLists(owner: $u) { edges { node { name } } } }",
            {"u": victim},
            lambda d: d["readingLists"]["edges"] or None,
        ),
        "userBooks": (
            "query($u: String!) { userBooks(username: $u) { edges { node { id } } } }",
            {"u": victim},
            lambda d: d["userBooks"]["edges"] or None,
        ),
        "reviews": (
            "query($u: String!) { reviews(username: $u) { edges { node { body } } } }",
            {"u": victim},
            lambda d: d["reviews"]["edges"] or None,
        ),
        "readingGoal": (
            "query($u: String!) { readingGoal(year: 2026, username: $u) { id } }",
            {"u": victim},
            lambda d: d["readingGoal"],
        ),
        "userActivity": (
            "query($u: String!) { userActivity(username: $u) { edges { node { id } } } }",
            {"u": victim},
            lambda d: d["userActivity"]["edges"] or None,
        ),
    }
    for name, (query, variables, found) in checks.items():
        owner = as_viewer(client, seed.victim, query, variables)
        assert found(owner["data"]), (name, "the owner should see it", owner)
        for viewer in (seed.stranger, None):
            answer = as_viewer(client, viewer, query, variables)
            # Anonymous viewers may be asked to log in (importJob); nothing else is an error.
            allowed = {"UNAUTHENTICATED"} if viewer is None else set()
            assert set(error_codes(answer)) <= allowed, (name, answer)
            assert answer["data"] is None or found(answer["data"]) is None, (name, answer)


def test_other_readers_notifications_and_reservations_are_not_listed(client, seed):
    notification = gid(seed.private["notification"])
    reservation = gid(seed.private["reservation"])
    query = """{ notifications(first: 50) { edges { node { id } } }
                 myReservations(first: 50) { edges { node { id } } } }"""

    mine = json.dumps(as_viewer(client, seed.victim, query))
    theirs = json.dumps(as_viewer(client, seed.stranger, query))

    assert notification in mine and reservation in mine
    assert notification not in theirs and reservation not in theirs


MUTATIONS_ON_HIDDEN = {
    "updateReadingList": (
        'mutation($id: ID!) { updateReadingList(id: $id, input: {name: "Pwned"}) '
        "{ errors { code field } } }",
        "list",
    ),
    "deleteReadingList": (
        "mutation($id: ID!) { deleteReadingList(id: $id) { errors { code field } } }",
        "list",
    ),
    "addToReadingList": (
        "mutation($id: ID!, $book: ID!) { addToReadingList(listId: $id, bookId: $book) "
        "{ errors { code field } } }",
        "list",
    ),
    "updateReview": (
        'mutation($id: ID!) { updateReview(id: $id, input: {body: "Pwned"}) '
        "{ errors { code field } } }",
        "review",
    ),
    "deleteReview": (
        "mutation($id: ID!) { deleteReview(id: $id) { errors { code field } } }",
        "review",
    ),
    "like": (
        "mutation($id: ID!) { like(subjectId: $id) { errors { code field } } }",
        "review",
    ),
    "likeList": (
        "mutation($id: ID!) { likeList: like(subjectId: $id) { errors { code field } } }",
        "list",
    ),
    "likeActivity": (
        "mutation($id: ID!) { likeActivity: like(subjectId: $id) { errors { code field } } }",
        "activity",
    ),
    "likeComment": (
        "mutation($id: ID!) { likeComment: like(subjectId: $id) { errors { code field } } }",
        "comment",
    ),
    "unlike": (
        "mutation($id: ID!) { unlike(subjectId: $id) { errors { code field } } }",
        "like of hidden review",
    ),
    "addComment": (
        'mutation($id: ID!) { addComment(subjectId: $id, body: "Pwned") '
        "{ errors { code field } } }",
        "review",
    ),
    "commentOnList": (
        'mutation($id: ID!) { commentOnList: addComment(subjectId: $id, body: "Pwned") '
        "{ errors { code field } } }",
        "list",
    ),
    "updateComment": (
        'mutation($id: ID!) { updateComment(id: $id, body: "Pwned") { errors { code field } } }',
        "comment",
    ),
    "deleteComment": (
        "mutation($id: ID!) { deleteComment(id: $id) { errors { code field } } }",
        "comment",
    ),
    "cancelReservation": (
        "mutation($id: ID!) { cancelReservation(reservationId: $id) { errors { code field } } }",
        "reservation",
    ),
    "lendCopy": (
        "mutation($id: ID!) { lendCopy(reservationId: $id) { errors { code field } } }",
        "reservation",
    ),
    "returnCopy": (
        "mutation($id: ID!) { returnCopy(reservationId: $id) { errors { code field } } }",
        "reservation",
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS_ON_HIDDEN)
def test_mutations_on_another_readers_private_objects_are_not_found(client, seed, mutation):
    query, kind = MUTATIONS_ON_HIDDEN[mutation]
    obj = seed.private[kind]
    before = obj.__class__.objects.filter(pk=obj.pk).values().first()

    talk = (Comment.objects.count(), Like.objects.count())

    answer = as_viewer(client, seed.stranger, query, {"id": gid(obj), "book": gid(seed.books[0])})

    assert "errors" not in answer, answer
    assert [error["code"] for error in answer["data"][mutation]["errors"]] == ["NOT_FOUND"]
    assert obj.__class__.objects.filter(pk=obj.pk).values().first() == before
    assert (Comment.objects.count(), Like.objects.count()) == talk


@pytest.mark.parametrize("direction", ["blocked by the author", "blocking the author"])
@pytest.mark.parametrize("field", ["node", "nodes"])
def test_comments_and_likes_across_a_block_are_absent(client, seed, direction, field):
    """The reader's public comment and like: absent for a reader with a block either way with
    them, as a never-existed object is; present for everyone else."""
    comment = Comment.objects.get(body="Agreed!")
    like = Like.objects.get(comment=comment)
    for obj in (comment, like):
        assert_present(client, seed.stranger, obj)
    if direction == "blocked by the author":
        Block.objects.create(blocker=seed.reader, blocked=seed.stranger)
    else:
        Block.objects.create(blocker=seed.stranger, blocked=seed.reader)
    for obj in (comment, like):
        assert_absent(client, seed.stranger, obj, field)
        assert_present(client, seed.follower, obj)
        assert_present(client, None, obj)


def test_followers_only_review_cannot_be_edited_by_a_non_follower(client, seed):
    review = seed.followers_only["review"]
    query = MUTATIONS_ON_HIDDEN["updateReview"][0]

    answer = as_viewer(client, seed.stranger, query, {"id": gid(review)})

    assert [e["code"] for e in answer["data"]["updateReview"]["errors"]] == ["NOT_FOUND"]
    assert Review.objects.get(pk=review.pk).body == "Only for you."


def test_marking_another_readers_notification_read_changes_nothing(client, seed):
    notification = seed.private["notification"]
    query = "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) { errors { code } } }"

    answer = as_viewer(client, seed.stranger, query, {"ids": [gid(notification)]})

    assert "errors" not in answer, answer
    assert Notification.objects.get(pk=notification.pk).read_at is None
    assert ReadingList.objects.filter(pk=seed.private["list"].pk).exists()


# --- 3. Abuse ------------------------------------------------------------------------------


def refused(client, body, *, raw: bool = False, headers=None):
    """Send an abusive request anonymously; returns (response, body, SQL queries run)."""
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        response = post(client, body, raw=raw, headers=headers)
        elapsed = time.monotonic() - started
    assert response.status_code < 500, response.content[:500]
    assert elapsed < 10, f"took {elapsed:.1f} s"  # a generous bound: refusing must be cheap
    return response, response.json(), len(queries)


def nested(levels: int) -> str:
    """`user { followers { edges { node { followers … } } } }` three fields deep per level."""
    inner = "id"
    for _ in range(levels):
        inner = f"followers(first: 1) {{ edges {{ node {{ {inner} }} }} }}"
    return f'{{ user(username: "victim") {{ {inner} }} }}'


def assert_limit(response, body, queries: int, code: str) -> None:
    assert error_codes(body) == [code], body
    assert body.get("data") is None, body
    assert response.status_code == 400, response.status_code
    assert not leaks(body)
    assert queries == 0, f"{queries} SQL queries ran for a refused operation"


def test_a_query_50_levels_deep_is_refused(client, seed):
    assert_limit(*refused(client, {"query": nested(17)}), "QUERY_TOO_DEEP")


def test_a_query_within_the_depth_limit_runs(client, seed):
    body = post(client, {"query": nested(3)}).json()

    assert "errors" not in body, body
    assert body["data"]["user"]["followers"]["edges"] == []  # hidden: a private profile


def test_a_thousand_aliases_are_refused(client, seed, settings):
    settings.GRAPHQL_MAX_TOKENS = 100_000  # so that the alias limit is the one tested
    settings.GRAPHQL_MAX_COST = 10**9
    query = "{ " + " ".join(f"a{i}: books(first: 100) {{ totalCount }}" for i in range(1000)) + " }"

    assert_limit(*refused(client, {"query": query}), "TOO_MANY_ALIASES")


def test_a_hundred_thousand_token_document_is_refused(client, seed):
    query = "{ " + "__typename " * 100_000 + "}"

    assert_limit(*refused(client, {"query": query}), "TOO_MANY_TOKENS")


def test_a_huge_page_is_refused(client, seed):
    assert_limit(
        *refused(client, {"query": "{ books(first: 100000) { edges { node { id } } } }"}),
        "PAGE_SIZE_TOO_LARGE",
    )


def test_a_huge_page_in_a_variable_is_refused(client, seed):
    body = {
        "query": "query($n: Int) { books(first: $n) { edges { node { id } } } }",
        "variables": {"n": 100_000},
    }

    assert_limit(*refused(client, body), "PAGE_SIZE_TOO_LARGE")


def test_a_wide_query_whose_cost_explodes_is_refused(client, seed):
    # Shallow (within the depth limit) but 100 × 100 × 100 users.
    query = """{ user(username: "fuzzreader") {
      followers(first: 100) { edges { node {
        following(first: 100) { edges { node {
          followers(first: 100) { edges { node { id } } } } } } } } } } }"""

    assert_limit(*refused(client, {"query": query}), "QUERY_TOO_COSTLY")


def test_a_batch_of_a_thousand_operations_is_refused(client, seed):
    batch = [{"query": "{ books(first: 100) { totalCount } }"}] * 1000

    response, body, queries = refused(client, batch)

    codes = error_codes(body) if isinstance(body, dict) else []
    assert codes == ["BATCH_TOO_LARGE"], str(body)[:500]
    assert queries == 0
    assert response.status_code == 400


def test_a_10_mb_body_is_refused(client, seed):
    padding = "x" * (10 * 1024 * 1024)
    body = json.dumps({"query": "{ __typename }", "variables": {"padding": padding}})

    response, answer, queries = refused(client, body, raw=True)

    assert response.status_code in (400, 413), response.status_code
    assert answer.get("errors") and answer.get("data") is None, str(answer)[:300]
    assert not leaks(answer)
    assert queries == 0


def test_deeply_nested_json_variables_are_refused(client, seed):
    depth = 100_000
    variables = "[" * depth + "]" * depth
    body = '{"query": "query($v: [Int]) { __typename }", "variables": {"v": ' + variables + "}}"

    response, answer, queries = refused(client, body, raw=True)

    assert response.status_code == 400, response.status_code
    assert answer.get("errors") and answer.get("data") is None, str(answer)[:300]
    assert not leaks(answer)
    assert queries == 0


def test_fragment_cycles_are_a_validation_error(client, seed):
    query = """
      query { ...A }
      fragment A on Query { me { id } ...B }
      fragment B on Query { books(first: 1) { totalCount } ...A }
    """

    response, body, queries = refused(client, {"query": query})

    assert response.status_code == 400
    assert body.get("data") is None
    assert body["errors"] and all("path" not in error for error in body["errors"])
    assert any("fragment" in error["message"].lower() for error in body["errors"])
    assert queries == 0


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json"])
def test_refusals_are_graphql_errors_under_either_media_type(client, seed, accept):
    response = post(client, {"query": nested(17)}, accept=accept)

    assert response.status_code == (400 if accept == GRAPHQL_RESPONSE_JSON else 200)
    assert error_codes(response.json()) == ["QUERY_TOO_DEEP"]
