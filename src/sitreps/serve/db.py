"""Database access for the server: one read-only connection per worker thread.

SQLite connections belong to the thread that opened them, and FastAPI runs plain `def`
endpoints in a thread pool, so each thread opens its own `Store` on first use (on PostgreSQL
too: one connection per thread, never shared). Reading connections are read-only (SQLite's
`query_only`, PostgreSQL's `default_transaction_read_only`): even a bug in a query cannot
change the database.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from sitreps.dialects import is_database_url
from sitreps.geo.resolve import distance_km
from sitreps.store import Store, open_store


def _km(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    """Great-circle distance for SQL (`sitreps_km`); NULL where a point has no coordinates."""
    if lat1 is None or lon1 is None:
        return None
    return distance_km(lat1, lon1, lat2, lon2)


class ReadPool:
    """A read-only Store per thread, on one database (a SQLite file or a PostgreSQL URL)."""

    def __init__(self, target: str | Path):
        self.target = target if is_database_url(target) else Path(target)
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    def store(self) -> Store:
        """This thread's store (opened on first use)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.target)
            prepare_connection(store.conn)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        """Close every connection (from any thread: at shutdown only)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            # a connection made in another thread cannot be closed here: the process is ending
            with contextlib.suppress(sqlite3.ProgrammingError):
                store.close()


def prepare_connection(conn) -> None:
    """Make a connection read-only, with the SQL functions the server's queries use."""
    if isinstance(conn, sqlite3.Connection):
        conn.create_function("sitreps_km", 4, _km, deterministic=True)
        conn.execute("PRAGMA query_only = ON")
    else:  # PostgreSQL: the distance is plain SQL there (sitreps.dialects)
        conn.execute("SET default_transaction_read_only = on")
