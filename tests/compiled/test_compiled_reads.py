"""Compiled reads (schema/compiled/): one SQL statement per screen, the same answers as the
resolver path for every viewer, and the resolver path wherever a plan does not reach."""

import pytest
from django.db import connection
from django.test import override_settings

from bench.screens import counting_queries
from schema.compiled import run
from tests.compiled import world as w
from tests.conftest import comparable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    # Every document as every viewer, on both paths: more than one viewer's hourly points.
    settings.RATE_LIMIT_ENABLED = False
    return w.build()


def ask(gql, viewer, query, variables, *, compiled=True, once=False):
    gql.logout()
    if viewer is not None:
        gql.login(viewer)
    with override_settings(GRAPHQL_COMPILED_READS=compiled):
        return (gql.once if once else gql)(query, variables)


def planned(query: str, authenticated: bool) -> bool:
    kind = "reader" if authenticated else "anonymous"
    plans = [plan for key, plan in run.PLANS.items.items() if key[0] == query and key[2] == kind]
    return bool(plans) and plans[0] is not run._NO_PLAN


def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("compiled reads run on PostgreSQL; SQLite answers on the resolver path")


def test_every_document_answers_the_same_on_both_paths_for_every_viewer(gql, world):
    for name, (query, variables) in w.documents(world).items():
        for who, viewer in world.viewers.items():
            compiled = ask(gql, viewer, query, variables)
            resolved = ask(gql, viewer, query, variables, compiled=False)
            assert comparable(compiled) == comparable(resolved), (name, who)
            login_only = name in ("feed", "moderation queue")
            assert "errors" not in compiled or (login_only and viewer is None), (name, who)


@pytest.mark.parametrize(
    "screen",
    [
        "book page",
        "book page with editions",
        "profile",
        "feed",
        "reading list",
        "books page",
        "conversation",
        "reading life",
    ],
)
def test_a_screen_is_one_sql_statement(gql, world, screen):
    needs_postgres()
    query, variables = w.documents(world)[screen]
    ask(gql, world.viewers["fan"], query, variables)  # warm: the plan
    with counting_queries() as statements:
        result = ask(gql, world.viewers["fan"], query, variables, once=True)
    assert "errors" not in result
    assert planned(query, authenticated=True)
    # Logged in: the statement also asks whether the viewer's token stands (schema/auth.py).
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT json_build_object("), statements


def test_image_urls_are_one_statement_with_the_resolver_paths_urls(gql, world):
    needs_postgres()
    query, variables = w.documents(world)["images"]
    with counting_queries() as statements:
        result = ask(gql, None, query, variables, once=True)
    assert planned(query, authenticated=False)
    assert len(statements) == 1, statements
    books = {e["node"]["title"]: e["node"] for e in result["data"]["books"]["edges"]}
    assert (
        books["Book 0"]["coverUrl"]
        == "http://testserver/media/covers/1/0123456789abcdef-medium.webp"
    )
    assert books["Book 0"]["small"] == books["Book 0"]["asked"]
    assert books["Book 0"]["small"].endswith("/covers/1/0123456789abcdef-small.webp")
    assert books["Book 1"]["coverUrl"] == "https://covers.example.org/b/1-L.jpg"
    assert books["Book 2"]["coverUrl"] is None
    avatar = result["data"]["user"]
    assert avatar["avatarUrl"].endswith("/avatars/1/fedcba9876543210-medium.webp")
    assert avatar["avatarUrl"] == avatar["medium"]


def test_blocks_mutes_hidden_content_and_suspensions_hold_in_the_compiled_answer(gql, world):
    needs_postgres()
    docs = w.documents(world)

    def ask_safety(who, doc):
        query, variables = docs[doc]
        compiled = ask(gql, world.viewers[who], query, variables)
        assert planned(query, authenticated=world.viewers[who] is not None), doc
        return compiled["data"]

    # A block, from both sides: the other reader is absent.
    for who, doc in (("pub", "safety, blocked"), ("blk", "safety, blocker")):
        data = ask_safety(who, doc)
        assert data["user"] is None and data["reviews"]["totalCount"] == 0, who
        assert data["readingLists"]["totalCount"] == 0 and data["userActivity"]["totalCount"] == 0
        other = "blk" if who == "pub" else "pub"
        assert other not in {e["node"]["username"] for e in data["followers"]["edges"]}
    blocker = ask_safety("pub", "safety, blocked")
    assert {"node": {"username": "blk"}} in blocker["me"]["blockedUsers"]["edges"]
    book_reviewers = {e["node"]["user"]["username"] for e in blocker["bookReviews"]["edges"]}
    assert "blk" not in book_reviewers and "sus" not in book_reviewers
    assert "blk" in {
        e["node"]["user"]["username"]
        for e in ask_safety("fan", "safety, blocked")["bookReviews"]["edges"]
    }
    # The mute is the muter's alone.
    assert ask_safety("blk", "safety, blocked")["me"]["mutedUsers"]["edges"] == [
        {"node": {"username": "fol"}}
    ]
    # Hidden content: absent for others, shown to its author with its status.
    titles = {
        e["node"]["title"] for e in ask_safety("fan", "safety, hidden content")["reviews"]["edges"]
    }
    assert "fol hidden" not in titles
    own = ask_safety("fol", "safety, hidden content")
    assert {"title": "fol hidden", "moderationStatus": "HIDDEN"} in [
        e["node"] for e in own["reviews"]["edges"]
    ]
    assert {"name": "fol hidden", "moderationStatus": "HIDDEN"} in [
        e["node"] for e in own["readingLists"]["edges"]
    ]
    # A suspended reader's content is hidden from everyone; the account itself stays.
    data = ask_safety("fan", "safety, suspended reader")
    assert data["user"]["profile"] is None
    assert data["reviews"]["totalCount"] == data["readingLists"]["totalCount"] == 0
    assert data["userActivity"]["totalCount"] == 0
    assert data["me"]["reports"]["edges"][0]["node"]["status"] == "OPEN"
    # The queue is the moderators'.
    query, variables = docs["moderation queue"]
    assert ask(gql, world.viewers["staff"], query, variables)["data"]["reports"]["totalCount"] == 1
    assert ask(gql, world.viewers["fan"], query, variables)["data"]["reports"]["totalCount"] == 0


def test_a_nested_connection_asked_without_arguments_is_planned(gql, world):
    needs_postgres()
    query, variables = w.documents(world)["connections without arguments"]
    result = ask(gql, world.viewers["blk"], query, variables)
    assert planned(query, authenticated=True)
    assert result["data"]["me"]["mutedUsers"]["edges"] == [{"node": {"username": "fol"}}]


def test_privacy_holds_in_the_compiled_answer(gql, world):
    needs_postgres()
    query, variables = w.documents(world)["shapes, private reader"]
    seen = {}
    for who in ("stranger", "fan", "pri"):
        data = ask(gql, world.viewers[who], query, variables)["data"]
        seen[who] = data
    titles = {who: {e["node"]["title"] for e in d["reviews"]["edges"]} for who, d in seen.items()}
    assert "pri private" not in titles["stranger"] and "pri followers" not in titles["stranger"]
    assert "pri followers" in titles["fan"] and "pri private" not in titles["fan"]
    assert "pri private" in titles["pri"]
    assert seen["stranger"]["user"]["profile"] is None
    assert seen["stranger"]["user"]["followers"]["edges"] == []
    assert seen["pri"]["user"]["profile"]["bio"] == "I am pri"
    assert seen["stranger"]["userBooks"]["totalCount"] == 0
    assert seen["pri"]["userBooks"]["totalCount"] == 3


def test_pages_follow_each_other_and_cursors_are_the_resolver_paths(gql, world):
    query, variables = w.documents(world)["books page"]
    after, titles = None, []
    while True:
        page = ask(gql, None, query, {**variables, "first": 2, "after": after})["data"]["books"]
        same = ask(gql, None, query, {**variables, "first": 2, "after": after}, compiled=False)
        assert page == same["data"]["books"]
        titles += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == sorted(titles) and len(titles) == len(world.books)


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 2, "after": "bm90IGEgY3Vyc29y"},  # not a cursor
        {"first": 101},  # over the page limit
        {"first": -1},
    ],
)
def test_what_the_plan_does_not_cover_answers_as_the_resolver_path(gql, world, variables):
    query, _ = w.documents(world)["books page"]
    compiled = ask(gql, None, query, variables)
    resolved = ask(gql, None, query, variables, compiled=False)
    assert comparable(compiled) == comparable(resolved)
    assert compiled.get("errors")


def test_an_id_that_is_no_id_is_the_clients_error_not_the_servers(gql, world, caplog):
    query = "query($id: ID!) { book(id: $id) { title } }"
    compiled = ask(gql, None, query, {"id": "1"})
    assert comparable(compiled) == comparable(ask(gql, None, query, {"id": "1"}, compiled=False))
    assert [e["extensions"]["code"] for e in compiled["errors"]] == ["INVALID"]
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]


def test_paging_backwards_and_variable_directives_run_on_the_resolver_path(gql, world):
    backwards = "query($n: Int) { books(last: $n) { edges { node { title } } } }"
    answer = ask(gql, None, backwards, {"n": 2})
    assert [e["node"]["title"] for e in answer["data"]["books"]["edges"]] == ["Book 4", "Book 5"]
    directive = "query($y: Boolean!) { genres @include(if: $y) { name } }"
    assert ask(gql, None, directive, {"y": True})["data"] == {"genres": [{"name": "Fantasy"}]}
    assert not planned(directive, authenticated=False)


def test_a_plan_never_holds_what_the_database_held_when_it_was_made(gql, world):
    # A genre's books include its sub-genres' books, found by reading the genre tree: a plan
    # made from that read would freeze the tree; such a field runs on the resolver path.
    query = "query($s: String!) { genre(slug: $s) { books(first: 10) { totalCount } } }"
    answer = ask(gql, None, query, {"s": world.genre.slug})
    assert answer["data"]["genre"]["books"]["totalCount"] == 6
    assert not planned(query, authenticated=False)


def test_sqlite_answers_on_the_resolver_path(gql, world):
    if connection.vendor == "postgresql":
        pytest.skip("the embedded database only")
    query, variables = w.documents(world)["book page"]
    assert "errors" not in ask(gql, None, query, variables)
    assert not run.compiled_reads_enabled()


def test_an_operation_mixing_planned_and_resolved_root_fields_answers_both(gql, world):
    needs_postgres()
    # `search` calls out to the search engine: it has no SQL form and runs on the resolver
    # path; `book` and `me` are still one statement between them.
    _, variables = w.documents(world)["book page"]
    mixed = """query($id: ID!) {
      me { username }
      found: search(query: "Book", types: [BOOK], first: 2) { totalCount }
      book(id: $id) { title reviews(first: 2) { totalCount } }
    }"""
    mixed_variables = {"id": variables["id"]}
    ask(gql, world.viewers["fan"], mixed, mixed_variables)  # planned on first use
    with counting_queries() as statements:
        compiled = ask(gql, world.viewers["fan"], mixed, mixed_variables)
    resolved = ask(gql, world.viewers["fan"], mixed, mixed_variables, compiled=False)
    assert comparable(compiled) == comparable(resolved)
    assert list(compiled["data"]) == ["me", "found", "book"]
    assert compiled["data"]["me"] == {"username": "fan"}
    built = [sql for sql in statements if sql.startswith("SELECT json_build_object(")]
    assert len(built) == 1 and '"catalog_book"' in built[0]


def test_a_personal_access_token_is_never_staff_on_either_path(gql, world):
    from apps.accounts.personal_tokens import create_personal_access_token

    query = "query($id: ID!) { book(id: $id) { canEdit } }"
    variables = {"id": w.documents(world)["book page"][1]["id"]}
    staff = world.viewers["staff"]
    assert ask(gql, staff, query, variables)["data"]["book"]["canEdit"] is True
    _, token = create_personal_access_token(staff, "script", ["read"])
    for compiled in (True, False):
        gql.logout()
        with override_settings(GRAPHQL_COMPILED_READS=compiled):
            answer = gql(query, variables, Authorization=f"Bearer {token}")
        assert answer["data"]["book"]["canEdit"] is False, compiled


def test_a_cursor_over_a_name_outside_ascii_is_the_same_text_on_both_paths(gql):
    from tests.factories import make_author

    for name in ("Anne Brontë", "Émile Zola", "Zoë 😀 Emoji", "Plain Name"):
        make_author(name)
    query = """query($after: String) { authors(first: 2, after: $after) {
      edges { cursor node { name } } pageInfo { endCursor hasNextPage } } }"""
    pages = {}
    for compiled in (True, False):
        with override_settings(GRAPHQL_COMPILED_READS=compiled):
            first = gql.once(query, {"after": None})
            after = first["data"]["authors"]["pageInfo"]["endCursor"]
            pages[compiled] = [first["data"], gql.once(query, {"after": after})["data"]]
    assert pages[True] == pages[False]
    cursors = [e["cursor"] for page in pages[True] for e in page["authors"]["edges"]]
    assert len(set(cursors)) == 4
