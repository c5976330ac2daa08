"""Search finds quotes by their words, as private as the quote and its reader's profile."""

import pytest

from apps.core.models import Privacy
from apps.impressions.quotes import add_quote
from tests.factories import make_book, make_follow, make_profile, make_user

pytestmark = pytest.mark.django_db

SEARCH = """
query($q: String!, $types: [SearchType!] = [QUOTE]) {
  search(query: $q, types: $types, first: 10) {
    edges { highlights { field } node { __typename ... on Quote { text book { title } } } }
  }
}"""


def found(gql, query, types=("QUOTE",)) -> list[str]:
    document = SEARCH
    if not types:
        document = SEARCH.replace("types: $types, ", "").replace(
            ", $types: [SearchType!] = [QUOTE]", ""
        )
    result = gql(document, {"q": query, **({"types": list(types)} if types else {})})
    assert "errors" not in result, result
    return [
        edge["node"]["text"]
        for edge in result["data"]["search"]["edges"]
        if edge["node"]["__typename"] == "Quote"
    ]


def test_quotes_are_found_by_their_words_as_their_privacy_allows(
    gql, django_capture_on_commit_callbacks
):
    # Everything in the block: the index is written when the block "commits".
    with django_capture_on_commit_callbacks(execute=True):
        ada, friend = make_user("ada"), make_user("friend")
        make_follow(friend, ada)
        dune = make_book("Dune")
        add_quote(ada, dune.pk, text="Fear is the mind-killer.")
        add_quote(ada, dune.pk, text="The mind-killer walks among friends.", privacy="followers")
        add_quote(ada, dune.pk, text="A private mind-killer thought.", privacy="private")
    assert found(gql, "mind killer") and set(found(gql, "fear mind")) >= {
        "Fear is the mind-killer."
    }
    assert set(found(gql, "mind-killer")) == {"Fear is the mind-killer."}
    assert found(gql, "mind-killer", types=None) == []  # quotes are searched when asked for
    gql.login(friend)
    assert set(found(gql, "mind-killer")) == {
        "Fear is the mind-killer.",
        "The mind-killer walks among friends.",
    }
    gql.login(ada)
    assert len(found(gql, "mind-killer")) == 3
    with django_capture_on_commit_callbacks(execute=True):
        make_profile(ada, privacy=Privacy.PRIVATE)  # her quotes go private with her profile
    gql.login(friend)
    assert found(gql, "mind-killer") == []
