"""The demo's conversation: comments, a reply from each review's author, and likes, on public
reviews (which everyone may see), the same on every build."""

from apps.conversation.models import Comment, Like
from apps.core.models import Privacy
from apps.reading.models import Review

REMARKS = (
    "This made me want to reread it.",
    "Completely agree about the ending.",
    "I had the opposite reaction, but you make a good case.",
    "Adding it to my list!",
)
THANKS = "Thank you, glad it was useful."


def build_talk(users) -> tuple[list[Comment], list[Like]]:
    """Every third public review of the demo readers gets a remark from another reader, who
    likes it too, and a reply from its author; every other one a like."""
    readers = sorted(users, key=lambda user: user.username)
    reviews = Review.objects.filter(user__in=readers, privacy=Privacy.PUBLIC).order_by(
        "user__username", "book__title"
    )
    comments, likes = [], []
    for index, review in enumerate(reviews):
        other = readers[(index + 1) % len(readers)]
        if other.pk == review.user_id:
            other = readers[(index + 2) % len(readers)]
        if index % 2 == 0:
            likes.append(Like(user=other, review=review))
        if index % 3 == 0:
            remark = Comment.objects.create(
                author=other, review=review, body=REMARKS[index % len(REMARKS)]
            )
            comments.append(remark)
            comments.append(
                Comment.objects.create(
                    author_id=review.user_id, review=review, reply_to=remark, body=THANKS
                )
            )
            likes.append(Like(user_id=review.user_id, comment=remark))
    return comments, Like.objects.bulk_create(likes)
