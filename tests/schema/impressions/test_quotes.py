"""Quotes: `addQuote`, `updateQuote`, `deleteQuote`, `Book.quotes(order)`, `User.quotes`,
privacy and spoilers."""

import pytest

from apps.core.models import Privacy
from apps.impressions.models import Quote
from tests.factories import make_book, make_follow, make_profile, make_user
from tests.schema.reading.helpers import error_codes, gid, payload

pytestmark = pytest.mark.django_db

ADD = """
mutation($bookId: ID!, $input: QuoteInput!) {
  addQuote(bookId: $bookId, input: $input) {
    quote { id text page spoiler privacy canEdit user { username } book { title } }
    errors { code field }
  }
}"""
UPDATE = """
mutation($id: ID!, $input: UpdateQuoteInput!) {
  updateQuote(id: $id, input: $input) { quote { text page spoiler privacy } errors { code field } }
}"""
DELETE = "mutation($id: ID!) { deleteQuote(id: $id) { deletedId errors { code field } } }"
BOOK_QUOTES = """
query($id: ID!, $order: QuoteOrder) {
  book(id: $id) { quotes(first: 10, order: $order) { totalCount edges { node { text spoiler } } } }
}"""
USER_QUOTES = """
query($u: String!) { user(username: $u) { quotes(first: 10) { edges { node { text book { title } } } } } }"""


def add(gql, book, **quote):
    return gql(ADD, {"bookId": gid(book), "input": {"text": "words", **quote}})


def texts(result, *path) -> list[str]:
    assert "errors" not in result, result
    node = result["data"]
    for key in path:
        node = node[key]
    return [edge["node"]["text"] for edge in node["edges"]]


def test_a_reader_keeps_edits_and_deletes_a_quote(gql):
    gql.login(make_user("ada"))
    book = make_book("Dune", pages=400)
    added = payload(
        add(gql, book, text="Fear is the mind-killer.", page=8, editionId=gid("Edition", 1)),
        "addQuote",
    )
    assert added["errors"] == []
    quote = added["quote"]
    assert quote["text"] == "Fear is the mind-killer." and quote["page"] == 8
    assert (quote["privacy"], quote["spoiler"], quote["canEdit"]) == ("PUBLIC", False, True)
    updated = payload(gql(UPDATE, {"id": quote["id"], "input": {"spoiler": True}}), "updateQuote")
    assert updated["quote"]["spoiler"] is True and updated["quote"]["text"].startswith("Fear")
    assert payload(gql(DELETE, {"id": quote["id"]}), "deleteQuote")["deletedId"] == quote["id"]
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ({"text": "  "}, [("REQUIRED", "text")]),
        ({"text": "x" * 2001}, [("INVALID", "text")]),
        ({"page": 401}, [("INVALID", "page")]),
        ({"page": 0}, [("INVALID", "page")]),
    ],
)
def test_invalid_quotes_are_refused(gql, quote, expected):
    gql.login(make_user())
    assert error_codes(add(gql, make_book(pages=400), **quote), "addQuote") == expected
    assert not Quote.objects.exists()


def test_quotes_follow_their_privacy_and_the_readers_profile(gql):
    ada, friend = make_user("ada"), make_user("friend")
    make_follow(friend, ada)
    book = make_book("Dune")
    gql.login(ada)
    for privacy in ("PUBLIC", "FOLLOWERS", "PRIVATE"):
        add(gql, book, text=privacy.lower(), privacy=privacy)
    by_book = lambda: texts(gql(BOOK_QUOTES, {"id": gid(book)}), "book", "quotes")  # noqa: E731
    by_ada = lambda: texts(gql(USER_QUOTES, {"u": "ada"}), "user", "quotes")  # noqa: E731
    assert by_book() == by_ada() == ["private", "followers", "public"]
    gql.login(friend)
    assert by_book() == by_ada() == ["followers", "public"]
    gql.logout()
    assert by_book() == by_ada() == ["public"]
    make_profile(ada, privacy=Privacy.FOLLOWERS)
    assert by_book() == by_ada() == []
    gql.login(friend)
    assert by_book() == ["followers", "public"]


def test_book_quotes_by_popularity_and_newest(gql):
    book = make_book()
    gql.login(make_user())
    for text in ("first", "second", "third"):
        add(gql, book, text=text)
    Quote.objects.filter(text="second").update(likes_count=5)
    assert texts(gql(BOOK_QUOTES, {"id": gid(book), "order": "POPULAR"}), "book", "quotes") == [
        "second",
        "third",
        "first",
    ]
    assert texts(gql(BOOK_QUOTES, {"id": gid(book)}), "book", "quotes") == [
        "third",
        "second",
        "first",
    ]


def test_only_the_reader_changes_a_quote(gql):
    gql.login(make_user("ada"))
    public = payload(add(gql, make_book()), "addQuote")["quote"]["id"]
    private = payload(add(gql, make_book(), privacy="PRIVATE"), "addQuote")["quote"]["id"]
    gql.login(make_user("bob"))
    assert error_codes(gql(UPDATE, {"id": public, "input": {"text": "x"}}), "updateQuote") == [
        ("NOT_ALLOWED", "id")
    ]
    assert error_codes(gql(DELETE, {"id": private}), "deleteQuote") == [("NOT_FOUND", "id")]
    assert Quote.objects.count() == 2
