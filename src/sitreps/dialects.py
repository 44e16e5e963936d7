"""Where the store's two databases differ: SQLite (a file path) and PostgreSQL (a URL).

The store writes one SQL text for both: `?` placeholders and the syntax both accept
(`INSERT … ON CONFLICT`, `coalesce`, `lower`, `BETWEEN`, `CAST(? AS TEXT)`). A `Dialect` holds
everything else, in one place:

- connecting, and the connection's behaviour (PostgreSQL's is wrapped in `PgConnection` so
  that it reads like `sqlite3`: `execute` with `?`, rows by name or position, `with conn:`
  for a transaction);
- the schema version (`PRAGMA user_version`, or the `sitreps_schema` table) and how a
  migration's DDL is spelt (`REAL` → `DOUBLE PRECISION`, the JSON record as `JSONB`…);
- word search (`text`, `actor`: FTS5 on SQLite, tsvector and GIN on PostgreSQL), the order
  of results, serialising writers, streaming big reads and query plans (for the tests).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# A migration is portable SQL, or one SQL text per dialect name where they must differ.
Migration = str | dict[str, str]


class StoreError(RuntimeError):
    """The database cannot be opened (no server, bad URL, refused login…)."""


def is_database_url(target: str | Path) -> bool:
    """True for a PostgreSQL URL (`postgresql://user@host:port/dbname`), False for a path."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def redact(target: str | Path) -> str:
    """The target as it may be printed: a URL's password is replaced by `***`."""
    text = str(target)
    if not is_database_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


# -- word search --------------------------------------------------------------------------
#
# `text` (the evidence) and `actor` (actor1, actor2) match words, not substrings: every word
# of the query must begin a word of the event's evidence sentences (or of one actor's name),
# in any order and any case. A word is a run of letters and digits; the rest separates words.

SEARCH_WORD = re.compile(r"[^\W_]+")

# Migration 6 (sitreps.store): the word indexes, and the map cells.
# SQLite: FTS5 tables whose rowid is the event's: `evidence_words` holds each event's evidence
# sentences (a row per event, so that a filter on other columns tests a row against the match
# list, never looks up every matching sentence), kept in step by triggers on `evidence` and
# `events`; `actor_words` indexes the actor columns of `events` in place (external content).
# Both databases: an index on each event's 1° cell (`Dialect.map_cell`), then its date, for a
# map view over dates (a lat/lon box reads whole bands of latitude otherwise).
_EVENT_EVIDENCE = """
        SELECT rowid, (SELECT group_concat(text, char(10)) FROM evidence WHERE event_id = {id})
        FROM events WHERE id = {id} AND EXISTS (SELECT 1 FROM evidence WHERE event_id = {id})"""
SQLITE_WORD_INDEXES = f"""
    CREATE VIRTUAL TABLE evidence_words USING fts5(
        text, tokenize='unicode61 remove_diacritics 0');
    CREATE TRIGGER evidence_words_insert AFTER INSERT ON evidence BEGIN
        INSERT OR REPLACE INTO evidence_words (rowid, text) {_EVENT_EVIDENCE.format(id="new.event_id")};
    END;
    CREATE TRIGGER evidence_words_delete AFTER DELETE ON evidence BEGIN
        DELETE FROM evidence_words WHERE rowid = (SELECT rowid FROM events WHERE id = old.event_id);
        INSERT INTO evidence_words (rowid, text) {_EVENT_EVIDENCE.format(id="old.event_id")};
    END;
    CREATE TRIGGER evidence_words_update AFTER UPDATE OF event_id, text ON evidence BEGIN
        DELETE FROM evidence_words WHERE rowid = (SELECT rowid FROM events WHERE id = old.event_id);
        INSERT INTO evidence_words (rowid, text) {_EVENT_EVIDENCE.format(id="old.event_id")};
        INSERT OR REPLACE INTO evidence_words (rowid, text) {_EVENT_EVIDENCE.format(id="new.event_id")};
    END;
    CREATE TRIGGER evidence_words_event_delete AFTER DELETE ON events BEGIN
        DELETE FROM evidence_words WHERE rowid = old.rowid;
    END;
    INSERT INTO evidence_words (rowid, text)
        SELECT events.rowid, group_concat(evidence.text, char(10))
        FROM events JOIN evidence ON evidence.event_id = events.id GROUP BY events.rowid;
    CREATE VIRTUAL TABLE actor_words USING fts5(
        actor1, actor2, content='events', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 0');
    CREATE TRIGGER actor_words_insert AFTER INSERT ON events BEGIN
        INSERT INTO actor_words (rowid, actor1, actor2)
            VALUES (new.rowid, new.actor1, new.actor2);
    END;
    CREATE TRIGGER actor_words_delete AFTER DELETE ON events BEGIN
        INSERT INTO actor_words (actor_words, rowid, actor1, actor2)
            VALUES ('delete', old.rowid, old.actor1, old.actor2);
    END;
    CREATE TRIGGER actor_words_update AFTER UPDATE OF actor1, actor2 ON events BEGIN
        INSERT INTO actor_words (actor_words, rowid, actor1, actor2)
            VALUES ('delete', old.rowid, old.actor1, old.actor2);
        INSERT INTO actor_words (rowid, actor1, actor2)
            VALUES (new.rowid, new.actor1, new.actor2);
    END;
    INSERT INTO actor_words (actor_words) VALUES ('rebuild');
    CREATE INDEX events_cell ON events(
        (CAST(lat + 90 AS INTEGER) * 360 + CAST(lon + 180 AS INTEGER)), date, lat, lon, id);
"""
# PostgreSQL: GIN indexes on the words of the actor columns and of the evidence texts in the
# JSONB record ('simple': no stemming, no stop words; letters are lowered by the database's
# locale). The queries repeat these expressions.
_PG_EVIDENCE_WORDS = "to_tsvector('simple', jsonb_path_query_array(record, '$.evidence[*].text'))"
POSTGRES_WORD_INDEXES = f"""
    CREATE INDEX events_evidence_words ON events USING GIN ({_PG_EVIDENCE_WORDS});
    CREATE INDEX events_actor1_words ON events USING GIN (to_tsvector('simple', actor1));
    CREATE INDEX events_actor2_words ON events USING GIN (to_tsvector('simple', actor2));
    CREATE INDEX events_cell ON events(
        (CAST(floor(lat + 90) AS INTEGER) * 360 + CAST(floor(lon + 180) AS INTEGER)),
        date, lat, lon, id);
"""


def search_words(text: str) -> list[str]:
    """The words a `text` or `actor` search looks for (letters and digits; no others)."""
    return SEARCH_WORD.findall(text)


class Dialect:
    """SQLite's behaviour; PostgresDialect overrides what PostgreSQL does differently."""

    name = "sqlite"
    newest_first = "date DESC, id"  # NULLs sort last in SQLite's DESC
    by_id = "id"  # ties broken by id, byte-wise
    # the 1° map cell of an event: the expression of index `events_cell` (migration 6);
    # CAST truncates, which floors here (the operands are never negative)
    map_cell = "(CAST(lat + 90 AS INTEGER) * 360 + CAST(lon + 180 AS INTEGER))"

    def order(self, expression: str, descending: bool) -> str:
        """ORDER BY text for one expression, rows without a value last either way."""
        return f"{expression} DESC" if descending else f"{expression} ASC NULLS LAST"

    def distance_km(self, lat: float, lon: float) -> tuple[str, list]:
        """SQL for the great-circle distance from each event to a point (NULL if unplaced).

        SQLite: `sitreps_km`, a Python function the server registers on its connections."""
        return "sitreps_km(lat, lon, ?, ?)", [lat, lon]

    def evidence_match(self, words: Sequence[str], test_only: bool = False) -> tuple[str, list]:
        """SQL (on `events`) for: the event's evidence has every word (as a word's start).

        `test_only`: other conditions select the rows (an index narrows them), the match
        list only tests them; otherwise the matches are the rows to read."""
        sql = f"{_rowid(test_only)} IN (SELECT rowid FROM evidence_words WHERE evidence_words MATCH ?)"
        return sql, [_fts_all(words)]

    def count_matches(self, conn: Any, text: str | None, actor: str | None) -> int | None:
        """How many events a lone word search matches, from its index alone (None: unknown).

        SQLite: the full-text tables have a row per event, so counting them is counting
        events, without reading a row of `events`."""
        if bool(text) == bool(actor):
            return None
        if text:
            table, query = "evidence_words", _fts_all(search_words(text))
        else:
            table, query = "actor_words", _fts_actor(search_words(actor or ""))
        sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"
        return conn.execute(sql, [query]).fetchone()[0]

    def actor_match(self, words: Sequence[str], test_only: bool = False) -> tuple[str, list]:
        """SQL (on `events`) for: actor1's or actor2's name has every word."""
        sql = f"{_rowid(test_only)} IN (SELECT rowid FROM actor_words WHERE actor_words MATCH ?)"
        return sql, [_fts_actor(words)]

    def connect(self, target: str | Path) -> Any:
        conn = sqlite3.connect(Path(target), timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def ddl(self, migration: Migration) -> str:
        return migration if isinstance(migration, str) else migration.get(self.name, "")

    def migration_lock(self, conn: Any):
        """Held while migrating (SQLite: each migration is its own transaction)."""
        return nullcontext()

    def schema_version(self, conn: Any) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def apply(self, conn: Any, sql: str, version: int) -> None:
        """Run one migration's DDL and record the new version, in one transaction."""
        with conn:
            conn.executescript(sql)
            conn.execute(f"PRAGMA user_version = {int(version)}")

    def lock_writes(self, conn: Any) -> None:
        """Serialise writers for the current transaction (SQLite: its first write does)."""

    def stream(self, conn: Any, sql: str, params: Sequence) -> Iterator[Any]:
        """Rows of a query that may return many, fetched as they are read."""
        return iter(conn.execute(sql, params))

    def plan(self, conn: Any, sql: str, params: Sequence) -> str:
        """The query plan, as text (the tests check that filters use an index)."""
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row["detail"] for row in rows)


# A released migration is SQLite SQL; these rewrite its DDL for PostgreSQL.
_PG_DDL: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"^(\s*)end\b", re.MULTILINE), r'\1"end"'),  # a reserved word there
    (re.compile(r"\brecord TEXT\b"), "record JSONB"),  # the v1 record, queryable as JSON
]

# pg_advisory_xact_lock keys: one for migrations, one for writers
_MIGRATION_LOCK = 0x5174_0001
_WRITE_LOCK = 0x5174_0002


class PostgresDialect(Dialect):
    name = "postgresql"
    # PostgreSQL puts NULLs first in DESC; "C" orders ids byte-wise, as SQLite does
    newest_first = 'date DESC NULLS LAST, id COLLATE "C"'
    by_id = 'id COLLATE "C"'
    map_cell = "(CAST(floor(lat + 90) AS INTEGER) * 360 + CAST(floor(lon + 180) AS INTEGER))"

    def order(self, expression: str, descending: bool) -> str:
        return f"{expression} {'DESC' if descending else 'ASC'} NULLS LAST"

    def distance_km(self, lat: float, lon: float) -> tuple[str, list]:
        # haversine, as sitreps.geo.resolve.distance_km computes it
        sql = (
            "2 * 6371.0 * asin(least(1.0, sqrt(power(sin(radians(? - lat) / 2), 2) "
            "+ cos(radians(lat)) * cos(radians(?)) * power(sin(radians(? - lon) / 2), 2))))"
        )
        return sql, [lat, lat, lon]

    def connect(self, target: str | Path) -> PgConnection:
        return PgConnection(str(target))

    def count_matches(self, conn: Any, text: str | None, actor: str | None) -> int | None:
        return None  # the GIN index does not count rows; the planner does well enough

    def evidence_match(self, words: Sequence[str], test_only: bool = False) -> tuple[str, list]:
        # PostgreSQL's planner weighs the GIN index against the others itself
        return f"{_PG_EVIDENCE_WORDS} @@ to_tsquery('simple', ?)", [_tsquery_all(words)]

    def actor_match(self, words: Sequence[str], test_only: bool = False) -> tuple[str, list]:
        sql = (
            "(to_tsvector('simple', actor1) @@ to_tsquery('simple', ?) "
            "OR to_tsvector('simple', actor2) @@ to_tsquery('simple', ?))"
        )
        return sql, [_tsquery_all(words)] * 2

    def ddl(self, migration: Migration) -> str:
        if not isinstance(migration, str):
            return migration.get(self.name, "")
        for pattern, replacement in _PG_DDL:
            migration = pattern.sub(replacement, migration)
        return migration

    @contextmanager
    def migration_lock(self, conn: PgConnection) -> Iterator[None]:
        """One transaction for every migration, so two processes never migrate at once."""
        with conn:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS sitreps_schema (version INTEGER NOT NULL)")
            yield

    def schema_version(self, conn: PgConnection) -> int:
        row = conn.execute("SELECT version FROM sitreps_schema").fetchone()
        return row[0] if row else 0

    def apply(self, conn: PgConnection, sql: str, version: int) -> None:
        if sql.strip():
            conn.executescript(sql)
        conn.execute("DELETE FROM sitreps_schema")
        conn.execute("INSERT INTO sitreps_schema (version) VALUES (?)", (version,))

    def lock_writes(self, conn: PgConnection) -> None:
        # READ COMMITTED lets two saves link against the same snapshot and both start an
        # incident, or both re-insert an article's evidence: writers take turns instead.
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))

    def stream(self, conn: PgConnection, sql: str, params: Sequence) -> Iterator[Any]:
        return conn.stream(sql, params)

    def plan(self, conn: PgConnection, sql: str, params: Sequence) -> str:
        rows = conn.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in rows)


def _rowid(test_only: bool) -> str:
    # SQLite cannot tell how many rows a full-text match gives, and reads the matches first
    # if it may: `+` keeps it from looking the rows up by the match list's rowids
    return "+events.rowid" if test_only else "events.rowid"


def _fts_all(words: Sequence[str]) -> str:
    """An FTS5 query: every word, each as a prefix (quoted: a word is never an operator)."""
    return " ".join(f'"{word}"*' for word in words)


def _fts_actor(words: Sequence[str]) -> str:
    """An FTS5 query: every word in actor1, or every word in actor2."""
    every = _fts_all(words)
    return f"(actor1 : ({every})) OR (actor2 : ({every}))"


def _tsquery_all(words: Sequence[str]) -> str:
    """A tsquery text: every word, each as a prefix (the words hold no quote or operator)."""
    return " & ".join(f"'{word}':*" for word in words)


SQLITE = Dialect()
POSTGRESQL = PostgresDialect()


def dialect_for(target: str | Path) -> Dialect:
    return POSTGRESQL if is_database_url(target) else SQLITE


def dialect_of(conn: Any) -> Dialect:
    return POSTGRESQL if isinstance(conn, PgConnection) else SQLITE


# -- PostgreSQL connections that read like sqlite3 ------------------------------------------


class Row:
    """A result row by column name or position (like sqlite3.Row); dict(row) works."""

    __slots__ = ("_values", "_index")

    def __init__(self, values: Sequence, index: dict[str, int]):
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor) -> Callable[[Sequence], Row]:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


_LITERAL_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?")


@lru_cache(maxsize=512)
def to_pg(sql: str) -> str:
    """`?` placeholders become `%s` (outside quoted literals); a literal `%` is doubled."""
    sql = sql.replace("%", "%%")
    return _LITERAL_OR_MARK.sub(lambda m: "%s" if m.group() == "?" else m.group(), sql)


def _clean(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL, which SQLite stores: it is dropped."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    if isinstance(value, str) and "\\u0000" in value:  # a NUL escaped in the JSON record
        return value.replace("\\u0000", "")
    return value


def _params(params: Sequence | None) -> list:
    return [_clean(v) for v in params] if params else []


class PgConnection:
    """A psycopg connection used like sqlite3's: `execute(sql_with_?, params)`, rows by
    name or index, and `with conn:` for one transaction (nested ones become savepoints).

    Outside `with conn:` each statement commits on its own (autocommit)."""

    def __init__(self, url: str):
        import psycopg
        from psycopg.types.json import set_json_loads

        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot connect to {redact(url)}: {message}") from None
        set_json_loads(_json_text, self.raw)  # records are parsed by pydantic, not here
        self._transactions: list = []
        self._streams = 0

    def execute(self, sql: str, params: Sequence | None = ()) -> Any:
        if params:
            return self.raw.execute(to_pg(sql), _params(params))
        return self.raw.execute(sql.replace("%", "%%") if "%" in sql else sql, [])

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(to_pg(sql), [_params(row) for row in rows])

    def executescript(self, sql: str) -> None:
        """Several statements without parameters (a migration)."""
        self.raw.execute(sql)

    def stream(self, sql: str, params: Sequence) -> Iterator[Row]:
        """Rows from a server-side cursor, a batch at a time (exports of any size)."""
        self._streams += 1
        name = f"sitreps_stream_{self._streams}"
        with self.raw.transaction(), self.raw.cursor(name=name) as cursor:
            cursor.itersize = 500
            cursor.execute(to_pg(sql), _params(params))
            yield from cursor

    def commit(self) -> None:
        """Nothing to do outside `with conn:` (autocommit); kept for sqlite3's interface."""

    def __enter__(self) -> PgConnection:
        transaction = self.raw.transaction()
        transaction.__enter__()
        self._transactions.append(transaction)
        return self

    def __exit__(self, *exc) -> None:
        self._transactions.pop().__exit__(*exc)

    def close(self) -> None:
        self.raw.close()


def _json_text(data: bytes | memoryview | str) -> str:
    if isinstance(data, str):
        return data
    return bytes(data).decode("utf-8")
