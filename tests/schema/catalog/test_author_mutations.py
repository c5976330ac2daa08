"""`createAuthor` and `updateAuthor`: happy paths and every error code."""

import pytest

from apps.catalog.models import Author
from tests.factories import make_author
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db

AUTHOR_FIELDS = "id name sortName bio birthYear deathYear openlibraryId goodreadsId"

CREATE = f"""
mutation($input: CreateAuthorInput!) {{
  createAuthor(input: $input) {{ author {{ {AUTHOR_FIELDS} }} errors {{ code field message }} }}
}}
"""

UPDATE = f"""
mutation($id: ID!, $input: UpdateAuthorInput!) {{
  updateAuthor(id: $id, input: $input) {{
    author {{ {AUTHOR_FIELDS} }} errors {{ code field message }}
  }}
}}
"""


def create(gql, **input) -> dict:
    result = gql(CREATE, {"input": input})
    assert "errors" not in result, result
    return result["data"]["createAuthor"]


def update(gql, author, **input) -> dict:
    result = gql(UPDATE, {"id": gid(author), "input": input})
    assert "errors" not in result, result
    return result["data"]["updateAuthor"]


def codes(payload) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


def test_create_author_with_every_field(gql, librarian):
    gql.login(librarian)
    payload = create(
        gql,
        name="Ursula K. Le Guin",
        bio="Wrote Earthsea.",
        birthYear=1929,
        deathYear=2018,
        openlibraryId="OL31353A",
        goodreadsId="874602",
        wikidataId="Q181659",
    )
    assert payload["errors"] == []
    author = payload["author"]
    assert author["sortName"] == "Le Guin, Ursula K."  # derived
    assert (author["birthYear"], author["deathYear"]) == (1929, 2018)
    assert Author.objects.get(name="Ursula K. Le Guin").wikidata_id == "Q181659"


def test_create_author_keeps_a_given_sort_name_and_bce_years(gql, librarian):
    gql.login(librarian)
    payload = create(gql, name="Homer", sortName="Homer (poet)", birthYear=-750)
    assert payload["author"]["sortName"] == "Homer (poet)"
    assert payload["author"]["birthYear"] == -750


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        ({"name": " "}, [("REQUIRED", "name")]),
        ({"name": "x" * 256}, [("INVALID", "name")]),
        ({"name": "A", "birthYear": 1950, "deathYear": 1949}, [("INVALID", "deathYear")]),
        ({"name": "A", "birthYear": 9999}, [("INVALID", "birthYear")]),
        ({"name": "A", "openlibraryId": "OL1M"}, [("INVALID", "openlibraryId")]),
        ({"name": "A", "wikidataId": "892"}, [("INVALID", "wikidataId")]),
        ({"name": "A", "goodreadsId": "x1"}, [("INVALID", "goodreadsId")]),
        ({"name": "", "bio": "x" * 20_001}, [("REQUIRED", "name"), ("INVALID", "bio")]),
    ],
)
def test_create_author_reports_each_invalid_field(gql, librarian, input, expected):
    gql.login(librarian)
    payload = create(gql, **input)
    assert payload["author"] is None
    assert sorted(codes(payload)) == sorted(expected)
    assert not Author.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "existing"),
    [
        ("openlibraryId", "OL26320A", {"openlibrary_id": "OL26320A"}),
        ("goodreadsId", "656983", {"goodreads_id": "656983"}),
        ("wikidataId", "Q892", {"wikidata_id": "Q892"}),
    ],
)
def test_create_author_external_id_of_another_author_is_a_conflict(
    gql, librarian, field, value, existing
):
    make_author("Tolkien", **existing)
    gql.login(librarian)
    payload = create(gql, name="J. R. R. Tolkien", **{field: value})
    assert codes(payload) == [("CONFLICT", field)]


def test_update_author_changes_only_given_fields(gql, librarian):
    author = make_author("Ada Lovelace", bio="Mathematician.", birth_year=1815, death_year=1852)
    gql.login(librarian)

    payload = update(gql, author, deathYear=None, goodreadsId="123")

    assert payload["errors"] == []
    assert payload["author"]["bio"] == "Mathematician."
    assert (payload["author"]["birthYear"], payload["author"]["deathYear"]) == (1815, None)
    assert payload["author"]["goodreadsId"] == "123"


def test_update_author_rename_rederives_sort_name_unless_given(gql, librarian):
    author = make_author("Mary Shelley")
    custom = make_author("Voltaire", sort_name="Voltaire (Arouet)")
    gql.login(librarian)

    assert update(gql, author, name="Mary Wollstonecraft Shelley")["author"]["sortName"] == (
        "Shelley, Mary Wollstonecraft"
    )
    assert update(gql, custom, bio="Philosopher.")["author"]["sortName"] == "Voltaire (Arouet)"
    assert update(gql, custom, name="Voltaire")["author"]["sortName"] == "Voltaire (Arouet)"
    assert update(gql, custom, sortName=None)["author"]["sortName"] == "Voltaire"


def test_update_author_errors(gql, librarian):
    make_author("Other", openlibrary_id="OL1A")
    author = make_author("A", birth_year=1900)
    gql.login(librarian)

    assert codes(update(gql, author, name="")) == [("REQUIRED", "name")]
    assert codes(update(gql, author, deathYear=1899)) == [("INVALID", "deathYear")]
    assert codes(update(gql, author, birthYear=2000, deathYear=1990)) == [("INVALID", "deathYear")]
    assert codes(update(gql, author, openlibraryId="OL1A")) == [("CONFLICT", "openlibraryId")]
    result = gql(UPDATE, {"id": gid(10**9, "Author"), "input": {"bio": "x"}})
    assert codes(result["data"]["updateAuthor"]) == [("NOT_FOUND", "id")]
    author.refresh_from_db()
    assert (author.name, author.death_year) == ("A", None)
