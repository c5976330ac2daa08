"""Comments and replies: as visible as their subject, absent across a block, edited and deleted
by the right readers, notifying owners, repliers and mentioned readers as they chose."""

import pytest

from apps.conversation.models import Comment
from apps.core.models import Privacy
from apps.notifications.models import Notification
from tests.factories import make_follow, make_reading_list, make_review, make_user
from tests.schema.conversation.helpers import ADD, DELETE, REVIEW, UPDATE, block, codes, mute
from tests.schema.reading.helpers import gid

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("type__key", flat=True))


def add(gql, user, subject, body="Nice!", reply_to=None) -> dict:
    variables = {"s": gid(subject), "b": body, "r": gid(reply_to) if reply_to else None}
    return gql.login(user)(ADD, variables)["data"]["addComment"]


def test_a_comment_and_its_replies_on_a_review(gql):
    owner, ada, bob = make_user("owner"), make_user("ada"), make_user("bob")
    review = make_review(owner)

    first = add(gql, ada, review, "Great review")
    assert first["errors"] == []
    comment = first["comment"]
    assert comment["author"] == {"username": "ada"} and comment["replyTo"] is None
    assert comment["review"] == {"id": gid(review)} and comment["readingList"] is None
    assert comment["canEdit"] is True and comment["isEdited"] is False
    assert kinds(owner) == ["commented"]

    top = Comment.objects.get()
    reply = add(gql, bob, review, "Agreed", top)["comment"]
    assert reply["replyTo"] == {"id": gid(top)}
    assert kinds(ada) == ["replied"] and kinds(owner) == ["commented", "commented"]
    # A reply to a reply joins the thread (one level), and notifies the reply's author.
    again = add(gql, ada, review, "Thanks", Comment.objects.get(body="Agreed"))["comment"]
    assert again["replyTo"] == {"id": gid(top)}
    assert kinds(bob) == ["replied"]

    data = gql.login(owner)(REVIEW, {"id": gid(review)})["data"]["node"]
    assert data["commentCount"] == 3
    assert data["comments"]["totalCount"] == 1
    node = data["comments"]["edges"][0]["node"]
    assert node["body"] == "Great review"
    assert [e["node"]["body"] for e in node["replies"]["edges"]] == ["Agreed", "Thanks"]


def test_comments_on_a_reading_list(gql):
    owner, ada = make_user("owner"), make_user("ada")
    reading_list = make_reading_list(owner)
    result = add(gql, ada, reading_list, "Good picks")
    assert result["comment"]["readingList"] == {"id": gid(reading_list)}
    query = """query($id: ID!) { node(id: $id) { ... on ReadingList { commentCount
      comments(first: 5) { edges { node { body } } } } } }"""
    data = gql.login(make_user())(query, {"id": gid(reading_list)})["data"]["node"]
    assert data == {"commentCount": 1, "comments": {"edges": [{"node": {"body": "Good picks"}}]}}


def test_comments_are_as_visible_as_their_subject(gql):
    owner, friend, stranger = make_user("owner"), make_user("friend"), make_user("stranger")
    make_follow(friend, owner)
    review = make_review(owner, privacy=Privacy.FOLLOWERS)
    assert add(gql, friend, review, "Only friends see this")["errors"] == []
    comment = Comment.objects.get()

    node = "query($id: ID!) { node(id: $id) { ... on Comment { body } } }"
    assert gql.login(friend)(node, {"id": gid(comment)})["data"]["node"] == {
        "body": "Only friends see this"
    }
    assert gql.login(stranger)(node, {"id": gid(comment)})["data"]["node"] is None
    assert gql.logout()(node, {"id": gid(comment)})["data"]["node"] is None
    assert codes(gql.login(stranger)(ADD, {"s": gid(review), "b": "x"}), "addComment") == [
        ("NOT_FOUND", "subjectId")
    ]
    assert codes(
        gql.login(stranger)(ADD, {"s": gid(make_review()), "b": "x", "r": gid(comment)}),
        "addComment",
    ) == [("NOT_FOUND", "replyToId")]
    # Made private, the review takes its comments with it.
    review.privacy = Privacy.PRIVATE
    review.save()
    assert gql.login(friend)(node, {"id": gid(comment)})["data"]["node"] is None


def test_bad_input_is_a_payload_error_and_writes_nothing(gql):
    owner = make_user("owner")
    review, other = make_review(owner), make_review()
    top = Comment.objects.create(author=owner, review=other, body="elsewhere")
    gql.login(make_user())
    for variables, expected in [
        ({"s": gid(review), "b": "   "}, ("REQUIRED", "body")),
        ({"s": gid(review), "b": "x" * 5001}, ("INVALID", "body")),
        ({"s": gid(review), "b": "a\x00b"}, None),
        ({"s": gid(review), "b": "x", "r": gid(top)}, ("INVALID", "replyToId")),
        ({"s": gid(review), "b": "x", "r": gid(review)}, ("NOT_FOUND", "replyToId")),
        ({"s": gid(make_user()), "b": "x"}, ("NOT_FOUND", "subjectId")),
    ]:
        result = gql(ADD, variables)
        if expected is None:  # refused before anything runs, as all such input is
            assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        else:
            assert codes(result, "addComment") == [expected], variables
    assert Comment.objects.count() == 1


def test_activities_take_likes_but_not_comments(gql):
    from tests.factories import make_activity

    activity = make_activity(make_user())
    result = gql.login(make_user())(ADD, {"s": gid(activity), "b": "x"})
    assert codes(result, "addComment") == [("INVALID", "subjectId")]


def test_only_the_author_edits_and_an_edit_shows(gql):
    owner, ada = make_user("owner"), make_user("ada")
    review = make_review(owner)
    comment_id = add(gql, ada, review, "Frist")["comment"]["id"]

    assert codes(gql.login(owner)(UPDATE, {"id": comment_id, "b": "x"}), "updateComment") == [
        ("NOT_ALLOWED", "id")
    ]
    edited = gql.login(ada)(UPDATE, {"id": comment_id, "b": "First"})["data"]["updateComment"]
    assert edited["comment"]["body"] == "First" and edited["comment"]["isEdited"] is True
    assert edited["comment"]["editedAt"] is not None
    unchanged = gql(UPDATE, {"id": comment_id, "b": "First"})["data"]["updateComment"]
    assert unchanged["comment"]["editedAt"] == edited["comment"]["editedAt"]
    assert codes(gql.login(make_user())(UPDATE, {"id": comment_id, "b": "x"}), "updateComment") == [
        ("NOT_ALLOWED", "id")
    ]


def test_the_author_or_the_subjects_owner_deletes_with_the_replies(gql):
    owner, ada, bob = make_user("owner"), make_user("ada"), make_user("bob")
    review = make_review(owner)
    first = add(gql, ada, review, "one")["comment"]["id"]
    add(gql, bob, review, "reply", Comment.objects.get(body="one"))
    second = add(gql, bob, review, "two")["comment"]["id"]

    assert codes(gql.login(bob)(DELETE, {"id": first}), "deleteComment") == [("NOT_ALLOWED", "id")]
    result = gql.login(owner)(DELETE, {"id": first})["data"]["deleteComment"]
    assert result == {"deletedId": first, "errors": []}
    assert list(Comment.objects.values_list("body", flat=True)) == ["two"]
    assert gql.login(bob)(DELETE, {"id": second})["data"]["deleteComment"]["errors"] == []
    assert codes(gql(DELETE, {"id": second}), "deleteComment") == [("NOT_FOUND", "id")]


@pytest.mark.parametrize("direction", ["owner blocked ada", "ada blocked owner"])
def test_a_block_either_way_hides_comments_and_stops_new_ones(gql, direction):
    owner, ada, bob = make_user("owner"), make_user("ada"), make_user("bob")
    review = make_review(bob)  # a third reader's review: both may see it
    own_review = make_review(owner)
    add(gql, ada, review, "by ada")
    add(gql, owner, review, "by owner")
    theirs = Comment.objects.get(body="by owner")
    if direction == "owner blocked ada":
        block(owner, ada)
    else:
        block(ada, owner)

    for viewer, hidden in ((ada, "by owner"), (owner, "by ada")):
        data = gql.login(viewer)(REVIEW, {"id": gid(review)})["data"]["node"]
        bodies = [e["node"]["body"] for e in data["comments"]["edges"]]
        assert hidden not in bodies and len(bodies) == 1
        assert data["commentCount"] == 1 and data["comments"]["totalCount"] == 1
    # Ada cannot comment on the owner's review, nor reply to the owner's comment.
    assert codes(gql.login(ada)(ADD, {"s": gid(own_review), "b": "x"}), "addComment") == [
        ("NOT_FOUND", "subjectId")
    ]
    result = gql(ADD, {"s": gid(review), "b": "x", "r": gid(theirs)})
    assert codes(result, "addComment") == [("NOT_FOUND", "replyToId")]
    assert codes(gql(UPDATE, {"id": gid(theirs), "b": "x"}), "updateComment") == [
        ("NOT_FOUND", "id")
    ]
    # Bob, blocked by nobody, sees both.
    data = gql.login(bob)(REVIEW, {"id": gid(review)})["data"]["node"]
    assert data["commentCount"] == 2


def test_a_muted_readers_comments_do_not_notify_the_muter(gql):
    owner, ada = make_user("owner"), make_user("ada")
    mute(owner, ada)
    review = make_review(owner)
    add(gql, ada, review, "hello @owner")
    assert Comment.objects.count() == 1 and kinds(owner) == []
    # Still visible to the muter: a mute only keeps things quiet.
    data = gql.login(owner)(REVIEW, {"id": gid(review)})["data"]["node"]
    assert data["commentCount"] == 1


def test_mentions_notify_readers_who_may_see_the_comment(gql):
    owner, ada = make_user("owner"), make_user("ada")
    friend, stranger, blocker, muter = (
        make_user("friend"),
        make_user("stranger"),
        make_user("blocker"),
        make_user("muter"),
    )
    make_follow(friend, owner)
    make_follow(blocker, owner)
    make_follow(muter, owner)
    make_follow(ada, owner)
    block(blocker, ada)
    mute(muter, ada)
    review = make_review(owner, privacy=Privacy.FOLLOWERS)
    body = "@Friend @stranger @blocker @muter @owner @nobody, see ada@example.org"
    add(gql, ada, review, body)

    assert kinds(friend) == ["mentioned"]
    assert kinds(stranger) == []  # may not see a followers-only review
    assert kinds(blocker) == [] and kinds(muter) == []
    assert kinds(owner) == ["commented"]  # once for one comment
    notification = Notification.objects.get(recipient=friend)
    assert notification.target == Comment.objects.get() and notification.actor == ada

    # An edit notifies only readers it newly mentions.
    make_follow(stranger, owner)
    comment_id = gid(Comment.objects.get())
    gql.login(ada)(UPDATE, {"id": comment_id, "b": body + " @stranger."})
    assert kinds(stranger) == []  # already mentioned before the edit
    gql(UPDATE, {"id": comment_id, "b": "@friend @stranger"})
    assert kinds(friend) == ["mentioned"]


def test_mentions_in_a_review_notify_who_may_see_it(gql):
    author, ada, bob = make_user("author"), make_user("ada"), make_user("bob")
    make_follow(ada, author)
    create = """mutation($b: ID!, $body: String!) { createReview(input: {bookId: $b, body: $body,
      privacy: FOLLOWERS}) { review { id } errors { code } } }"""
    from tests.factories import make_book

    result = gql.login(author)(create, {"b": gid(make_book()), "body": "Thanks @ada and @bob"})
    assert result["data"]["createReview"]["errors"] == [], result
    assert kinds(ada) == ["mentioned"] and kinds(bob) == []


def test_comments_per_hour_are_limited(gql, settings):
    settings.COMMENTS_PER_HOUR = 2
    ada, review = make_user("ada"), make_review()
    gql.login(ada)
    assert add(gql, ada, review, "   ")["errors"][0]["code"] == "REQUIRED"  # not counted
    for body in ("one", "two"):
        assert add(gql, ada, review, body)["errors"] == []
    refused = add(gql, ada, review, "three")
    assert refused["comment"] is None
    assert [e["code"] for e in refused["errors"]] == ["RATE_LIMITED"]
    assert "2 comments an hour" in refused["errors"][0]["message"]
    assert Comment.objects.count() == 2
    assert add(gql, make_user(), review, "someone else")["errors"] == []


def test_a_deleted_comment_takes_its_notifications_and_their_quotes_with_it(gql):
    owner, ada, bob = make_user("owner"), make_user("ada"), make_user("bob")
    review = make_review(owner)
    top = add(gql, ada, review, "a secret @bob")["comment"]["id"]
    add(gql, owner, review, "a reply", Comment.objects.get())
    assert (
        kinds(owner) == ["commented"] and kinds(bob) == ["mentioned"] and kinds(ada) == ["replied"]
    )
    assert gql.login(ada)(DELETE, {"id": top})["data"]["deleteComment"]["errors"] == []
    assert not Notification.objects.exists()
    # So does a review's deletion, for the comments on it.
    add(gql, ada, review, "again")
    assert kinds(owner) == ["commented"]
    review.delete()
    assert not Notification.objects.exists()


def test_the_owner_deletes_a_blocked_readers_comment_on_their_review(gql):
    owner, troll = make_user("owner"), make_user("troll")
    review = make_review(owner)
    comment_id = add(gql, troll, review, "abuse")["comment"]["id"]
    block(owner, troll)
    data = gql.login(owner)(REVIEW, {"id": gid(review)})["data"]["node"]
    assert data["comments"]["edges"] == []  # absent for the owner …
    result = gql(DELETE, {"id": comment_id})["data"]["deleteComment"]
    assert result == {"deletedId": comment_id, "errors": []}  # … who may still remove it
    assert not Comment.objects.exists()


def test_no_reply_joins_the_thread_of_a_reader_with_a_block(gql):
    owner, ada, bob = make_user("owner"), make_user("ada"), make_user("bob")
    review = make_review(owner)
    add(gql, ada, review, "thread")
    add(gql, bob, review, "reply", Comment.objects.get(body="thread"))
    block(ada, bob)
    result = gql.login(bob)(
        ADD, {"s": gid(review), "b": "again", "r": gid(Comment.objects.get(body="reply"))}
    )
    assert codes(result, "addComment") == [("NOT_FOUND", "replyToId")]
    assert Comment.objects.count() == 2
