"""The reading journal: `addJournalEntry`, `updateJournalEntry`, `deleteJournalEntry`,
`UserBook.journal`, progress updates as entries, privacy, and notes in followers' feeds."""

import pytest

from apps.core.models import Privacy
from apps.reading.models import JournalEntry, ReadingStatus, UserBook
from apps.social.models import Activity, Verb
from tests.factories import make_book, make_follow, make_profile, make_user, make_user_book
from tests.schema.reading.helpers import error_codes, gid, payload

pytestmark = pytest.mark.django_db

ADD = """
mutation($bookId: ID!, $input: JournalEntryInput!) {
  addJournalEntry(bookId: $bookId, input: $input) {
    journalEntry { id page percent note spoiler privacy canEdit book { title } user { username } }
    userBook { status progressPages progressPercent }
    errors { code field }
  }
}"""
UPDATE = """
mutation($id: ID!, $input: UpdateJournalEntryInput!) {
  updateJournalEntry(id: $id, input: $input) {
    journalEntry { page percent note privacy spoiler }
    userBook { progressPages progressPercent }
    errors { code field }
  }
}"""
DELETE = """
mutation($id: ID!) { deleteJournalEntry(id: $id) { deletedId errors { code field } } }"""
PROGRESS = """
mutation($bookId: ID!, $pages: Int) {
  updateProgress(bookId: $bookId, pages: $pages) { userBook { progressPages } errors { code } }
}"""
JOURNAL = """
query($username: String!, $first: Int = 10, $after: String) {
  userBooks(username: $username, first: 1) { edges { node {
    journal(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { page percent note spoiler } }
    }
  } } }
}"""
FEED = """
query { feed(first: 10) { edges { node {
  verb data actor { username } book { title }
  target { __typename ... on JournalEntry { note spoiler } }
} } } }"""


def add(gql, book, **entry):
    return gql(ADD, {"bookId": gid(book), "input": entry})


def journal_of(gql, username, **page):
    result = gql(JOURNAL, {"username": username, **page})
    assert "errors" not in result, result
    edges = result["data"]["userBooks"]["edges"]
    return edges[0]["node"]["journal"] if edges else None


def test_an_entry_records_progress_and_a_note_and_moves_the_book_to_reading(gql):
    ada, book = make_user("ada"), make_book("Dune", pages=400)
    gql.login(ada)
    result = payload(add(gql, book, page=120, note="Spice!", spoiler=True), "addJournalEntry")
    assert result["errors"] == []
    entry = result["journalEntry"]
    assert (entry["page"], entry["note"], entry["spoiler"], entry["privacy"]) == (
        120,
        "Spice!",
        True,
        "PUBLIC",
    )
    assert entry["canEdit"] is True and entry["book"]["title"] == "Dune"
    assert result["userBook"] == {
        "status": "READING",
        "progressPages": 120,
        "progressPercent": None,
    }


def test_a_progress_update_is_a_journal_entry_and_the_journal_is_newest_first(gql):
    ada, book = make_user("ada"), make_book(pages=300)
    gql.login(ada)
    for pages in (10, 50, 90):
        assert (
            payload(gql(PROGRESS, {"bookId": gid(book), "pages": pages}), "updateProgress")[
                "errors"
            ]
            == []
        )
    add(gql, book, percent=40.5)
    assert JournalEntry.objects.count() == 4  # one record of progress: the journal
    journal = journal_of(gql, "ada", first=3)
    assert journal["totalCount"] == 4
    assert [(e["node"]["page"], e["node"]["percent"]) for e in journal["edges"]] == [
        (None, 40.5),
        (90, None),
        (50, None),
    ]
    rest = journal_of(gql, "ada", first=3, after=journal["pageInfo"]["endCursor"])
    assert [e["node"]["page"] for e in rest["edges"]] == [10]
    assert UserBook.objects.get().progress_percent == 40.5


def test_a_note_alone_leaves_a_finished_book_finished(gql):
    ada, book = make_user("ada"), make_book()
    make_user_book(ada, book, status=ReadingStatus.READ)
    gql.login(ada)
    result = payload(add(gql, book, note="Still thinking about it."), "addJournalEntry")
    assert result["userBook"]["status"] == "READ"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({}, [("INVALID", "note")]),
        ({"page": 10, "percent": 5.0}, [("INVALID", "percent")]),
        ({"page": 301}, [("INVALID", "page")]),
        ({"percent": 100.5}, [("INVALID", "percent")]),
        ({"note": "x" * 10_001}, [("INVALID", "note")]),
    ],
)
def test_invalid_entries_are_refused_and_leave_nothing(gql, entry, expected):
    gql.login(make_user())
    result = add(gql, make_book(pages=300), **entry)
    assert error_codes(result, "addJournalEntry") == expected
    assert not JournalEntry.objects.exists() and not UserBook.objects.exists()


def test_entries_follow_their_privacy_and_the_readers_profile(gql):
    ada, friend, stranger = make_user("ada"), make_user("friend"), make_user("stranger")
    make_follow(friend, ada)
    book = make_book()
    gql.login(ada)
    add(gql, book, note="for everyone")
    add(gql, book, note="for followers", privacy="FOLLOWERS")
    add(gql, book, note="for me", privacy="PRIVATE")
    notes = lambda: [e["node"]["note"] for e in journal_of(gql, "ada")["edges"]]  # noqa: E731
    assert notes() == ["for me", "for followers", "for everyone"]
    gql.login(friend)
    assert notes() == ["for followers", "for everyone"]
    gql.login(stranger)
    assert notes() == ["for everyone"]
    gql.logout()
    assert notes() == ["for everyone"]
    make_profile(ada, privacy=Privacy.FOLLOWERS)  # hides her shelves, and so her journal
    assert journal_of(gql, "ada") is None
    gql.login(friend)
    assert notes() == ["for followers", "for everyone"]


def test_notes_others_may_see_reach_followers_feeds_with_their_spoiler_flag(gql):
    ada, friend = make_user("ada"), make_user("friend")
    make_follow(friend, ada)
    book = make_book("Dune")
    gql.login(ada)
    add(gql, book, page=10)  # progress alone: not for feeds
    add(gql, book, note="private thought", privacy="PRIVATE")
    entry_id = payload(add(gql, book, note="The ending!", spoiler=True), "addJournalEntry")[
        "journalEntry"
    ]["id"]
    gql.login(friend)
    noted = [e["node"] for e in gql(FEED)["data"]["feed"]["edges"] if e["node"]["verb"] == "NOTED"]
    assert noted == [
        {
            "verb": "NOTED",
            "data": {"spoiler": True, "page": None},
            "actor": {"username": "ada"},
            "book": {"title": "Dune"},
            "target": {"__typename": "JournalEntry", "note": "The ending!", "spoiler": True},
        }
    ]
    # Made private, the entry leaves the feed; deleted, its activity goes with it.
    gql.login(ada)
    gql(UPDATE, {"id": entry_id, "input": {"privacy": "PRIVATE"}})
    assert not Activity.objects.filter(verb=Verb.NOTED).exists()
    gql(UPDATE, {"id": entry_id, "input": {"privacy": "FOLLOWERS"}})
    assert Activity.objects.get(verb=Verb.NOTED).privacy == Privacy.FOLLOWERS
    assert payload(gql(DELETE, {"id": entry_id}), "deleteJournalEntry")["errors"] == []
    assert not Activity.objects.filter(verb=Verb.NOTED).exists()


def test_the_shelf_progress_follows_the_newest_entry_through_edits_and_deletes(gql):
    ada, book = make_user("ada"), make_book(pages=500)
    gql.login(ada)
    add(gql, book, page=100)
    newest = payload(add(gql, book, page=200), "addJournalEntry")["journalEntry"]["id"]
    result = payload(gql(UPDATE, {"id": newest, "input": {"percent": 50}}), "updateJournalEntry")
    assert result["userBook"] == {"progressPages": None, "progressPercent": 50.0}
    assert payload(gql(DELETE, {"id": newest}), "deleteJournalEntry")["deletedId"] == newest
    assert UserBook.objects.get().progress_pages == 100


def test_only_the_author_changes_an_entry(gql):
    ada, bob = make_user("ada"), make_user("bob")
    gql.login(ada)
    public = payload(add(gql, make_book(), note="hi"), "addJournalEntry")["journalEntry"]["id"]
    private = payload(add(gql, make_book(), note="mine", privacy="PRIVATE"), "addJournalEntry")[
        "journalEntry"
    ]["id"]
    gql.login(bob)
    assert error_codes(
        gql(UPDATE, {"id": public, "input": {"note": "x"}}), "updateJournalEntry"
    ) == [("NOT_ALLOWED", "id")]
    assert error_codes(gql(DELETE, {"id": private}), "deleteJournalEntry") == [("NOT_FOUND", "id")]
    assert error_codes(gql(UPDATE, {"id": public, "input": {"note": ""}}), "updateJournalEntry")
    gql.login(ada)
    assert error_codes(
        gql(UPDATE, {"id": public, "input": {"note": ""}}), "updateJournalEntry"
    ) == [("INVALID", "note")]  # neither progress nor a note would be left
    assert set(JournalEntry.objects.values_list("note", flat=True)) == {"hi", "mine"}
