"""Responses in OpenSearch 2.x's real shapes, replayed by the contract tests.

Written after the OpenSearch 2.x REST API reference and its documented examples (OpenSearch
cannot run on the machines these tests were written on); the live tests
(test_opensearch_live.py) check the same code against a real cluster.
"""

INFO = {
    "name": "opensearch-node1",
    "cluster_name": "docker-cluster",
    "cluster_uuid": "Qb8XvFpxRRmDGZ1f2Ck1cQ",
    "version": {
        "distribution": "opensearch",
        "number": "2.17.0",
        "build_type": "tar",
        "lucene_version": "9.11.1",
        "minimum_wire_compatibility_version": "7.10.0",
        "minimum_index_compatibility_version": "7.0.0",
    },
    "tagline": "The OpenSearch Project: https://opensearch.org/",
}


def search_response(hits, *, total=None, aggregations=None) -> dict:
    """A `_search` answer; `hits` are (index, kind, object_id, score, highlight or None)."""
    body = {
        "took": 7,
        "timed_out": False,
        "_shards": {"total": 2, "successful": 2, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits) if total is None else total, "relation": "eq"},
            "max_score": hits[0][3] if hits else None,
            "hits": [
                {
                    "_index": index,
                    "_id": str(object_id),
                    "_score": score,
                    "_source": {"kind": kind, "object_id": object_id},
                    **({"highlight": highlight} if highlight else {}),
                    "sort": [score, object_id],
                }
                for index, kind, object_id, score, highlight in hits
            ],
        },
    }
    if aggregations is not None:
        body["aggregations"] = aggregations
    return body


def book_aggregations(genres, decades) -> dict:
    return {
        "books": {
            "doc_count": sum(n for _, n in decades),
            "genres": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [{"key": key, "doc_count": n} for key, n in genres],
            },
            "decades": {"buckets": [{"key": float(key), "doc_count": n} for key, n in decades]},
        }
    }


def bulk_response(items, *, errors=False) -> dict:
    return {"took": 12, "errors": errors, "items": items}


def indexed(index, object_id, *, result="created", status=201) -> dict:
    return {
        "index": {
            "_index": index,
            "_id": str(object_id),
            "_version": 1,
            "result": result,
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "_seq_no": 0,
            "_primary_term": 1,
            "status": status,
        }
    }


def index_failed(index, object_id) -> dict:
    return {
        "index": {
            "_index": index,
            "_id": str(object_id),
            "status": 400,
            "error": {
                "type": "mapper_parsing_exception",
                "reason": f"failed to parse field [year] of type [integer] in document with "
                f"id '{object_id}'. Preview of field's value: 'MMXX'",
                "caused_by": {
                    "type": "number_format_exception",
                    "reason": 'For input string: "MMXX"',
                },
            },
        }
    }


def delete_missing(index, object_id) -> dict:
    return {
        "delete": {
            "_index": index,
            "_id": str(object_id),
            "_version": 1,
            "result": "not_found",
            "_shards": {"total": 1, "successful": 1, "failed": 0},
            "_seq_no": 3,
            "_primary_term": 1,
            "status": 404,
        }
    }


def index_not_found(index) -> dict:
    cause = {
        "type": "index_not_found_exception",
        "reason": f"no such index [{index}]",
        "index": index,
        "resource.id": index,
        "resource.type": "index_or_alias",
        "index_uuid": "_na_",
    }
    return {"error": {"root_cause": [cause], **cause}, "status": 404}


UNAVAILABLE = {
    "error": {
        "root_cause": [
            {
                "type": "cluster_block_exception",
                "reason": "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];",
            }
        ],
        "type": "cluster_block_exception",
        "reason": "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];",
    },
    "status": 503,
}


def created_index(index) -> dict:
    return {"acknowledged": True, "shards_acknowledged": True, "index": index}


ACKNOWLEDGED = {"acknowledged": True}
REFRESHED = {"_shards": {"total": 1, "successful": 1, "failed": 0}}


def aliases(alias, *indexes) -> dict:
    return {index: {"aliases": {alias: {}}} for index in indexes}


def alias_missing(alias) -> dict:
    return {"error": f"alias [{alias}] missing", "status": 404}
