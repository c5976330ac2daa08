"""Text no database can store (a lone UTF-16 surrogate, NUL) is refused before anything runs.

A client sends it as a JSON escape (`"ab\\ud800cd"`, `"\\u0000"`); before schema/storable.py it
reached a query and came back as INTERNAL_SERVER_ERROR, field by field. Now every field, over
every HTTP shape (POST JSON, GET, multipart, batches), answers a top-level BAD_USER_INPUT naming
the variable and the path, with GraphQL-over-HTTP's status (400 under
application/graphql-response+json, 200 under application/json), and nothing is written.
"""

import json

import pytest

from apps.accounts.models import Profile, RefreshToken, User
from apps.reading.models import ReadingList, Review
from tests.factories import make_book, make_genre, make_profile, make_user
from tests.media.client import bearer, post_multipart
from tests.media.pictures import encode, photo
from tests.schema.accounts.helpers import PASSWORD

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
SURROGATE = "ab\ud800cd"  # json.dumps sends it as the escape `\ud800`, as a client would
NUL = "ab\x00cd"


def post(client, query, variables=None, accept=GRAPHQL_RESPONSE_JSON, headers=None):
    body = json.dumps({"query": query, "variables": variables})
    assert "\\ud800" in body or "\\u0000" in body or variables is None
    return client.post(
        "/graphql",
        body,
        content_type="application/json",
        headers={"Accept": accept, **(headers or {})},
    )


def the_refusal(response, status=400) -> dict:
    """The one top-level BAD_USER_INPUT error of a response without data."""
    assert response.status_code == status, response.content
    body = response.json()
    assert "data" not in body, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error


def reader():
    user = make_user("reader", password=PASSWORD)
    make_profile(user, bio="Old bio")
    return user


# name, document, variables(text), who logs in, what must not have been written
OPERATIONS = {
    "user": ("query($u: String!) { user(username: $u) { id } }", lambda t: {"u": t}, "u"),
    "tokenAuth": (
        "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }",
        lambda t: {"u": "reader", "p": t},
        "p",
    ),
    "register": (
        "mutation($i: RegisterInput!) { register(input: $i) { user { id } errors { code } } }",
        lambda t: {"i": {"username": t, "email": "new@example.com", "password": PASSWORD}},
        "i.username",
    ),
    "createReview": (
        "mutation($i: CreateReviewInput!) { createReview(input: $i) { review { id } } }",
        lambda t: {"i": {"bookId": "Qm9vazox", "body": t}},
        "i.body",
    ),
    "updateProfile": (
        "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { profile { bio } } }",
        lambda t: {"i": {"bio": t}},
        "i.bio",
    ),
    "createReadingList": (
        "mutation($i: CreateReadingListInput!) {"
        " createReadingList(input: $i) { readingList { id } } }",
        lambda t: {"i": {"name": t, "description": "fine"}},
        "i.name",
    ),
    "genre": ("query($s: String!) { genre(slug: $s) { id } }", lambda t: {"s": t}, "s"),
    "authors": (
        "query($s: String) { authors(search: $s) { totalCount } }",
        lambda t: {"s": t},
        "s",
    ),
}


def nothing_written(user) -> None:
    assert list(User.objects.values_list("username", flat=True)) == ["reader"]
    assert not RefreshToken.objects.exists()
    assert not Review.objects.exists()
    assert not ReadingList.objects.exists()
    assert Profile.objects.get(user=user).bio == "Old bio"


@pytest.mark.parametrize("text", [SURROGATE, NUL], ids=["surrogate", "nul"])
@pytest.mark.parametrize("name", OPERATIONS)
def test_text_that_cannot_be_stored_is_a_bad_user_input_for_every_field(client, name, text):
    user = reader()
    make_book("One")
    make_genre("Fantasy", slug="fantasy")
    query, variables, path = OPERATIONS[name]

    error = the_refusal(post(client, query, variables(text), headers=bearer(user)))

    variable = path.split(".")[0]
    assert error["message"].startswith(f"Variable '${variable}' got invalid value at '{path}'")
    assert ("U+D800" if text == SURROGATE else "U+0000") in error["message"]
    assert error["extensions"]["path"] == path
    nothing_written(user)


def test_legacy_json_clients_get_200_with_the_same_error(client):
    user = reader()
    query, variables, _ = OPERATIONS["register"]

    the_refusal(post(client, query, variables(SURROGATE), accept="application/json"), status=200)
    nothing_written(user)


def test_nul_deep_in_a_nested_input_object_names_its_path(client):
    user = reader()
    query = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { profile { bio } } }"
    variables = {"i": {"bio": "New bio", "interests": [{"text": "fine"}, {"text": NUL}]}}

    error = the_refusal(post(client, query, variables, headers=bearer(user)))

    assert error["extensions"]["path"] == "i.interests[1].text"
    assert "NUL" in error["message"]
    nothing_written(user)  # not even the bio, given next to it


def test_a_key_of_an_object_that_cannot_be_stored_is_refused(client):
    user = reader()
    query = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { profile { bio } } }"

    error = the_refusal(post(client, query, {"i": {"bio\ud800": "x"}}, headers=bearer(user)))

    assert error["extensions"]["path"] == "i.bio\\ud800"
    nothing_written(user)


def test_a_nul_escape_in_an_inline_string_literal_is_refused_where_it_is(client):
    user = reader()
    query = 'mutation { createReadingList(input: {name: "a\\u0000b"}) { readingList { id } } }'

    error = the_refusal(post(client, query, headers=bearer(user)))

    assert error["locations"] == [{"line": 1, "column": 44}]
    assert "NUL" in error["message"]
    nothing_written(user)


def test_a_surrogate_escape_in_an_inline_string_literal_does_not_parse(client):
    # GraphQL's grammar forbids a lone surrogate escape: the document itself is malformed.
    user = reader()
    query = 'mutation { createReadingList(input: {name: "a\\ud800b"}) { readingList { id } } }'

    response = post(client, query, headers=bearer(user))

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "\\ud800" in error["message"]
    nothing_written(user)


def test_get_variables_with_a_surrogate_are_refused(client):
    query, variables, _ = OPERATIONS["user"]

    response = client.get(
        "/graphql",
        {"query": query, "variables": json.dumps(variables(SURROGATE))},
        headers={"Accept": GRAPHQL_RESPONSE_JSON},
    )

    assert the_refusal(response)["extensions"]["variable"] == "u"


def test_multipart_operations_with_a_surrogate_store_no_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    user = reader()
    query = "mutation($file: Upload!) { uploadAvatar(file: $file) { user { id } errors { code } } }"
    files = {"variables.file": ("me.jpg", encode(photo()))}

    response = post_multipart(
        client,
        query,
        {"file": None, "note": SURROGATE},
        files,
        headers={**bearer(user), "Accept": GRAPHQL_RESPONSE_JSON},
    )

    assert the_refusal(response)["extensions"]["path"] == "note"
    assert not Profile.objects.get(user=user).avatar
    assert not any(tmp_path.rglob("*.*"))


def test_a_batch_refuses_the_bad_item_and_runs_the_others(client):
    user = reader()
    query, variables, _ = OPERATIONS["createReadingList"]
    batch = [
        {"query": query, "variables": variables(SURROGATE)},
        {"query": query, "variables": variables("Good list")},
    ]

    response = client.post(
        "/graphql",
        json.dumps(batch),
        content_type="application/json",
        headers={**bearer(user), "Accept": GRAPHQL_RESPONSE_JSON},
    )

    bad, good = response.json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert good["data"]["createReadingList"]["readingList"]["id"]
    assert list(ReadingList.objects.values_list("name", flat=True)) == ["Good list"]


def test_a_persisted_query_whose_text_has_a_surrogate_is_a_clean_refusal(client):
    # The text is hashed before GraphQL sees it: a lone surrogate matches no hash.
    body = {
        "query": "{ __typename } # \ud800",
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}},
    }

    response = client.post(
        "/graphql",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept": GRAPHQL_RESPONSE_JSON},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("mutation($t: String!) { verifyEmail(token: $t) { errors { code } } }", {"t": "a\x00"}),
        ("mutation($e: String!) { requestPasswordReset(email: $e) { ok } }", {"e": "x\x00@a.b"}),
        ("mutation($i: ID!) { revokeSession(id: $i) { errors { code } } }", {"i": "\x00"}),
        (
            "mutation($n: String!) { createPersonalAccessToken(input: {name: $n, scopes: [READ]})"
            " { errors { code } } }",
            {"n": "a\x00b"},
        ),
    ],
    ids=["verifyEmail", "requestPasswordReset", "revokeSession", "createPersonalAccessToken"],
)
def test_account_mutations_refuse_nul_before_anything_runs(gql, query, variables):
    answer = gql(query, variables)
    assert "data" not in answer
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["BAD_USER_INPUT"]
