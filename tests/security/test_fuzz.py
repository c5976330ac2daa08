"""Random valid operations from schema.graphql never get a server error or an unmasked one.

hypothesis-graphql writes queries and mutations that pass validation, with arguments drawn
from our custom scalars: global ids of the seeded objects (and broken ones), dates and times
(and garbage), decimals. Each is POSTed to /graphql as a client would, anonymously, as a
reader and as a librarian, with error masking on. The rules every answer keeps:

- the status is below 500, and the body is GraphQL JSON;
- every error has an `extensions.code` (request errors too: GRAPHQL_VALIDATION_FAILED,
  BAD_USER_INPUT…);
- no error is INTERNAL_SERVER_ERROR: that is an unexpected exception, a bug (the failing
  example names the operation that raised it);
- no message shows internals (tracebacks, SQL, module names, file paths).

Each example runs in a savepoint rolled back afterwards, so the seeded library stays the
same for every example (a mutation may delete a book or log the reader out everywhere).
Uploads are left out: a GraphQL string is not a file. `make fuzz` (fuzz_live.py) draws new
operations on every run, against a live server.
"""

import string
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import graphql
import hypothesis_graphql
import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis_graphql import nodes
from strawberry.relay import to_base64

from tests.conftest import ROOT
from tests.security.conftest import bearer, error_codes, gid, leaks, post

pytestmark = pytest.mark.django_db

SCHEMA = (ROOT / "schema.graphql").read_text()
UPLOADS = {"uploadAvatar", "uploadBookCover", "uploadAuthorPhoto", "importLibrary"}
MUTATIONS = sorted(set(graphql.build_schema(SCHEMA).mutation_type.fields) - UPLOADS)
# Examples per test: 5 tests of 60 keep the module near 30 s on SQLite (drawing an operation
# from a schema this size costs more than answering it).
EXAMPLES = 60

garbage = st.text(alphabet=string.printable, max_size=30)


def global_ids(known: list[str]) -> st.SearchStrategy[str]:
    """Mostly real global ids; otherwise broken ones an attacker might try."""
    forged = st.one_of(
        garbage,
        st.builds(to_base64, st.sampled_from(["Book", "User", "ReadingList", "Nope"]), garbage),
        st.builds(
            to_base64,
            st.sampled_from(["Book", "Review", "Notification", "Reservation"]),
            st.sampled_from([0, -1, 2**31, 2**63, 10**30]),
        ),
    )
    return st.one_of(st.sampled_from(known), st.sampled_from(known), forged)


def custom_scalars(known_ids: list[str]) -> dict[str, st.SearchStrategy]:
    """Strategies for the scalars hypothesis-graphql cannot make up (and for `ID`)."""
    zones = st.sampled_from([None, UTC, timezone(timedelta(hours=-11))])
    return {
        "ID": global_ids(known_ids).map(nodes.String),
        "Date": st.one_of(st.dates(min_value=date(1, 1, 1)).map(date.isoformat), garbage).map(
            nodes.String
        ),
        "DateTime": st.one_of(
            st.datetimes(min_value=datetime(1, 1, 2), timezones=zones).map(datetime.isoformat),
            garbage,
        ).map(nodes.String),
        "Decimal": st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False).map(str),
            st.sampled_from(["1e400", "-0", "NaN", "Infinity", str(Decimal(10) ** 30)]),
            garbage,
        ).map(nodes.String),
        "JSON": garbage.map(nodes.String),
        "Upload": st.just(nodes.Null),
    }


def assert_well_behaved(response, query: str) -> None:
    """The rules of the module docstring, for one response."""
    assert response.status_code < 500, (query, response.status_code, response.content[:500])
    body = response.json()
    assert isinstance(body, dict) and ("data" in body or "errors" in body), body
    for error, code in zip(body.get("errors") or [], error_codes(body), strict=True):
        assert code, ("error without a code", query, error)
        assert code != "INTERNAL_SERVER_ERROR", ("unexpected exception", query, error)
    assert not leaks(body), (query, leaks(body))


def plain(query: str) -> str:
    """The operation, forgotten by Hypothesis's printer: it would otherwise print a failing
    example as the (huge) tree of calls that built it, which takes minutes."""
    current_build_context().known_object_printers.clear()
    return query


def fuzz(client, strategy, headers: dict[str, str]) -> None:
    """Send every operation `strategy` draws, each in a savepoint rolled back afterwards."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same operations on every run: a failure is reproducible
        database=None,  # no example database written into the repository
        # No shrinking: on a schema this size it takes minutes, and the failing operation is
        # printed as drawn (and drawn again on the next run).
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(query=strategy.map(plain))
    def send(query: str) -> None:
        with transaction.atomic():
            response = post(client, {"query": query}, headers=headers)
            transaction.set_rollback(True)
        assert_well_behaved(response, query)

    send()


VIEWERS = {
    "anonymous": lambda seed: {},
    "reader": lambda seed: bearer(seed.reader),
    "librarian": lambda seed: bearer(seed.librarian),
}


@pytest.mark.parametrize("viewer", ["anonymous", "reader"])
def test_random_queries_are_answered_without_server_errors(client, seed, hardened, viewer):
    strategy = hypothesis_graphql.queries(SCHEMA, custom_scalars=custom_scalars(seed.global_ids()))

    fuzz(client, strategy, VIEWERS[viewer](seed))


@pytest.mark.parametrize("viewer", ["anonymous", "reader", "librarian"])
def test_random_mutations_are_answered_without_server_errors(client, seed, hardened, viewer):
    strategy = hypothesis_graphql.mutations(
        SCHEMA, fields=MUTATIONS, custom_scalars=custom_scalars(seed.global_ids())
    )

    fuzz(client, strategy, VIEWERS[viewer](seed))


def test_the_fuzzer_reaches_the_seeded_objects(client, seed, hardened):
    """A guard for the fuzz tests above: the ids they draw find real objects (a fuzzer that
    only sent unknown ids would pass without testing anything behind them)."""
    assert {gid(seed.books[0]), gid(seed.private["list"])} <= set(seed.global_ids())
    ids = sorted({gid(obj) for obj in [*seed.books, *seed.public, seed.reader, seed.victim]})
    body = post(
        client,
        {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ids}},
        headers=bearer(seed.librarian),
    ).json()
    found = {node["id"] for node in (body.get("data") or {}).get("nodes") or [] if node}
    assert found == set(ids), body
