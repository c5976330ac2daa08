"""How a book feels: `setBookTraits`, `Book.traits`, `books(filter: {moods, pace,
excludeContentWarnings})`, the curated content warnings and `addContentWarning`."""

import pytest

from apps.impressions.models import BookTraitVote, ContentWarning
from apps.reading.models import ReadingStatus
from tests.factories import make_book, make_superuser, make_user, make_user_book
from tests.schema.reading.helpers import error_codes, gid, payload

pytestmark = pytest.mark.django_db

SET = """
mutation($bookId: ID!, $input: BookTraitsInput!) {
  setBookTraits(bookId: $bookId, input: $input) { book { title } errors { code field } }
}"""
TRAITS = """
query($id: ID!) { book(id: $id) { traits {
  voters moods { mood share } pace { value share } plotOrCharacter { value share }
  contentWarnings { name severity count }
} } }"""
BOOKS = """
query($filter: BookFilter) { books(filter: $filter, first: 20) { edges { node { title } } } }"""
ADD_WARNING = """
mutation($name: String!) { addContentWarning(name: $name) {
  contentWarning { name } errors { code field } } }"""


def chosen(shares: list[dict]) -> list[dict]:
    return [share for share in shares if share["share"]]


def vote(gql, book, status=ReadingStatus.READ, **traits):
    reader = make_user()
    make_user_book(reader, book, status=status)
    gql.login(reader)
    return gql(SET, {"bookId": gid(book), "input": traits})


def test_the_book_shows_its_readers_view(gql):
    book = make_book("Dune")
    vote(
        gql,
        book,
        moods=["ADVENTUROUS", "DARK"],
        pace="SLOW",
        plotOrCharacter="PLOT",
        contentWarnings=[{"name": "violence", "severity": "GRAPHIC"}],
    )
    vote(
        gql,
        book,
        moods=["ADVENTUROUS"],
        pace="MEDIUM",
        contentWarnings=[{"name": "Violence", "severity": "MODERATE"}],
    )
    vote(
        gql,
        book,
        status=ReadingStatus.DID_NOT_FINISH,
        moods=["ADVENTUROUS", "TENSE"],
        pace="SLOW",
        contentWarnings=[
            {"name": "Grief", "severity": "MINOR"},
            {"name": "Violence", "severity": "MODERATE"},
        ],
    )
    traits = gql(TRAITS, {"id": gid(book)})["data"]["book"]["traits"]
    assert len(traits["moods"]) == 14 and traits["moods"][3:] == [
        {"mood": mood, "share": 0}
        for mood in [
            "CHALLENGING",
            "EMOTIONAL",
            "FUNNY",
            "HOPEFUL",
            "INFORMATIVE",
            "INSPIRING",
            "LIGHTHEARTED",
            "MYSTERIOUS",
            "REFLECTIVE",
            "RELAXING",
            "SAD",
        ]
    ]
    assert {**traits, "moods": traits["moods"][:3]} == {
        "voters": 3,
        "moods": [
            {"mood": "ADVENTUROUS", "share": 1.0},
            {"mood": "DARK", "share": 1 / 3},
            {"mood": "TENSE", "share": 1 / 3},
        ],
        "pace": [
            {"value": "SLOW", "share": 2 / 3},
            {"value": "MEDIUM", "share": 1 / 3},
            {"value": "FAST", "share": 0},
        ],
        "plotOrCharacter": [
            {"value": "PLOT", "share": 1 / 3},
            {"value": "CHARACTER", "share": 0},
            {"value": "MIX", "share": 0},
        ],
        "contentWarnings": [
            {"name": "Violence", "severity": "MODERATE", "count": 3},
            {"name": "Grief", "severity": "MINOR", "count": 1},
        ],
    }


def test_setting_traits_again_replaces_them_and_empty_removes_them(gql):
    book = make_book()
    reader = make_user()
    make_user_book(reader, book, status=ReadingStatus.READ)
    gql.login(reader)
    gql(SET, {"bookId": gid(book), "input": {"moods": ["SAD"], "pace": "FAST"}})
    gql(SET, {"bookId": gid(book), "input": {"moods": ["FUNNY"]}})
    traits = gql(TRAITS, {"id": gid(book)})["data"]["book"]["traits"]
    assert chosen(traits["moods"]) == [{"mood": "FUNNY", "share": 1.0}]
    assert chosen(traits["pace"]) == [] and traits["contentWarnings"] == []
    payload(gql(SET, {"bookId": gid(book), "input": {}}), "setBookTraits")
    traits = gql(TRAITS, {"id": gid(book)})["data"]["book"]["traits"]
    assert traits["voters"] == 0 and chosen(traits["moods"]) == []
    assert not BookTraitVote.objects.exists()


@pytest.mark.parametrize(
    ("status", "traits", "expected"),
    [
        (None, {"moods": ["SAD"]}, [("NOT_ALLOWED", "bookId")]),
        (ReadingStatus.READING, {"moods": ["SAD"]}, [("NOT_ALLOWED", "bookId")]),
        (
            ReadingStatus.READ,
            {"contentWarnings": [{"name": "Not a warning", "severity": "MINOR"}]},
            [("INVALID", "contentWarnings")],
        ),
    ],
)
def test_who_may_tag_and_with_what(gql, status, traits, expected):
    book, reader = make_book(), make_user()
    if status:
        make_user_book(reader, book, status=status)
    gql.login(reader)
    assert (
        error_codes(gql(SET, {"bookId": gid(book), "input": traits}), "setBookTraits") == expected
    )
    assert not BookTraitVote.objects.exists()


def test_books_filter_on_the_community_view(gql):
    cosy, grim, quick = make_book("Cosy"), make_book("Grim"), make_book("Quick")
    vote(gql, cosy, moods=["LIGHTHEARTED", "FUNNY"], pace="SLOW")
    vote(gql, cosy, moods=["LIGHTHEARTED"], pace="MEDIUM")
    vote(gql, cosy, moods=["RELAXING"], pace="MEDIUM")
    vote(
        gql,
        grim,
        moods=["DARK"],
        pace="FAST",
        contentWarnings=[{"name": "Violence", "severity": "GRAPHIC"}],
    )
    vote(gql, quick, moods=["FUNNY", "LIGHTHEARTED"], pace="FAST")

    def titles(**filter):
        result = gql(BOOKS, {"filter": filter})
        assert "errors" not in result, result
        return [edge["node"]["title"] for edge in result["data"]["books"]["edges"]]

    assert titles(moods=["LIGHTHEARTED"]) == ["Cosy", "Quick"]
    assert titles(moods=["FUNNY", "LIGHTHEARTED"]) == ["Cosy", "Quick"]  # 1 of 3 is a third
    assert titles(moods=["RELAXING", "FUNNY"]) == ["Cosy"]
    assert titles(pace="MEDIUM") == ["Cosy"]
    assert titles(pace="FAST") == ["Grim", "Quick"]
    assert titles(pace="FAST", excludeContentWarnings=["violence"]) == ["Quick"]
    assert titles(moods=["DARK"], excludeContentWarnings=["Grief"]) == ["Grim"]


def test_staff_extend_the_curated_content_warnings(gql):
    assert ContentWarning.objects.filter(name="Violence").exists()  # the curated list
    gql.login(make_user())
    assert error_codes(gql(ADD_WARNING, {"name": "Spiders"}), "addContentWarning") == [
        ("NOT_ALLOWED", "name")
    ]
    gql.login(make_superuser())
    added = payload(gql(ADD_WARNING, {"name": "Spiders"}), "addContentWarning")
    assert added == {"contentWarning": {"name": "Spiders"}, "errors": []}
    assert error_codes(gql(ADD_WARNING, {"name": "spiders"}), "addContentWarning") == [
        ("CONFLICT", "name")
    ]
    book = make_book()
    vote(gql, book, contentWarnings=[{"name": "SPIDERS", "severity": "MINOR"}])
    warnings = gql(TRAITS, {"id": gid(book)})["data"]["book"]["traits"]["contentWarnings"]
    assert warnings == [{"name": "Spiders", "severity": "MINOR", "count": 1}]
