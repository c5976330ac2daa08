"""Posting GraphQL multipart requests (the spec Apollo's upload link and `curl -F` follow)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.tokens import create_access_token


def bearer(user) -> dict[str, str]:
    token, _ = create_access_token(user)
    return {"Authorization": f"Bearer {token}"}


def post_multipart(client, query: str, variables: dict, files: dict, *, headers=None, **extra):
    """`files` maps a variable path (`variables.file`) to `(file name, bytes)`."""
    data = {"operations": json.dumps({"query": query, "variables": variables})}
    file_map = {}
    for index, (path, (name, content)) in enumerate(files.items()):
        file_map[str(index)] = [path]
        data[str(index)] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    data["map"] = json.dumps(file_map)
    return client.post("/graphql", data, headers=headers or {}, **extra)


UPLOAD_AVATAR = """
mutation ($file: Upload!) {
  uploadAvatar(file: $file) {
    user { id small: avatarUrl(size: SMALL) medium: avatarUrl large: avatarUrl(size: LARGE) }
    errors { code field message }
  }
}"""

REMOVE_AVATAR = """
mutation { removeAvatar { user { avatarUrl } errors { code } } }"""

UPLOAD_BOOK_COVER = """
mutation ($bookId: ID!, $file: Upload!) {
  uploadBookCover(bookId: $bookId, file: $file) {
    book { title coverUrl(size: LARGE) small: coverUrl(size: SMALL) }
    errors { code field message }
  }
}"""

UPLOAD_AUTHOR_PHOTO = """
mutation ($authorId: ID!, $file: Upload!) {
  uploadAuthorPhoto(authorId: $authorId, file: $file) {
    author { name photoUrl }
    errors { code field message }
  }
}"""


def upload_avatar(client, user, content: bytes, name: str = "me.jpg", headers=None):
    """`uploadAvatar` as `user` (None: no Authorization header)."""
    headers = {**(bearer(user) if user is not None else {}), **(headers or {})}
    files = {"variables.file": (name, content)}
    return post_multipart(client, UPLOAD_AVATAR, {"file": None}, files, headers=headers)
