"""The benchmark's PostGraphile peer asks for the same book page as BookNest (bench/peer.py).

Parse-only (no Node, no database): the bench itself checks the two live answers equal.
"""

from graphql import build_schema, parse, validate
from graphql.language import FieldNode, OperationDefinitionNode

from bench import peer, screens
from tests.conftest import ROOT

# What the screens' book page asks that PostGraphile has no form for as configured.
NOT_IN_THE_PEER = {
    "book.viewerStatus",
    "book.reviews.edges.node.canEdit",
    "book.reviews.edges.node.user.isFollowedByViewer",
}


def answer_paths(document: str) -> set[str]:
    """The dotted paths of the leaves of the answer (aliases as the answer names them), with
    PostGraphile's `nodes` wrapper of a list left out."""
    paths: set[str] = set()

    def walk(selections, prefix: tuple[str, ...]) -> None:
        for field in selections:
            assert isinstance(field, FieldNode), "no fragments in the book page documents"
            name = (field.alias or field.name).value
            path = prefix if name == "nodes" else (*prefix, name)
            if field.selection_set is None:
                paths.add(".".join(path))
            else:
                walk(field.selection_set.selections, path)

    (operation,) = parse(document).definitions
    assert isinstance(operation, OperationDefinitionNode)
    walk(operation.selection_set.selections, ())
    return paths


def test_postgraphile_page_asks_for_the_same_fields_as_booknest():
    booknest = answer_paths(peer.BOOKNEST_DOCUMENT)
    assert "book.reviews.edges.node.user.profile.bio" in booknest  # the walk reaches the leaves
    assert answer_paths(peer.POSTGRAPHILE_DOCUMENT) == booknest


def test_the_peer_page_is_the_screens_book_page_less_what_postgraphile_cannot_express():
    assert answer_paths(screens.BOOK_PAGE) - answer_paths(peer.BOOKNEST_DOCUMENT) == NOT_IN_THE_PEER
    assert answer_paths(peer.BOOKNEST_DOCUMENT) <= answer_paths(screens.BOOK_PAGE)


def test_booknest_side_of_the_peer_page_is_valid_against_the_schema():
    schema = build_schema((ROOT / "schema.graphql").read_text())
    assert validate(schema, parse(peer.BOOKNEST_DOCUMENT)) == []


def test_postgraphile_answer_compares_in_booknest_shape():
    booknest = {"data": {"book": {"genres": [{"name": "SF"}], "reviews": {"totalCount": 1}}}}
    same = {"data": {"book": {"genres": {"nodes": [{"name": "SF"}]}, "reviews": {"totalCount": 1}}}}
    other = {
        "data": {"book": {"genres": {"nodes": [{"name": "SF"}]}, "reviews": {"totalCount": 2}}}
    }
    assert peer.same_answer(booknest, same)
    assert not peer.same_answer(booknest, other)
