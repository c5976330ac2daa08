"""Whether compiled reads answer query operations here (schema/compiled/run.py): on PostgreSQL,
unless `GRAPHQL_COMPILED_READS=false`."""

import functools

from django.conf import settings
from django.db import connection


@functools.cache
def _database_vendor() -> str:
    # Asked once: on the event loop's thread Django's connection object is per task, so asking
    # `connection.vendor` there makes a new database wrapper for every request.
    return connection.vendor


def compiled_reads_enabled() -> bool:
    return settings.GRAPHQL_COMPILED_READS and _database_vendor() == "postgresql"
