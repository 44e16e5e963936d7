"""A throwaway PostgreSQL server for the tests and the query benchmark.

`initdb` into a fresh directory, `pg_ctl start` on a free loopback port (and a Unix socket in
that directory), `stop()` removes it all. The server binaries are looked up on PATH, then in
/usr/lib/postgresql/*/bin (Debian's `postgresql` package), newest first. PostgreSQL refuses
to run as root: as root, the server runs as the `postgres` user when there is one, else as
`nobody`, in a directory it owns. Data safety is off (fsync): it is for tests only.

Tests use the fixtures `pg_server_url` (one server per session, or SITREPS_TEST_PG_URL when
set) and `pg_url` (a fresh schema per test): import both into a test module.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

ENV_URL = "SITREPS_TEST_PG_URL"


class NoServer(RuntimeError):
    """No PostgreSQL server could be started here (the message says why)."""


def find_bin_dir() -> Path:
    """The directory holding initdb, pg_ctl and postgres."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(debian.glob("*/bin"), key=lambda p: _version(p.parent.name))
        candidates += list(reversed(versions))
    for bin_dir in candidates:
        if all((bin_dir / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return bin_dir
    raise NoServer("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in "
                   "/usr/lib/postgresql/*/bin: install the `postgresql` package")  # fmt: skip


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise NoServer("running as root and there is no `postgres` or `nobody` user to run the server")


class ThrowawayServer:
    """One PostgreSQL cluster in a temporary directory, for as long as it is needed."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.user = _server_user()
        self.base = Path(tempfile.mkdtemp(prefix="sitreps-pg-"))  # /tmp: the user can reach it
        self.data = self.base / "data"
        self.port = _free_port()
        if self.user is not None:
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        kwargs = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        done = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]], cwd=self.base, capture_output=True,
            text=True, timeout=120, env={**os.environ, "LC_ALL": "C"}, **kwargs,
        )  # fmt: skip
        if done.returncode != 0:
            raise NoServer(f"{args[0]} failed: {(done.stderr or done.stdout).strip()[-800:]}")

    def start(self) -> str:
        """Create and start the cluster; returns a URL for its `postgres` database."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        return self.url

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def with_schema(url: str, schema: str) -> str:
    """The URL with `schema` first on the search path (its tables are the test's own)."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """SITREPS_TEST_PG_URL, or a throwaway server. Skips when none (fails in CI)."""
    if os.environ.get(ENV_URL):
        yield os.environ[ENV_URL]
        return
    server = None
    try:
        server = ThrowawayServer()
        url = server.start()
    except NoServer as exc:
        if server is not None:
            server.stop()
        _skip_or_fail(str(exc))
    try:
        yield url
    finally:
        server.stop()


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI runs the PostgreSQL tests, but {reason}")
    pytest.skip(f"no PostgreSQL server for the tests: {reason} (or set {ENV_URL})")


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A URL whose tables live in a new schema, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(server_url, schema)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose tables live in a fresh schema, for one test."""
    with fresh_schema(pg_server_url) as url:
        yield url
