"""me, user(username) and what of a user each viewer may see (profile privacy)."""

import pytest
from strawberry.relay import to_base64

from tests.factories import make_follow, make_profile, make_superuser, make_user
from tests.helpers import without_cost
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

USER = """
query($username: String!) {
  user(username: $username) {
    id username displayName isViewer
    profile { bio privacy }
    followersCount followingCount
    followers(first: 10) { totalCount edges { node { username } } }
    following(first: 10) { totalCount edges { node { username } } }
  }
}
"""


def test_me_is_the_viewer_with_their_email(gql):
    ada = make_user("ada", email="ada@example.com")
    gql.login(ada)

    result = gql("{ me { id username email isViewer } }")

    assert without_cost(result) == {
        "data": {
            "me": {
                "id": to_base64("User", ada.pk),
                "username": "ada",
                "email": "ada@example.com",
                "isViewer": True,
            }
        }
    }


def test_me_is_null_for_anonymous_viewers(gql):
    assert without_cost(gql("{ me { username } }")) == {"data": {"me": None}}


def test_user_by_username_in_any_case(gql):
    ada = make_user("Ada")
    make_profile(ada, display_name="Ada Lovelace", bio="Engines")

    result = gql(USER, {"username": "aDA"})["data"]["user"]

    assert result["username"] == "Ada" and result["displayName"] == "Ada Lovelace"
    assert result["profile"] == {"bio": "Engines", "privacy": "PUBLIC"}
    assert result["isViewer"] is False


@pytest.mark.parametrize("username", ["nobody", ""])
def test_user_is_null_when_there_is_no_such_user(gql, username):
    assert without_cost(gql(USER, {"username": username})) == {"data": {"user": None}}


def test_a_deactivated_user_is_not_found(gql):
    make_user("gone", is_active=False)

    assert without_cost(gql(USER, {"username": "gone"})) == {"data": {"user": None}}


def test_the_email_is_only_for_its_owner(gql):
    make_user("ada")
    gql.login(make_user("grace"))

    result = gql('{ user(username: "ada") { username email } }')

    assert result["data"] == {"user": None}
    assert error_codes(result) == ["NOT_ALLOWED"]
    gql.logout()
    assert error_codes(gql('{ user(username: "ada") { email } }')) == ["UNAUTHENTICATED"]


@pytest.fixture
def hidden_world():
    """ada (profile privacy varies) follows and is followed by bob; carol follows ada."""
    ada, bob, carol, stranger = (make_user(n) for n in ("ada", "bob", "carol", "stranger"))
    make_follow(bob, ada)
    make_follow(ada, bob)
    make_follow(carol, ada)
    return {"ada": ada, "bob": bob, "carol": carol, "stranger": stranger}


def view_ada(gql, viewer) -> dict:
    gql.logout()
    if viewer is not None:
        gql.login(viewer)
    return gql(USER, {"username": "ada"})["data"]["user"]


def assert_visible(user: dict) -> None:
    assert user["profile"] is not None
    assert user["followers"]["totalCount"] == 2
    assert {e["node"]["username"] for e in user["followers"]["edges"]} == {"bob", "carol"}
    assert [e["node"]["username"] for e in user["following"]["edges"]] == ["bob"]


def assert_hidden(user: dict) -> None:
    # Identity and counts stay public; the profile and who the follows are do not.
    assert user["username"] == "ada" and user["displayName"] == "ada"
    assert user["profile"] is None
    assert user["followersCount"] == 2 and user["followingCount"] == 1
    assert user["followers"] == {"totalCount": 0, "edges": []}
    assert user["following"] == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize(
    ("privacy", "visible_to"),
    [
        ("public", {None, "ada", "bob", "carol", "stranger", "staff"}),
        ("followers", {"ada", "bob", "carol"}),
        ("private", {"ada"}),
    ],
)
def test_profile_privacy_hides_the_profile_and_follow_lists(gql, hidden_world, privacy, visible_to):
    make_profile(hidden_world["ada"], privacy=privacy)
    viewers = {**hidden_world, None: None, "staff": make_superuser("staff")}

    for name, viewer in viewers.items():
        user = view_ada(gql, viewer)
        if name in visible_to:
            assert_visible(user)
        else:
            assert_hidden(user)


def test_root_follow_lists_follow_the_same_rule(gql, hidden_world):
    make_profile(hidden_world["ada"], privacy="private")
    query = """query($u: String!) {
      followers(username: $u, first: 5) { totalCount }
      following(username: $u, first: 5) { totalCount }
    }"""

    assert gql(query, {"u": "ADA"})["data"] == {
        "followers": {"totalCount": 0},
        "following": {"totalCount": 0},
    }
    gql.login(hidden_world["ada"])
    assert gql(query, {"u": "ADA"})["data"] == {
        "followers": {"totalCount": 2},
        "following": {"totalCount": 1},
    }
    assert gql(query, {"u": "nobody"})["data"] == {
        "followers": {"totalCount": 0},
        "following": {"totalCount": 0},
    }
