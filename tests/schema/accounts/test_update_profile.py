"""updateProfile: the viewer edits their own profile, all or nothing."""

import pytest
from strawberry.relay import to_base64

from apps.accounts.models import Profile
from tests.factories import (
    make_book,
    make_genre,
    make_profile,
    make_profile_interest,
    make_social_link,
    make_superuser,
    make_user,
)
from tests.schema.accounts.helpers import error_codes

pytestmark = pytest.mark.django_db

UPDATE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    user { username displayName }
    profile {
      displayName bio location website privacy
      interests { text genre { slug } }
      socialLinks { platform url }
    }
    errors { code field message }
  }
}
"""


def update(gql, **fields) -> dict:
    return gql(UPDATE, {"input": fields})["data"]["updateProfile"]


def errors(payload: dict) -> list[tuple[str, str]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


@pytest.fixture
def ada():
    return make_user("ada")


def test_update_profile_changes_every_field(gql, ada):
    fantasy = make_genre("Fantasy", slug="fantasy")
    gql.login(ada)

    payload = update(
        gql,
        displayName="  Ada Lovelace ",
        bio="Counting engines.",
        location="London",
        website="https://ada.example.com/",
        privacy="FOLLOWERS",
        interests=[{"genreId": to_base64("Genre", fantasy.pk)}, {"text": "cosy mysteries"}],
        socialLinks=[
            {"platform": "MASTODON", "url": "https://mastodon.example/@ada"},
            {"platform": "OTHER", "url": "https://a.example"},
            {"platform": "OTHER", "url": "https://b.example"},
        ],
    )

    assert payload["errors"] == []
    assert payload["user"] == {"username": "ada", "displayName": "Ada Lovelace"}
    assert payload["profile"] == {
        "displayName": "Ada Lovelace",
        "bio": "Counting engines.",
        "location": "London",
        "website": "https://ada.example.com/",
        "privacy": "FOLLOWERS",
        "interests": [
            {"text": "", "genre": {"slug": "fantasy"}},
            {"text": "cosy mysteries", "genre": None},
        ],
        "socialLinks": [
            {"platform": "MASTODON", "url": "https://mastodon.example/@ada"},
            {"platform": "OTHER", "url": "https://a.example"},
            {"platform": "OTHER", "url": "https://b.example"},
        ],
    }


def test_update_profile_leaves_omitted_fields_and_replaces_lists(gql, ada):
    profile = make_profile(ada, bio="Old bio", location="Paris")
    make_profile_interest(profile, text="old interest")
    make_social_link(profile, platform="x", url="https://x.example/ada")
    gql.login(ada)

    payload = update(
        gql, location="", interests=[{"text": "new"}, {"text": "NEW"}, {"text": "other"}]
    )

    assert payload["errors"] == []
    assert payload["profile"]["bio"] == "Old bio"
    assert payload["profile"]["location"] == ""
    # Replaced, with the repeat (in another case) dropped; links untouched.
    assert [i["text"] for i in payload["profile"]["interests"]] == ["new", "other"]
    assert payload["profile"]["socialLinks"] == [{"platform": "X", "url": "https://x.example/ada"}]
    assert update(gql, interests=[], socialLinks=[])["profile"]["interests"] == []
    assert profile.social_links.count() == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"bio": "x" * 2001}, [("INVALID", "bio")]),
        ({"displayName": "x" * 101}, [("INVALID", "displayName")]),
        ({"website": "ftp://ada.example.com"}, [("INVALID", "website")]),
        ({"website": "not a url"}, [("INVALID", "website")]),
        ({"website": "javascript:alert(1)"}, [("INVALID", "website")]),
        ({"interests": [{}]}, [("INVALID", "interests.0")]),
        (
            {"interests": [{"text": "a", "genreId": to_base64("Genre", 1)}]},
            [("INVALID", "interests.0")],
        ),
        ({"interests": [{"text": "ok"}, {"text": " "}]}, [("REQUIRED", "interests.1.text")]),
        ({"interests": [{"text": "x" * 101}]}, [("INVALID", "interests.0.text")]),
        ({"interests": [{"text": str(i)} for i in range(51)]}, [("INVALID", "interests")]),
        (
            {"socialLinks": [{"platform": "X", "url": "https://x.example/1"}] * 2},
            [("INVALID", "socialLinks.1.platform"), ("INVALID", "socialLinks.1.url")],
        ),
        (
            {"socialLinks": [{"platform": "X", "url": "x.example"}]},
            [("INVALID", "socialLinks.0.url")],
        ),
        ({"socialLinks": [{"platform": "X", "url": ""}]}, [("REQUIRED", "socialLinks.0.url")]),
    ],
)
def test_update_profile_refuses_invalid_fields(gql, ada, fields, expected):
    gql.login(ada)

    payload = update(gql, **fields)

    assert errors(payload) == expected
    assert payload["profile"] is None and payload["user"] is None


def test_update_profile_refuses_unknown_genres(gql, ada):
    book = make_book()
    gql.login(ada)

    missing = update(gql, interests=[{"text": "fine"}, {"genreId": to_base64("Genre", 999999)}])
    not_a_genre = update(gql, interests=[{"genreId": to_base64("Book", book.pk)}])

    assert errors(missing) == [("NOT_FOUND", "interests.1.genreId")]
    assert errors(not_a_genre) == [("NOT_FOUND", "interests.0.genreId")]
    assert Profile.objects.get(user=ada).interests.count() == 0


def test_update_profile_is_all_or_nothing(gql, ada):
    make_profile(ada, bio="Old bio")
    gql.login(ada)

    payload = update(
        gql, bio="New bio", website="nope", socialLinks=[{"platform": "X", "url": "bad"}]
    )

    assert errors(payload) == [("INVALID", "website"), ("INVALID", "socialLinks.0.url")]
    assert Profile.objects.get(user=ada).bio == "Old bio"


def test_update_profile_changes_only_the_viewers_profile(gql, ada):
    other = make_user("grace")
    make_profile(other, bio="Grace's bio")
    gql.login(ada)

    update(gql, bio="Mine")

    assert Profile.objects.get(user=other).bio == "Grace's bio"
    assert Profile.objects.get(user=ada).bio == "Mine"


def test_update_profile_by_staff_changes_the_staff_members_own_profile(gql, ada):
    staff = make_superuser("admin")
    gql.login(staff)

    payload = update(gql, bio="Staff bio")

    assert payload["user"]["username"] == "admin"
    assert Profile.objects.get(user=staff).bio == "Staff bio"
    assert Profile.objects.get(user=ada).bio == ""


def test_update_profile_needs_login(gql, ada):
    result = gql(UPDATE, {"input": {"bio": "x"}})

    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert Profile.objects.get(user=ada).bio == ""
