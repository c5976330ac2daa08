"""Django's PostgreSQL backend, with a second connection pool for live deliveries' reads.

A subscription re-reads each event's objects from the database (schema/subscriptions/listen.py:
`db`), inside `live_reads()` (booknest/postgres/live.py): those reads take their connection from
a pool of their own (`DATABASE_LIVE_POOL_MAX_SIZE`). An HTTP request holds its pooled connection
from its first query to its end, so a burst of concurrent writes could hold every connection of
the main pool while the events those writes publish waited in line behind them (measured with
1,000 subscribers and 16 writers at once: delivery p99 500 ms with one pool of 10; with a pool of
their own the events reached the subscribers before the writes' HTTP responses reached the
writers).

Same database, same alias (`default`), same connection settings: only where the connection comes
from differs. A connection goes back to the pool it came from (Django returns it to its own
`_pool`), so leaving `live_reads()` with a connection still open is harmless.
"""

from django.conf import settings
from django.db.backends.postgresql import base

from booknest.postgres.live import in_live_reads, live_reads


class DatabaseWrapper(base.DatabaseWrapper):
    _live_pools: dict = {}

    @property
    def pool(self):
        main = super().pool
        if main is None or not in_live_reads():
            return main
        if self.alias not in self._live_pools:
            from psycopg_pool import ConnectionPool

            options = self.settings_dict["OPTIONS"]["pool"]
            options = {**options} if isinstance(options, dict) else {}
            options.update(min_size=0, max_size=settings.DATABASE_LIVE_POOL_MAX_SIZE)
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # as Django's own pool: Django sets it later
            pool = ConnectionPool(
                kwargs=connect_kwargs,
                open=False,
                configure=self._configure_connection,
                check=ConnectionPool.check_connection
                if self.settings_dict["CONN_HEALTH_CHECKS"]
                else None,
                name=f"{self.alias}-live",
                **options,
            )
            self._live_pools.setdefault(self.alias, pool)  # the first of two threads wins
        return self._live_pools[self.alias]

    def close_pool(self):
        live = self._live_pools.pop(self.alias, None)
        if live is not None:
            live.close()
        with live_reads(False):  # the main pool, whoever closes it
            super().close_pool()
