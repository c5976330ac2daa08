"""Batched requests: a POST whose JSON body is an array of operations (Apollo's BatchHttpLink).

Each operation runs on its own, in order, exactly as if it had been posted alone (its own
context and loaders, its own persisted-query lookup, limits, cost and rate-limit spending):
one that is malformed or fails does not affect the others. The answer is the array of their
results in the same order.

- More than `GRAPHQL_MAX_BATCH` operations: one 400 error, BATCH_TOO_LARGE, nothing runs.
- An empty array: 400 BAD_REQUEST.
- Status: 200, unless every operation got the same other status (all rate-limited: 429; all
  refused under `application/graphql-response+json`: 400), which the batch then gets. A client
  that reads the status alone never mistakes a partial failure for a total one; each result's
  `errors` say what went wrong with it.
- Headers the operations set (rate-limit state, `Retry-After`, cookies) are merged; a later
  operation's value wins (the rate-limit headers after the last one are the current ones).
"""

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from schema.http import HTTPError, RequestRefused, bad_request, params_from
from schema.persisted import apply_persisted_query

if TYPE_CHECKING:
    from schema.views import GraphQLView

BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
# Headers of an operation's response that describe that response alone.
_OWN_HEADERS = {"content-type", "content-length"}


def check_batch_size(items: list[Any]) -> None:
    """Refuses an empty batch (400 BAD_REQUEST) or one over `GRAPHQL_MAX_BATCH` (400
    BATCH_TOO_LARGE) before any of its operations runs."""
    if not items:
        raise bad_request("The batch is empty: send at least one operation.")
    maximum = settings.GRAPHQL_MAX_BATCH
    if len(items) > maximum:
        raise HTTPError(
            400,
            f"Batch of {len(items)} operations exceeds the maximum of {maximum} "
            "(GRAPHQL_MAX_BATCH).",
            code=BATCH_TOO_LARGE,
        )


async def serve_one(
    view: "GraphQLView", request: HttpRequest, item: Any, media_type: str
) -> HttpResponse:
    """One operation of a batch, answered as if it had been posted alone."""
    try:
        if not isinstance(item, dict):
            raise bad_request("Each operation of a batch must be a JSON object.")
        params = params_from(item)
        params = await apply_persisted_query(params, request)
        if params.query is None:
            raise bad_request("The `query` parameter is required.")
        return await view.serve(request, params, media_type)
    except HTTPError as error:
        return view.error_response(error, media_type)
    except RequestRefused as refused:
        return view.refused_response(refused, media_type)


async def serve_batch(
    view: "GraphQLView", request: HttpRequest, items: list[Any], media_type: str
) -> HttpResponse:
    """Runs a batch's operations in order and answers with the array of their results."""
    check_batch_size(items)
    results: list[Any] = []
    statuses: set[int] = set()
    headers: dict[str, str] = {}
    cookies = []
    for item in items:
        response = await serve_one(view, request, item, media_type)
        results.append(json.loads(response.content))
        statuses.add(response.status_code)
        headers.update(
            (name, value) for name, value in response.items() if name.lower() not in _OWN_HEADERS
        )
        cookies.extend(response.cookies.items())
    status = statuses.pop() if len(statuses) == 1 else 200
    batch = view.json_response(results, media_type, status, headers)
    for name, value in cookies:
        batch.cookies[name] = value
    return batch
