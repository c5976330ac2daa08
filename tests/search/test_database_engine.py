"""The database engine (SQLite FTS5 or PostgreSQL full text + trigrams) as a reader meets it."""

import pytest
from django.db import transaction

from apps.core.errors import Invalid
from apps.search import services
from apps.search.backends.base import SearchFilter
from apps.search.models import Kind
from tests.factories import make_author, make_book, make_follow, make_user
from tests.search.conftest import build_catalog

ALL = list(Kind)


def top(query, kinds=ALL, viewer=None, n=3, **kwargs):
    page = services.search(query, kinds, first=n, viewer_id=viewer and viewer.pk, **kwargs)
    return [(hit.kind, hit.id) for hit in page.hits]


def book(b):
    return (Kind.BOOK, b.pk)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("harry poter chamber", "chamber"),
        ("hunger gmes", "hunger_games"),
        ("tolkein", "hobbit"),
        ("fellowship ring", "fellowship"),
        ("les miserables", "miserables"),
        ("Les Misérables", "miserables"),
        ("pride predjudice", "pride"),
        ("rowling", "stone"),
        ("0439023483", "hunger_games"),
        ("978-0-439-55493-0", "stone"),
        ("there and back again", "hobbit"),
    ],
)
def test_search_puts_the_book_meant_first(catalog, query, expected):
    assert top(query, [Kind.BOOK], n=1) == [book(getattr(catalog.books, expected))]


def test_popular_books_rank_ahead_of_obscure_ones_with_the_same_match(catalog):
    ranked = top("hunger", [Kind.BOOK])
    assert ranked[:2] == [book(catalog.books.hunger_games), book(catalog.books.hunger)]


def test_authors_are_found_with_typos(catalog):
    assert top("tolkein", [Kind.AUTHOR], n=1) == [(Kind.AUTHOR, catalog.authors.tolkien.pk)]


@pytest.mark.django_db(transaction=True)
def test_typos_are_found_by_searches_outside_a_transaction():
    # As a request searches (autocommit); the other tests run inside the test's transaction.
    tolkien = build_catalog().authors.tolkien
    assert top("tolkein", [Kind.AUTHOR], n=1) == [(Kind.AUTHOR, tolkien.pk)]
    page = services.search("tolkein", ALL, first=1, after=50, facets=True)
    assert (page.hits, page.total) == ([], 3)  # the author and his two books
    assert page.facets.decades == [(1930, 1), (1950, 1)]
    assert [s.id for s in services.suggest("tolkein", [Kind.AUTHOR])] == [tolkien.pk]


def test_words_of_the_description_match_and_are_highlighted(catalog):
    page = services.search("panem", ALL, first=5)
    assert [(h.kind, h.id) for h in page.hits] == [book(catalog.books.hunger_games)]
    assert (
        "description",
        "In the ruins of a place once known as North America lies <em>Panem</em>.",
    ) in page.hits[0].highlights


def test_highlights_mark_the_matching_words_of_the_title(catalog):
    page = services.search("hunger gmes", [Kind.BOOK], first=1)
    assert ("title", "The <em>Hunger</em> <em>Games</em>") in page.hits[0].highlights


def test_private_profiles_are_hits_for_their_owner_only(catalog):
    hermit = (Kind.USER, catalog.users.hermit.pk)
    assert hermit not in top("zelda", [Kind.USER], n=10)
    assert hermit not in top("zelda", [Kind.USER], viewer=catalog.users.alice, n=10)
    assert hermit in top("zelda", [Kind.USER], viewer=catalog.users.hermit, n=10)


def test_followers_only_profiles_and_lists_are_hits_for_followers(catalog):
    circle = (Kind.USER, catalog.users.circle.pk)
    followers_list = (Kind.LIST, catalog.lists.followers.pk)
    stranger, follower = make_user(), make_user()
    make_follow(follower, catalog.users.circle)
    make_follow(follower, catalog.users.alice)
    assert circle not in top("zelda", [Kind.USER], viewer=stranger, n=10)
    assert circle in top("zelda", [Kind.USER], viewer=follower, n=10)
    assert followers_list not in top("dragons", [Kind.LIST], viewer=stranger, n=10)
    assert followers_list in top("dragons", [Kind.LIST], viewer=follower, n=10)


def test_private_lists_are_hits_for_their_owner_only(catalog):
    private = (Kind.LIST, catalog.lists.private.pk)
    public = (Kind.LIST, catalog.lists.public.pk)
    assert top("dragons", [Kind.LIST], n=10) == [public]
    assert private in top("dragons", [Kind.LIST], viewer=catalog.users.alice, n=10)


def test_filters_narrow_to_matching_books(catalog):
    b = catalog.books
    fantasy = SearchFilter(genres=("fantasy",))
    ranked = top("harry hobbit hunger", filters=fantasy, n=10)
    assert set(ranked) == {book(b.stone), book(b.chamber), book(b.hobbit)}
    assert top("hunger", filters=SearchFilter(year_to=1900), n=10) == [book(b.hunger)]
    assert top("hobbit", filters=SearchFilter(language="en"), n=10) == [book(b.hobbit)]
    assert top("harry", filters=SearchFilter(min_rating=4.4), n=10) == [book(b.stone)]
    # A filter only applies to books: other types are not searched.
    assert top("tolkien", filters=SearchFilter(year_from=1900), n=10) == [
        book(b.hobbit),
        book(b.fellowship),
    ]


def test_facets_count_matching_books_by_genre_and_decade(catalog):
    page = services.search("harry hobbit", ALL, first=1, facets=True)
    genres = dict(page.facets.genres)
    assert genres == {catalog.genres.fantasy.pk: 3, catalog.genres.classics.pk: 1}
    assert page.facets.decades == [(1930, 1), (1990, 2)]


def test_pages_follow_each_other_without_overlap(catalog):
    first = services.search("harry hobbit hunger", ALL, first=2)
    second = services.search("harry hobbit hunger", ALL, first=2, after=2)
    everything = services.search("harry hobbit hunger", ALL, first=10)
    assert [(h.kind, h.id) for h in first.hits + second.hits] == [
        (h.kind, h.id) for h in everything.hits[:4]
    ]
    assert first.total == everything.total == len(everything.hits)


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "?!", "a", " x ! "])
def test_empty_blank_or_overlong_queries_are_refused(catalog, query):
    with pytest.raises(Invalid) as refused:
        services.search(query, ALL)
    assert refused.value.errors[0].field == "query"


def test_suggest_completes_from_two_characters_popular_first(catalog):
    b = catalog.books
    suggested = services.suggest("ha", [Kind.BOOK], limit=2)
    assert [(s.kind, s.id) for s in suggested] == [book(b.stone), book(b.chamber)]
    assert services.suggest("h", [Kind.BOOK]) == []
    titles = [s.text for s in services.suggest("harry potter cha", ALL)]
    assert titles == ["Harry Potter and the Chamber of Secrets"]


def test_suggest_tolerates_typos_and_respects_privacy(catalog):
    suggested = services.suggest("tolkein", [Kind.AUTHOR])
    assert [s.id for s in suggested] == [catalog.authors.tolkien.pk]
    names = [s.text for s in services.suggest("zel", [Kind.USER])]
    assert names == []  # one private, one followers-only profile, and an anonymous viewer
    names = [
        s.text for s in services.suggest("zel", [Kind.USER], viewer_id=catalog.users.hermit.pk)
    ]
    assert names == ["Zelda Private"]


def test_changes_are_searchable_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        author = make_author("Ursula K. Le Guin")
        wizard = make_book("A Wizard of Earthsea", [author])
    assert top("earthsea wizard", n=1) == [book(wizard)]
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Ursula Kroeber Le Guin"
        author.save()
    assert top("kroeber", [Kind.BOOK], n=1) == [book(wizard)]
    with django_capture_on_commit_callbacks(execute=True):
        wizard.delete()
    assert top("earthsea wizard") == []


def test_rolled_back_changes_are_never_indexed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                make_book("The Left Hand of Darkness")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        kept = make_book("The Dispossessed")
    assert top("left hand darkness") == []
    assert top("dispossessed", n=1) == [book(kept)]


def test_ratings_and_merges_reach_the_index(db, django_capture_on_commit_callbacks):
    from apps.catalog.merge import merge_books
    from apps.reading.services.ratings import rate_book
    from tests.factories import make_superuser

    with django_capture_on_commit_callbacks(execute=True):
        reader, librarian = make_user(), make_superuser()
        dune = make_book("Dune Messiah")
        copy = make_book("Dune Messiah (duplicate)")
    high = SearchFilter(min_rating=4.5)
    assert top("dune messiah", filters=high) == []
    with django_capture_on_commit_callbacks(execute=True):
        rate_book(reader, dune.pk, "5")
    assert top("dune messiah", filters=high) == [book(dune)]
    with django_capture_on_commit_callbacks(execute=True):
        merge_books(librarian, dune.pk, [copy.pk])
    assert top("dune messiah duplicate", n=10) == [book(dune)]


def test_without_fts5_trigrams_sqlite_still_tolerates_typos(catalog, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite engine's fallback")
    from apps.search.backends import sqlite

    monkeypatch.setattr(sqlite, "has_fts", lambda: False)
    assert top("tolkein hobbit", [Kind.BOOK], n=1) == [book(catalog.books.hobbit)]
    assert top("hunger gmes", [Kind.BOOK], n=1) == [book(catalog.books.hunger_games)]


def test_a_profile_made_private_stops_being_a_hit(db, django_capture_on_commit_callbacks):
    from apps.core.models import Privacy
    from tests.factories import make_profile

    with django_capture_on_commit_callbacks(execute=True):
        reader = make_user("quentin")
        profile = make_profile(reader, display_name="Quentin Coldwater")
    assert top("coldwater", [Kind.USER]) == [(Kind.USER, reader.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        profile.privacy = Privacy.PRIVATE
        profile.save()
    assert top("coldwater", [Kind.USER]) == []
    assert top("coldwater", [Kind.USER], viewer=reader) == [(Kind.USER, reader.pk)]
