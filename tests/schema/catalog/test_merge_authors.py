"""`mergeAuthors`: credits move to the survivor once per book and role; old ids resolve."""

import pytest

from apps.catalog.models import Author, AuthorRedirect, AuthorRole, BookAuthor
from tests.factories import make_author, make_book, make_book_author
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

MERGE = """
mutation($survivor: ID!, $duplicates: [ID!]!) {
  mergeAuthors(survivorId: $survivor, duplicateIds: $duplicates) {
    author { id name birthYear deathYear openlibraryId wikidataId bio }
    errors { code field message }
  }
}
"""


def merge(gql, survivor, *duplicates) -> dict:
    result = gql(MERGE, {"survivor": gid(survivor), "duplicates": [gid(d) for d in duplicates]})
    assert "errors" not in result, result
    return result["data"]["mergeAuthors"]


def byline(book) -> list[tuple[str, str, int]]:
    return list(
        BookAuthor.objects.filter(book=book)
        .order_by("position", "id")
        .values_list("author__name", "role", "position")
    )


def test_merge_authors_moves_credits_once_per_book_and_role(gql, librarian):
    tolkien = make_author("J. R. R. Tolkien", birth_year=1892, openlibrary_id="OL26320A")
    duplicate = make_author(
        "J.R.R. Tolkien", death_year=1973, wikidata_id="Q892", bio="Philologist."
    )
    other = make_author("Christopher Tolkien")
    hobbit = make_book("The Hobbit", authors=[duplicate])
    lotr = make_book("The Lord of the Rings", authors=[tolkien, duplicate])  # credited twice
    beowulf = make_book("Beowulf")
    make_book_author(beowulf, duplicate, role=AuthorRole.TRANSLATOR)
    make_book_author(beowulf, other, role=AuthorRole.EDITOR, position=1)
    make_book_author(beowulf, tolkien, role=AuthorRole.AUTHOR, position=2)
    gql.login(librarian)

    payload = merge(gql, tolkien, duplicate)

    assert payload["errors"] == []
    author = payload["author"]
    assert author["id"] == gid(tolkien) and author["name"] == "J. R. R. Tolkien"
    assert (author["birthYear"], author["deathYear"]) == (1892, 1973)
    assert (author["openlibraryId"], author["wikidataId"]) == ("OL26320A", "Q892")
    assert author["bio"] == "Philologist."
    assert byline(hobbit) == [("J. R. R. Tolkien", "author", 0)]
    assert byline(lotr) == [("J. R. R. Tolkien", "author", 0)]
    assert byline(beowulf) == [
        ("J. R. R. Tolkien", "translator", 0),
        ("Christopher Tolkien", "editor", 1),
        ("J. R. R. Tolkien", "author", 2),
    ]
    assert not Author.objects.filter(pk=duplicate.pk).exists()
    assert AuthorRedirect.objects.get().old_id == duplicate.pk


def test_merge_authors_old_id_resolves_everywhere(gql, librarian):
    survivor, duplicate = make_author("Survivor"), make_author("Duplicate")
    make_book("Their book", authors=[duplicate])
    gql.login(librarian)
    merge(gql, survivor, duplicate)
    gql.logout()

    old = gid(duplicate)
    result = gql(
        """query($id: ID!, $ids: [ID!]!) {
          author(id: $id) { id name books(first: 5) { edges { node { title } } } }
          node(id: $id) { id }
          nodes(ids: $ids) { id }
          books(filter: {authorId: $id}) { edges { node { title } } }
        }""",
        {"id": old, "ids": [old, gid(survivor)]},
    )
    data = result["data"]
    assert data["author"]["id"] == gid(survivor)
    assert data["author"]["books"]["edges"] == [{"node": {"title": "Their book"}}]
    assert data["node"] == {"id": gid(survivor)}
    assert data["nodes"] == [{"id": gid(survivor)}, {"id": gid(survivor)}]
    assert data["books"]["edges"] == [{"node": {"title": "Their book"}}]


def test_merge_authors_never_makes_a_death_before_birth(gql, librarian):
    survivor = make_author("A", birth_year=1900)
    duplicate = make_author("B", birth_year=1700, death_year=1750)
    gql.login(librarian)
    author = merge(gql, survivor, duplicate)["author"]
    assert (author["birthYear"], author["deathYear"]) == (1900, None)


def test_merge_authors_errors(gql, librarian):
    author, other = make_author(), make_author()
    gql.login(librarian)

    def errors(survivor, duplicates):
        payload = gql(MERGE, {"survivor": survivor, "duplicates": duplicates})["data"]
        assert payload["mergeAuthors"]["author"] is None
        return [(e["code"], e["field"]) for e in payload["mergeAuthors"]["errors"]]

    assert errors(gid(author), [gid(author)]) == [("INVALID", "duplicateIds")]
    assert errors(gid(author), []) == [("INVALID", "duplicateIds")]
    assert errors(gid(10**9, "Author"), [gid(other)]) == [("NOT_FOUND", "survivorId")]
    assert errors(gid(author), [gid(10**9, "Author")]) == [("NOT_FOUND", "duplicateIds")]
    assert errors(gid(author.pk, "Book"), [gid(other)]) == [("NOT_FOUND", "survivorId")]
    assert Author.objects.count() == 2
