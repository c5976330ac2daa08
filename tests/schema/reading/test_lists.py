"""Reading list mutations and the `readingList` / `readingLists` queries."""

import pytest

from apps.core.models import Privacy
from apps.reading.models import ReadingList, ReadingListItem
from apps.social.models import Activity, Verb
from tests.factories import (
    make_book,
    make_follow,
    make_reading_list,
    make_reading_list_item,
    make_superuser,
    make_user,
)
from tests.helpers import without_cost
from tests.schema.reading.helpers import error_codes, gid, payload, top_level_code

pytestmark = pytest.mark.django_db

LIST_FIELDS = (
    "id name description privacy itemsCount canEdit owner { username } "
    "items(first: 50) { edges { node { position note book { title } } } }"
)
CREATE = f"""
mutation($input: CreateReadingListInput!) {{
  createReadingList(input: $input) {{ readingList {{ {LIST_FIELDS} }} errors {{ code field }} }}
}}"""
UPDATE = f"""
mutation($id: ID!, $input: UpdateReadingListInput!) {{
  updateReadingList(id: $id, input: $input) {{ readingList {{ {LIST_FIELDS} }} errors {{ code field }} }}
}}"""
DELETE = """
mutation($id: ID!) { deleteReadingList(id: $id) { deletedId errors { code field } } }
"""
ADD = """
mutation($listId: ID!, $bookId: ID!, $note: String, $position: Int) {
  addToReadingList(listId: $listId, bookId: $bookId, note: $note, position: $position) {
    readingList { itemsCount items(first: 50) { edges { node { position book { title } } } } }
    item { position note book { title } }
    errors { code field }
  }
}"""
REMOVE = """
mutation($listId: ID!, $bookId: ID!) {
  removeFromReadingList(listId: $listId, bookId: $bookId) {
    readingList { items(first: 50) { edges { node { position book { title } } } } }
    errors { code field }
  }
}"""
MOVE = """
mutation($listId: ID!, $bookId: ID!, $position: Int!) {
  moveInReadingList(listId: $listId, bookId: $bookId, position: $position) {
    readingList { items(first: 50) { edges { node { position book { title } } } } }
    errors { code field }
  }
}"""
READING_LIST = "query($id: ID!) { readingList(id: $id) { name } }"
READING_LISTS = """
query($owner: String!) { readingLists(owner: $owner, first: 10) { totalCount edges { node { name } } } }
"""


def order(reading_list: dict) -> list[tuple[int, str]]:
    return [
        (e["node"]["position"], e["node"]["book"]["title"]) for e in reading_list["items"]["edges"]
    ]


def test_create_update_delete_reading_list(gql):
    gql.login(make_user("ada"))
    result = payload(
        gql(CREATE, {"input": {"name": "Summer", "description": "Beach", "privacy": "PRIVATE"}}),
        "createReadingList",
    )
    created = result["readingList"]
    assert result["errors"] == []
    assert {k: created[k] for k in ("name", "description", "privacy", "itemsCount", "canEdit")} == {
        "name": "Summer",
        "description": "Beach",
        "privacy": "PRIVATE",
        "itemsCount": 0,
        "canEdit": True,
    }
    assert created["owner"] == {"username": "ada"}
    result = gql(UPDATE, {"id": created["id"], "input": {"name": "Winter", "privacy": "PUBLIC"}})
    updated = payload(result, "updateReadingList")["readingList"]
    assert (updated["name"], updated["description"], updated["privacy"]) == (
        "Winter",
        "Beach",
        "PUBLIC",
    )
    result = payload(gql(DELETE, {"id": created["id"]}), "deleteReadingList")
    assert result == {"deletedId": created["id"], "errors": []}
    assert not ReadingList.objects.exists()


def test_reading_list_mutation_errors(gql):
    user = make_user()
    make_reading_list(user, name="Taken")
    mine = make_reading_list(user, name="Mine")
    gql.login(user)
    assert error_codes(gql(CREATE, {"input": {"name": "TAKEN"}}), "createReadingList") == [
        ("CONFLICT", "name")
    ]
    assert error_codes(gql(CREATE, {"input": {"name": " "}}), "createReadingList") == [
        ("REQUIRED", "name")
    ]
    assert error_codes(gql(CREATE, {"input": {"name": "n" * 151}}), "createReadingList") == [
        ("INVALID", "name")
    ]
    result = gql(UPDATE, {"id": gid(mine), "input": {"name": "taken"}})
    assert error_codes(result, "updateReadingList") == [("CONFLICT", "name")]
    result = gql(UPDATE, {"id": gid("ReadingList", 999999), "input": {"name": "x"}})
    assert error_codes(result, "updateReadingList") == [("NOT_FOUND", "id")]
    assert error_codes(gql(DELETE, {"id": gid("Book", mine.pk)}), "deleteReadingList") == [
        ("NOT_FOUND", "id")
    ]


def test_add_remove_move_keep_positions_dense(gql):
    user = make_user()
    reading_list = make_reading_list(user)
    books = {title: make_book(title) for title in "ABCD"}
    gql.login(user)
    for title in "ABC":
        result = payload(
            gql(ADD, {"listId": gid(reading_list), "bookId": gid(books[title])}), "addToReadingList"
        )
        assert result["errors"] == []
    result = payload(
        gql(
            ADD,
            {
                "listId": gid(reading_list),
                "bookId": gid(books["D"]),
                "note": "Start here",
                "position": 0,
            },
        ),
        "addToReadingList",
    )
    assert result["item"] == {"position": 0, "note": "Start here", "book": {"title": "D"}}
    assert result["readingList"]["itemsCount"] == 4
    assert order(result["readingList"]) == [(0, "D"), (1, "A"), (2, "B"), (3, "C")]
    result = payload(
        gql(MOVE, {"listId": gid(reading_list), "bookId": gid(books["D"]), "position": 3}),
        "moveInReadingList",
    )
    assert order(result["readingList"]) == [(0, "A"), (1, "B"), (2, "C"), (3, "D")]
    result = payload(
        gql(REMOVE, {"listId": gid(reading_list), "bookId": gid(books["B"])}),
        "removeFromReadingList",
    )
    assert order(result["readingList"]) == [(0, "A"), (1, "C"), (2, "D")]
    assert sorted(
        Activity.objects.filter(verb=Verb.LISTED).values_list("book__title", flat=True)
    ) == ["A", "C", "D"]


def test_list_item_mutation_errors(gql):
    user = make_user()
    reading_list = make_reading_list(user)
    inside, outside = make_book(), make_book()
    make_reading_list_item(reading_list, inside)
    gql.login(user)
    list_id = gid(reading_list)
    cases = [
        (
            ADD,
            {"listId": list_id, "bookId": gid(inside)},
            "addToReadingList",
            ("CONFLICT", "bookId"),
        ),
        (
            ADD,
            {"listId": list_id, "bookId": gid(outside), "position": 2},
            "addToReadingList",
            ("INVALID", "position"),
        ),
        (
            ADD,
            {"listId": list_id, "bookId": gid("Book", 999999)},
            "addToReadingList",
            ("NOT_FOUND", "bookId"),
        ),
        (
            ADD,
            {"listId": gid("ReadingList", 999999), "bookId": gid(outside)},
            "addToReadingList",
            ("NOT_FOUND", "listId"),
        ),
        (
            ADD,
            {"listId": list_id, "bookId": gid(outside), "note": "n" * 2001},
            "addToReadingList",
            ("INVALID", "note"),
        ),
        (
            REMOVE,
            {"listId": list_id, "bookId": gid(outside)},
            "removeFromReadingList",
            ("NOT_FOUND", "bookId"),
        ),
        (
            MOVE,
            {"listId": list_id, "bookId": gid(outside), "position": 0},
            "moveInReadingList",
            ("NOT_FOUND", "bookId"),
        ),
        (
            MOVE,
            {"listId": list_id, "bookId": gid(inside), "position": 1},
            "moveInReadingList",
            ("INVALID", "position"),
        ),
        (
            MOVE,
            {"listId": list_id, "bookId": gid(inside), "position": -1},
            "moveInReadingList",
            ("INVALID", "position"),
        ),
    ]
    for query, variables, name, expected in cases:
        result = gql(query, variables)
        assert error_codes(result, name) == [expected], (name, variables)
        assert payload(result, name)["readingList"] is None
    assert ReadingListItem.objects.count() == 1
    assert not Activity.objects.exists()


@pytest.mark.parametrize("privacy", [Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE])
def test_only_the_owner_changes_a_list(gql, privacy):
    """Another reader, a follower and staff: NOT_ALLOWED when they can see the list, NOT_FOUND
    when they cannot; anonymous: UNAUTHENTICATED. Staff have no special rights over lists."""
    owner, stranger, follower, staff = make_user(), make_user(), make_user(), make_superuser()
    make_follow(follower, owner)
    reading_list = make_reading_list(owner, name="Original", privacy=privacy)
    book = make_book()
    make_reading_list_item(reading_list, book)
    list_id, book_id = gid(reading_list), gid(book)
    calls = [
        (UPDATE, {"id": list_id, "input": {"name": "Hijacked"}}, "updateReadingList", "id"),
        (DELETE, {"id": list_id}, "deleteReadingList", "id"),
        (ADD, {"listId": list_id, "bookId": gid(make_book())}, "addToReadingList", "listId"),
        (REMOVE, {"listId": list_id, "bookId": book_id}, "removeFromReadingList", "listId"),
        (
            MOVE,
            {"listId": list_id, "bookId": book_id, "position": 0},
            "moveInReadingList",
            "listId",
        ),
    ]
    sees = {
        stranger: privacy == Privacy.PUBLIC,
        follower: privacy != Privacy.PRIVATE,
        staff: privacy == Privacy.PUBLIC,
    }
    for viewer, can_see in sees.items():
        gql.login(viewer)
        for query, variables, name, field in calls:
            expected = [("NOT_ALLOWED" if can_see else "NOT_FOUND", field)]
            assert error_codes(gql(query, variables), name) == expected, (name, privacy)
    gql.logout()
    for query, variables, _, _ in calls:
        assert top_level_code(gql(query, variables)) == "UNAUTHENTICATED"
    assert top_level_code(gql(CREATE, {"input": {"name": "Anon"}})) == "UNAUTHENTICATED"
    reading_list.refresh_from_db()
    assert reading_list.name == "Original"
    assert ReadingListItem.objects.count() == 1


def test_reading_list_and_reading_lists_show_only_visible_lists(gql):
    owner, follower, stranger, staff = (
        make_user("owner"),
        make_user(),
        make_user(),
        make_superuser(),
    )
    make_follow(follower, owner)
    lists = {p: make_reading_list(owner, name=p, privacy=p) for p in Privacy.values}
    visible = {
        None: ["public"],
        stranger: ["public"],
        staff: ["public"],
        follower: ["followers", "public"],
        owner: ["followers", "private", "public"],
    }
    for viewer, names in visible.items():
        gql.logout() if viewer is None else gql.login(viewer)
        result = gql(READING_LISTS, {"owner": "OWNER"})["data"]["readingLists"]
        assert result["totalCount"] == len(names)
        assert [e["node"]["name"] for e in result["edges"]] == names
        for privacy, reading_list in lists.items():
            found = gql(READING_LIST, {"id": gid(reading_list)})["data"]["readingList"]
            assert found == ({"name": privacy} if privacy in names else None)
    assert gql(READING_LIST, {"id": gid("Book", 1)})["data"]["readingList"] is None


def test_items_of_a_hidden_list_are_absent_from_node(gql):
    reading_list = make_reading_list(privacy=Privacy.PRIVATE)
    item = make_reading_list_item(reading_list)
    query = "query($id: ID!) { node(id: $id) { id } }"
    assert without_cost(gql(query, {"id": gid(item)})) == {"data": {"node": None}}
    gql.login(reading_list.owner)
    assert gql(query, {"id": gid(item)})["data"]["node"] == {"id": gid(item)}
