"""Helpers for the server tests: a database of real ingested pages plus one hostile article,
and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from sitreps.records import Article, ArticleRef, Event, Evidence, Location
from sitreps.store import Store

# An article whose text and metadata try every way into the page: it must only ever be shown
# as text. The event below is coded by hand so its evidence offsets point into that text.
HOSTILE_ID = "hostile0article1"
HOSTILE_EVENT_ID = "hostile0event001"
HOSTILE_SENTENCE = (
    "Gunmen killed five herders near Kidal on Tuesday <script>window.__xss = 1</script> "
    'and burned <img src=x onerror="window.__xss = 2"> two trucks.'
)
HOSTILE_TEXT = (
    'Kidal report <b onmouseover="window.__xss = 3">bold</b>\n\n'
    + HOSTILE_SENTENCE
    + '\n\nRead more: <a href="javascript:window.__xss = 4">javascript:window.__xss = 4</a>'
)
HOSTILE_URL = "javascript:window.__xss = 5"

_built: dict[tuple[str, ...], Path] = {}


def hostile_records() -> tuple[Article, Event]:
    """The hostile article and its hand-coded event (Mali, 2020-05-12)."""
    start = HOSTILE_TEXT.index(HOSTILE_SENTENCE)
    article = Article(
        id=HOSTILE_ID, input="test:hostile", url=HOSTILE_URL,
        title='<img src=x onerror="window.__xss = 6">Kidal attack', text=HOSTILE_TEXT,
        date="2020-05-12", date_precision="day", source="<script>window.__xss = 7</script>",
    )  # fmt: skip
    event = Event(
        id=HOSTILE_EVENT_ID, event_type="Violence against civilians", sub_event_type="Attack",
        date="2020-05-12", date_precision="day",
        location=Location(name="Kidal", country="ML", admin1="Kidal", lat=18.44, lon=1.41,
                          precision="place"),
        fatalities=5, attribution="<i>local officials</i>",
        evidence=[Evidence(text=HOSTILE_SENTENCE, start=start,
                           end=start + len(HOSTILE_SENTENCE), supports=["event_type"])],
        article=ArticleRef(id=HOSTILE_ID, url=HOSTILE_URL, title=article.title),
        confidence=0.7,
    )  # fmt: skip
    return article, event


def build_database(pipeline, inputs: list[Path], target: Path) -> Path:
    """The inputs ingested with the real pipeline, and the hostile article, in a new database
    (built once per set of inputs in a test session, then copied)."""
    key = tuple(sorted(str(p) for p in inputs))
    if key not in _built:
        from sitreps.ingest import read_inputs

        built = target.with_name(target.stem + "-built.db")
        with Store(built) as store:
            for raw in read_inputs([str(p) for p in inputs]):
                result = pipeline.process(raw)
                if result.error is not None:
                    store.record_error(result.error)
                elif result.article is not None:
                    store.save_article(result.article, result.events)
            article, event = hostile_records()
            store.save_article(article, [event])
        _built[key] = built
    shutil.copyfile(_built[key], target)
    return target


@contextmanager
def running_server(app) -> Iterator[str]:
    """Serves `app` with uvicorn on a free loopback port in a thread; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def free_port() -> int:
    """A loopback port nobody listens on now (for a server started as a subprocess)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def json_when_up(url: str, tries: int = 150, pause: float = 0.2):
    """The JSON at `url` once a server starting in another process answers; None if it never
    does within `tries` attempts."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url) as response:
                return json.load(response)
        except OSError:
            time.sleep(pause)
    return None
