"""Live deliveries read through a pool of their own on PostgreSQL (booknest/postgres/base.py)."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from psycopg_pool import PoolTimeout

from apps.catalog.models import Book
from schema.subscriptions.listen import db as event_read

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the live pool exists on PostgreSQL only"
)


@postgres_only
def test_event_reads_take_their_connection_from_the_live_pool(db):
    main = connection.pool

    def inside():
        Book.objects.exists()  # connects
        return connection.pool, connection.connection._pool

    pool, source = async_to_sync(event_read)(inside)
    assert pool is source
    assert pool is not main
    assert pool.name == "default-live"
    assert connection.pool is main  # outside, the main pool as before


@postgres_only
def test_a_delivery_is_not_held_back_by_requests_holding_every_pooled_connection(db):
    """Requests hold their connection until they end: a burst of them can take the whole main
    pool. An event's read still runs (from the main pool it would wait, then time out)."""
    pool = connection.pool
    held = []
    try:
        while True:
            held.append(pool.getconn(timeout=0.2))
    except PoolTimeout:
        pass
    try:
        assert held
        assert async_to_sync(event_read)(Book.objects.count) == 0  # the test's rows: uncommitted
    finally:
        for taken in held:
            pool.putconn(taken)
