"""`manage.py register_operations`: Apollo's and Relay's manifests, all or nothing, idempotent."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from apps.operations.models import RegisteredOperation
from apps.operations.registry import registry

pytestmark = pytest.mark.django_db

BOOK = "query BookTitle($id: ID!) {\n  book(id: $id) {\n    title\n  }\n}"
BOOKS = "query FirstBooks {\n  books(first: 2) {\n    edges {\n      node {\n        title\n      }\n    }\n  }\n}"
COUNT = "subscription UnreadCount {\n  unreadNotificationCountChanged\n}"
TYPENAME = "query Typename {\n  __typename\n}"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - Relay's default document id


def apollo(*operations: tuple[str, str, str]) -> dict:
    """An Apollo manifest, as @apollo/generate-persisted-query-manifest writes one."""
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha(body), "name": name, "type": type_, "body": body}
            for name, type_, body in operations
        ],
    }


@pytest.fixture
def write(tmp_path):
    def write(content, name="manifest.json"):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    return write


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("register_operations", *args, stdout=out)
    return out.getvalue()


def registered() -> dict[str, tuple[str, str, str, str]]:
    return {
        op.sha256: (op.operation_name, op.operation_type, op.body, op.client_name)
        for op in RegisteredOperation.objects.all()
    }


def test_apollo_manifest_registers_each_operation(write):
    path = write(
        apollo(
            ("BookTitle", "query", BOOK),
            ("FirstBooks", "query", BOOKS),
            ("UnreadCount", "subscription", COUNT),
        )
    )
    output = run(path, "--client", "web")
    assert registered() == {
        sha(BOOK): ("BookTitle", "query", BOOK, "web"),
        sha(BOOKS): ("FirstBooks", "query", BOOKS, "web"),
        sha(COUNT): ("UnreadCount", "subscription", COUNT, "web"),
    }
    assert f"registered BookTitle {sha(BOOK)}" in " ".join(output.split())
    assert "3 registered, 0 unchanged" in output


def test_relay_manifest_with_md5_and_sha256_ids(write):
    path = write({md5(BOOK): BOOK, sha(TYPENAME): TYPENAME})
    output = run(path, "--client", "ios")
    assert "(relay, 2 operations)" in output
    ops = {op.sha256: op for op in RegisteredOperation.objects.all()}
    # Stored under the SHA-256 of the text whatever the manifest's id; that id is kept.
    assert ops[sha(BOOK)].document_id == md5(BOOK)
    assert ops[sha(BOOK)].operation_name == "BookTitle"
    assert ops[sha(TYPENAME)].client_name == "ios"


def test_rerun_is_idempotent(write):
    path = write(apollo(("BookTitle", "query", BOOK), ("Typename", "query", TYPENAME)))
    run(path)
    before = registered()
    output = run(path)
    assert registered() == before
    assert "0 registered, 2 unchanged" in output


@pytest.mark.parametrize(
    "manifest, complaint",
    [
        # One good operation and one bad: neither is registered.
        (
            apollo(("BookTitle", "query", BOOK), ("Broken", "query", "query Broken { book(")),
            "does not parse",
        ),
        (
            apollo(("BookTitle", "query", BOOK), ("Nope", "query", "query Nope { noSuchField }")),
            "does not validate against the schema: Cannot query field 'noSuchField'",
        ),
        (
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": sha(BOOK), "name": "BookTitle", "type": "query", "body": BOOK},
                    {"id": sha(BOOK), "name": "Typename", "type": "query", "body": TYPENAME},
                ],
            },
            "is not the SHA-256 of its body",
        ),
        (
            apollo(("BookTitle", "query", BOOK), ("Typename", "mutation", TYPENAME)),
            "typed 'mutation' but its operation is a query",
        ),
        (
            apollo(("BookTitle", "query", BOOK), ("Other", "query", TYPENAME)),
            "named 'Other' but its operation is 'Typename'",
        ),
        (
            {md5(BOOK): BOOK, "two": TYPENAME + "\n" + COUNT},
            "needs exactly one operation, has 2",
        ),
    ],
    ids=["syntax", "validation", "id-mismatch", "type", "name", "two-operations"],
)
def test_bad_operation_refuses_the_whole_manifest(write, manifest, complaint):
    with pytest.raises(CommandError) as refused:
        run(write(manifest))
    assert complaint in str(refused.value)
    assert "nothing registered" in str(refused.value)
    assert RegisteredOperation.objects.count() == 0


@pytest.mark.parametrize(
    "content, complaint",
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "neither an Apollo manifest"),
        ({"format": "something-else", "version": 1, "operations": []}, "unknown manifest format"),
        (
            {"format": "apollo-persisted-query-manifest", "version": 2, "operations": []},
            "unsupported apollo-persisted-query-manifest version 2",
        ),
    ],
)
def test_not_a_manifest_is_a_clear_error(write, content, complaint):
    with pytest.raises(CommandError, match=complaint):
        run(write(content))
    assert RegisteredOperation.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.json"))


def test_replace_removes_what_the_client_no_longer_lists(write):
    run(
        write(apollo(("BookTitle", "query", BOOK), ("Typename", "query", TYPENAME))),
        "--client",
        "web",
    )
    run(write({md5(BOOKS): BOOKS}, "relay.json"), "--client", "ios")
    output = run(
        write(apollo(("Typename", "query", TYPENAME)), "v2.json"), "--client", "web", "--replace"
    )
    assert set(registered()) == {sha(TYPENAME), sha(BOOKS)}  # iOS's operation stays
    assert f"removed BookTitle {sha(BOOK)}" in " ".join(output.split())


def test_without_replace_nothing_is_removed(write):
    run(write(apollo(("BookTitle", "query", BOOK))), "--client", "web")
    run(write(apollo(("Typename", "query", TYPENAME)), "v2.json"), "--client", "web")
    assert set(registered()) == {sha(BOOK), sha(TYPENAME)}


def test_registering_tells_running_processes(write, django_capture_on_commit_callbacks):
    assert registry.load() == {}  # a warm, empty copy
    with django_capture_on_commit_callbacks(execute=True):
        run(write(apollo(("Typename", "query", TYPENAME))))
    assert registry.load() == {sha(TYPENAME): TYPENAME}
