"""The subjects BookNest's own apps below this one offer for reports: reviews, reading lists
and readers (their profile). Other apps register theirs themselves (`subjects.register`)."""

from apps.accounts.models import Profile, User
from apps.moderation.subjects import SubjectKind, hide_content, register
from apps.reading.models import ReadingList, Review
from apps.social.blocking import not_blocked_q
from apps.social.visibility import visible_q


def _hide_profile(user: User) -> None:
    profile, _ = Profile.objects.get_or_create(user=user)
    hide_content(profile)


def _readers(viewer):
    return User.objects.filter(is_active=True).filter(not_blocked_q(viewer, owner="pk"))


register(
    SubjectKind(
        "Review",
        Review,
        "user",
        lambda viewer: Review.objects.filter(visible_q(viewer)),
        hide_content,
    )
)
register(
    SubjectKind(
        "ReadingList",
        ReadingList,
        "owner",
        lambda viewer: ReadingList.objects.filter(visible_q(viewer, owner="owner")),
        hide_content,
    )
)
register(SubjectKind("User", User, "pk", _readers, _hide_profile))
