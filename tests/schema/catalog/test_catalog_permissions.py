"""Who may edit the catalogue: staff and holders of `catalog.librarian` (directly or through a
group). Other readers get NOT_ALLOWED in the payload; anonymous callers a top-level
UNAUTHENTICATED error. Nothing changes unless the call is allowed."""

import pytest

from apps.catalog.models import Author, Book
from tests.factories import make_author, make_book, make_superuser, make_user
from tests.schema.catalog.support import gid

pytestmark = pytest.mark.django_db


def operations():
    """(name, document, variables factory, check that it took effect) for each mutation."""
    return [
        (
            "createBook",
            'mutation { createBook(input: {title: "New"}) { book { title } errors { code } } }',
            lambda: {},
            lambda: Book.objects.filter(title="New").exists(),
        ),
        (
            "updateBook",
            'mutation($id: ID!) { updateBook(id: $id, input: {title: "Renamed"}) '
            "{ book { title } errors { code } } }",
            lambda: {"id": gid(make_book("Old"))},
            lambda: Book.objects.filter(title="Renamed").exists(),
        ),
        (
            "deleteBook",
            "mutation($id: ID!) { deleteBook(id: $id) { deletedId errors { code } } }",
            lambda: {"id": gid(make_book("Doomed"))},
            lambda: not Book.objects.filter(title="Doomed").exists(),
        ),
        (
            "createAuthor",
            'mutation { createAuthor(input: {name: "Ada"}) { author { name } errors { code } } }',
            lambda: {},
            lambda: Author.objects.filter(name="Ada").exists(),
        ),
        (
            "updateAuthor",
            'mutation($id: ID!) { updateAuthor(id: $id, input: {bio: "Wrote."}) '
            "{ author { bio } errors { code } } }",
            lambda: {"id": gid(make_author("Bea"))},
            lambda: Author.objects.filter(bio="Wrote.").exists(),
        ),
        (
            "mergeBooks",
            "mutation($s: ID!, $d: [ID!]!) { mergeBooks(survivorId: $s, duplicateIds: $d) "
            "{ book { title } errors { code } } }",
            lambda: {"s": gid(make_book("Keep")), "d": [gid(make_book("Dup"))]},
            lambda: not Book.objects.filter(title="Dup").exists(),
        ),
        (
            "mergeAuthors",
            "mutation($s: ID!, $d: [ID!]!) { mergeAuthors(survivorId: $s, duplicateIds: $d) "
            "{ author { name } errors { code } } }",
            lambda: {"s": gid(make_author("Keep")), "d": [gid(make_author("Dup"))]},
            lambda: not Author.objects.filter(name="Dup").exists(),
        ),
    ]


OPERATIONS = {name: rest for name, *rest in operations()}


@pytest.mark.parametrize("name", OPERATIONS)
@pytest.mark.parametrize("caller", ["librarian", "group_librarian", "staff", "superuser"])
def test_catalogue_mutation_allowed_for_librarians_and_staff(gql, request, name, caller):
    user = make_superuser() if caller == "superuser" else request.getfixturevalue(caller)
    document, variables, took_effect = OPERATIONS[name]
    gql.login(user)
    result = gql(document, variables())
    assert "errors" not in result, result
    assert result["data"][name]["errors"] == []
    assert took_effect()


@pytest.mark.parametrize("name", OPERATIONS)
def test_catalogue_mutation_not_allowed_for_ordinary_readers(gql, name):
    document, variables, took_effect = OPERATIONS[name]
    gql.login(make_user())
    result = gql(document, variables())
    assert "errors" not in result, result
    payload = result["data"][name]
    assert [e["code"] for e in payload["errors"]] == ["NOT_ALLOWED"]
    assert [v for k, v in payload.items() if k != "errors"] == [None]
    assert not took_effect()


@pytest.mark.parametrize("name", OPERATIONS)
def test_catalogue_mutation_needs_login(gql, name):
    document, variables, took_effect = OPERATIONS[name]
    result = gql(document, variables())
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not took_effect()


def test_catalogue_permission_is_checked_before_the_input(gql):
    """A reader learns nothing about the catalogue from validation errors."""
    gql.login(make_user())
    result = gql('mutation { createBook(input: {title: ""}) { errors { code field } } }')
    assert result["data"]["createBook"]["errors"] == [{"code": "NOT_ALLOWED", "field": None}]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [("librarian", True), ("group_librarian", True), ("staff", True), ("reader", False)],
)
def test_can_edit_tells_the_viewer_whether_they_may_edit(gql, request, caller, expected):
    book, author = make_book(), make_author()
    query = "query($b: ID!, $a: ID!) { book(id: $b) { canEdit } author(id: $a) { canEdit } }"
    variables = {"b": gid(book), "a": gid(author)}
    assert gql(query, variables)["data"] == {
        "book": {"canEdit": False},
        "author": {"canEdit": False},
    }
    gql.login(request.getfixturevalue(caller))
    data = gql(query, variables)["data"]
    assert data == {"book": {"canEdit": expected}, "author": {"canEdit": expected}}
