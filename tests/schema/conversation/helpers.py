"""Operations and small helpers of the conversation tests."""

from apps.social.models import Block, Mute

LIKE = """mutation($s: ID!) { like(subjectId: $s) {
  subject { ... on Review { likeCount viewerHasLiked } ... on ReadingList { likeCount viewerHasLiked }
            ... on Activity { likeCount viewerHasLiked } ... on Comment { likeCount viewerHasLiked } }
  errors { code field } } }"""
UNLIKE = """mutation($s: ID!) { unlike(subjectId: $s) {
  subject { ... on Review { likeCount viewerHasLiked } }
  errors { code field } } }"""
ADD = """mutation($s: ID!, $b: String!, $r: ID) { addComment(subjectId: $s, body: $b, replyToId: $r) {
  comment { id body editedAt isEdited canEdit author { username } replyTo { id }
            review { id } readingList { id } }
  errors { code field message } } }"""
UPDATE = """mutation($id: ID!, $b: String!) { updateComment(id: $id, body: $b) {
  comment { id body editedAt isEdited } errors { code field } } }"""
DELETE = """mutation($id: ID!) { deleteComment(id: $id) { deletedId errors { code field } } }"""
REVIEW = """query($id: ID!) { node(id: $id) { ... on Review {
  likeCount viewerHasLiked commentCount
  likes(first: 10) { totalCount edges { node { user { username } } } }
  comments(first: 10) { totalCount edges { node { body author { username }
    replies(first: 10) { totalCount edges { node { body author { username } } } } } } }
} } }"""


def block(blocker, blocked) -> None:
    Block.objects.create(blocker=blocker, blocked=blocked)


def mute(muter, muted) -> None:
    Mute.objects.create(muter=muter, muted=muted)


def codes(result: dict, name: str) -> list[tuple[str, str | None]]:
    assert "errors" not in result, result
    return [(e["code"], e["field"]) for e in result["data"][name]["errors"]]
