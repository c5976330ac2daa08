"""Review mutations, and the privacy of reviews in `reviews`, `Book.reviews` and `node`."""

import pytest

from apps.catalog.models import BookRedirect
from apps.core.models import Privacy
from apps.reading.models import Review
from apps.social.models import Activity, Verb
from tests.factories import make_book, make_follow, make_review, make_superuser, make_user
from tests.helpers import without_cost
from tests.schema.reading.helpers import error_codes, gid, payload, top_level_code

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: CreateReviewInput!) {
  createReview(input: $input) {
    review { id title body spoiler privacy canEdit user { username } book { title } }
    errors { code field message }
  }
}"""
UPDATE = """
mutation($id: ID!, $input: UpdateReviewInput!) {
  updateReview(id: $id, input: $input) {
    review { title body spoiler privacy }
    errors { code field }
  }
}"""
DELETE = """
mutation($id: ID!) { deleteReview(id: $id) { deletedId errors { code field } } }
"""
REVIEWS = """
query($bookId: ID, $username: String) {
  reviews(bookId: $bookId, username: $username, first: 20) {
    totalCount edges { node { body } }
  }
}"""
BOOK_REVIEWS = """
query($id: ID!) { book(id: $id) { reviews(first: 20) { totalCount edges { node { body } } } } }
"""


def test_create_review(gql):
    book = make_book("Emma")
    gql.login(make_user("ada"))
    variables = {
        "input": {"bookId": gid(book), "title": "Sharp", "body": "Witty.", "privacy": "FOLLOWERS"}
    }
    result = payload(gql(CREATE, variables), "createReview")
    review = Review.objects.get()
    assert result == {
        "review": {
            "id": gid(review),
            "title": "Sharp",
            "body": "Witty.",
            "spoiler": False,
            "privacy": "FOLLOWERS",
            "canEdit": True,
            "user": {"username": "ada"},
            "book": {"title": "Emma"},
        },
        "errors": [],
    }
    activity = Activity.objects.get()
    assert (activity.verb, activity.target, activity.privacy) == (
        Verb.REVIEWED,
        review,
        Privacy.FOLLOWERS,
    )


def test_create_review_errors(gql):
    book = make_book()
    user = make_user()
    make_review(user, book)
    gql.login(user)
    cases = [
        ({"bookId": gid(book), "body": "Again"}, ("CONFLICT", "bookId")),
        ({"bookId": gid(make_book()), "body": ""}, ("REQUIRED", "body")),
        ({"bookId": gid(make_book()), "body": "x" * 50_001}, ("INVALID", "body")),
        ({"bookId": gid("Book", 999999), "body": "?"}, ("NOT_FOUND", "bookId")),
    ]
    for review_input, expected in cases:
        result = gql(CREATE, {"input": review_input})
        assert error_codes(result, "createReview") == [expected]
        assert payload(result, "createReview")["review"] is None
    assert Review.objects.count() == 1
    assert not Activity.objects.exists()


def test_update_and_delete_own_review(gql):
    user = make_user()
    review = make_review(user, title="Old", body="Old body")
    gql.login(user)
    result = gql(UPDATE, {"id": gid(review), "input": {"body": "New body", "spoiler": True}})
    assert payload(result, "updateReview") == {
        "review": {"title": "Old", "body": "New body", "spoiler": True, "privacy": "PUBLIC"},
        "errors": [],
    }
    assert error_codes(gql(UPDATE, {"id": gid(review), "input": {"body": ""}}), "updateReview") == [
        ("REQUIRED", "body")
    ]
    result = gql(DELETE, {"id": gid(review)})
    assert payload(result, "deleteReview") == {"deletedId": gid(review), "errors": []}
    assert not Review.objects.exists()
    assert error_codes(gql(DELETE, {"id": gid(review)}), "deleteReview") == [("NOT_FOUND", "id")]
    assert error_codes(gql(DELETE, {"id": gid(make_book())}), "deleteReview") == [
        ("NOT_FOUND", "id")
    ]


def test_delete_review_removes_its_activity(gql):
    user = make_user()
    gql.login(user)
    created = payload(
        gql(CREATE, {"input": {"bookId": gid(make_book()), "body": "B"}}), "createReview"
    )
    assert Activity.objects.count() == 1
    gql(DELETE, {"id": created["review"]["id"]})
    assert not Activity.objects.exists()


@pytest.mark.parametrize("privacy", [Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE])
def test_others_may_not_change_a_review(gql, privacy):
    """Another reader, a follower and staff: NOT_ALLOWED when they can see the review, NOT_FOUND
    when they cannot. Staff have no special rights over readers' reviews."""
    author, stranger, follower, staff = make_user(), make_user(), make_user(), make_superuser()
    make_follow(follower, author)
    review = make_review(author, body="Original", privacy=privacy)
    sees = {
        stranger: privacy == Privacy.PUBLIC,
        follower: privacy != Privacy.PRIVATE,
        staff: privacy == Privacy.PUBLIC,
    }
    for viewer, can_see in sees.items():
        gql.login(viewer)
        expected = [("NOT_ALLOWED" if can_see else "NOT_FOUND", "id")]
        update = gql(UPDATE, {"id": gid(review), "input": {"body": "Hijacked"}})
        assert error_codes(update, "updateReview") == expected
        assert error_codes(gql(DELETE, {"id": gid(review)}), "deleteReview") == expected
    gql.logout()
    assert top_level_code(gql(DELETE, {"id": gid(review)})) == "UNAUTHENTICATED"
    update = gql(UPDATE, {"id": gid(review), "input": {"body": "Hijacked"}})
    assert top_level_code(update) == "UNAUTHENTICATED"
    assert top_level_code(gql(CREATE, {"input": {"bookId": gid(make_book()), "body": "B"}})) == (
        "UNAUTHENTICATED"
    )
    assert Review.objects.get().body == "Original"


def bodies(result, field: str) -> list[str]:
    assert "errors" not in result, result
    data = result["data"][field]
    if field == "book":
        data = data["reviews"]
    assert data["totalCount"] == len(data["edges"])
    return sorted(edge["node"]["body"] for edge in data["edges"])


def test_review_privacy_everywhere_reviews_are_listed(gql):
    author, follower, stranger, staff = (
        make_user("author"),
        make_user(),
        make_user(),
        make_superuser(),
    )
    make_follow(follower, author)
    book = make_book()
    for privacy in Privacy.values:
        make_review(
            author,
            make_book() if privacy != Privacy.PUBLIC else book,
            body=privacy,
            privacy=privacy,
        )
    # More reviews of the public review's book, by other readers, for the book listings.
    make_review(make_user(), book, body="public-other")
    secretive = make_user("secretive")
    make_review(secretive, book, body="private-other", privacy=Privacy.PRIVATE)
    visible = {
        None: ["public"],
        stranger: ["public"],
        staff: ["public"],
        follower: ["followers", "public"],
    }
    for viewer, expected in visible.items():
        gql.logout() if viewer is None else gql.login(viewer)
        assert bodies(gql(REVIEWS, {"username": "author"}), "reviews") == expected
        assert bodies(gql(BOOK_REVIEWS, {"id": gid(book)}), "book") == ["public", "public-other"]
        assert bodies(gql(REVIEWS, {"bookId": gid(book)}), "reviews") == ["public", "public-other"]
    gql.login(secretive)  # sees their own private review of the book
    assert bodies(gql(BOOK_REVIEWS, {"id": gid(book)}), "book") == [
        "private-other",
        "public",
        "public-other",
    ]


def test_the_author_sees_all_their_reviews(gql):
    author = make_user("author")
    for privacy in Privacy.values:
        make_review(author, body=privacy, privacy=privacy)
    gql.login(author)
    assert bodies(gql(REVIEWS, {"username": "author"}), "reviews") == [
        "followers",
        "private",
        "public",
    ]


def test_reviews_newest_first(gql):
    book = make_book()
    for body in ("first", "second", "third"):
        make_review(make_user(), book, body=body)
    result = gql(REVIEWS, {"bookId": gid(book)})
    assert [e["node"]["body"] for e in result["data"]["reviews"]["edges"]] == [
        "third",
        "second",
        "first",
    ]


def test_reviews_of_a_merged_books_old_id_are_the_survivors(gql):
    survivor = make_book()
    BookRedirect.objects.create(old_id=survivor.pk + 1000, book=survivor)
    make_review(make_user(), survivor, body="kept")
    result = gql(REVIEWS, {"bookId": gid("Book", survivor.pk + 1000)})
    assert bodies(result, "reviews") == ["kept"]


def test_reviews_needs_exactly_one_of_book_and_username(gql):
    for variables in ({}, {"bookId": gid(make_book()), "username": "x"}):
        assert top_level_code(gql(REVIEWS, variables)) == "INVALID"
    assert bodies(gql(REVIEWS, {"bookId": gid("Author", 1)}), "reviews") == []


def test_a_private_review_is_absent_from_node_for_others(gql):
    author = make_user()
    review = make_review(author, privacy=Privacy.PRIVATE)
    query = "query($id: ID!) { node(id: $id) { ... on Review { body } } }"
    gql.login(make_user())
    assert without_cost(gql(query, {"id": gid(review)})) == {"data": {"node": None}}
    gql.login(author)
    assert gql(query, {"id": gid(review)})["data"]["node"]["body"] == review.body
