"""Feeds and URLs against a local HTTP server started here (never the internet)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitreps.extract import extract_article
from sitreps.ingest import read_inputs
from sitreps.readers.feeds import looks_like_feed
from sitreps.readers.http import USER_AGENT, Fetcher, FetchError
from sitreps.records import DocumentError, RawDocument

PARAGRAPH = (
    "<p>Government troops and rebel fighters exchanged fire near the northern town of Kidal on "
    "Sunday, residents said, in the heaviest fighting in the region for several months.</p>"
)
FULL_BODY = "".join(  # well over the full-content threshold, no two paragraphs alike
    f"<p>Witness {n} told reporters that shells fell on the market in Kidal during the "
    f"afternoon and that {n + 2} shops burned before firefighters could reach them.</p>"
    for n in range(1, 9)
)
ARTICLE_PAGE = (
    "<!DOCTYPE html><html><head><title>Fighting near Kidal</title></head><body><nav>Home</nav>"
    f"<article><h1>Fighting near Kidal</h1>{PARAGRAPH * 4}</article></body></html>"
)


def rss(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Sahel desk</title><link>{base}/</link><description>News</description>
<item><title>Full story</title><link>{base}/full</link><guid>full-1</guid>
<pubDate>Wed, 30 Sep 2015 10:00:00 GMT</pubDate><description>Short teaser.</description>
<content:encoded><![CDATA[{FULL_BODY}]]></content:encoded></item>
<item><title>Fighting near Kidal</title><link>{base}/article</link><guid>teaser-2</guid>
<pubDate>Thu, 01 Oct 2015 09:00:00 GMT</pubDate><description>Troops clashed.</description></item>
<item><title>Slow one</title><link>{base}/slow</link><description>Too slow.</description></item>
</channel></rss>"""


def atom(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><id>urn:desk</id>
<updated>2015-09-30T10:00:00Z</updated>
<entry><title>Fighting near Kidal</title><id>urn:entry:1</id><link href="{base}/article"/>
<updated>2015-09-30T10:00:00Z</updated><summary>Troops clashed.</summary></entry>
</feed>"""


class Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, str, float]] = []
    flaky_left = 0

    def do_GET(self) -> None:  # noqa: N802 - the http.server interface
        Handler.hits.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
        base = f"http://{self.headers['Host']}"
        if self.path == "/slow":
            time.sleep(0.6)
        if self.path == "/flaky" and Handler.flaky_left > 0:
            Handler.flaky_left -= 1
            self._send(503, "text/plain", "busy")
            return
        routes = {
            "/feed.rss": ("application/rss+xml", rss(base)),
            "/feed.atom": ("application/atom+xml", atom(base)),
            "/article": ("text/html; charset=utf-8", ARTICLE_PAGE),
            "/flaky": ("text/html", ARTICLE_PAGE),
            "/slow": ("text/html", ARTICLE_PAGE),
        }
        if self.path not in routes:
            self._send(404, "text/plain", "not found")
            return
        self._send(200, *routes[self.path])

    def _send(self, status: int, content_type: str, body: str) -> None:
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout case)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def quick_fetcher(**options: float) -> Fetcher:
    settings = {"timeout": 0.3, "retries": 1, "backoff": 0.01, "min_interval": 0.0, **options}
    return Fetcher(**settings)


def test_rss_full_content_summaries_followed_and_timeout_recorded(server: str) -> None:
    items = list(read_inputs([f"{server}/feed.rss"], fetcher=quick_fetcher()))
    full, followed, slow = items
    assert isinstance(full, RawDocument) and full.input == f"{server}/feed.rss#full-1"
    assert full.url == f"{server}/full" and full.title == "Full story"
    assert full.page_date_hint == "2015-09-30"
    assert isinstance(followed, RawDocument) and followed.input == f"{server}/article"
    assert followed.page_date_hint == "2015-10-01" and followed.kind == "html"
    assert isinstance(slow, DocumentError) and "timed out after 0.3s (2 tries)" in slow.error
    article = extract_article(followed)
    assert article.text.startswith("Government troops") and article.page_date == "2015-10-01"
    assert extract_article(full).text.count("Kidal") == 8


def test_atom_feed_from_a_file_follows_links(server: str, tmp_path: Path) -> None:
    path = tmp_path / "saved.xml"
    path.write_text(atom(server), encoding="utf-8")
    (doc,) = read_inputs([str(path)], fetcher=quick_fetcher())
    assert isinstance(doc, RawDocument) and doc.url == f"{server}/article"
    assert doc.title == "Fighting near Kidal" and doc.page_date_hint == "2015-09-30"


def test_plain_page_url_and_missing_page(server: str) -> None:
    page, missing = read_inputs([f"{server}/article", f"{server}/gone"], fetcher=quick_fetcher())
    assert isinstance(page, RawDocument) and page.kind == "html" and page.url == f"{server}/article"
    assert isinstance(missing, DocumentError) and "HTTP 404" in missing.error
    assert "(1 try)" in missing.error  # a 404 is not retried


def test_retries_with_backoff_user_agent_and_rate_limit(server: str) -> None:
    Handler.hits.clear()
    Handler.flaky_left = 2
    fetcher = quick_fetcher(retries=2, backoff=0.05, min_interval=0.1)
    page = fetcher.fetch(f"{server}/flaky")
    assert b"Kidal" in page.content
    flaky = [hit for hit in Handler.hits if hit[0] == "/flaky"]
    assert len(flaky) == 3 and all(hit[1] == USER_AGENT for hit in flaky)
    gaps = [later[2] - earlier[2] for earlier, later in zip(flaky, flaky[1:], strict=False)]
    assert all(gap >= 0.09 for gap in gaps), gaps
    with pytest.raises(FetchError, match="timed out"):
        quick_fetcher(retries=0).fetch(f"{server}/slow")


def test_feed_detection_by_content() -> None:
    assert looks_like_feed(rss("http://x").encode())
    assert looks_like_feed(atom("http://x").encode())
    assert not looks_like_feed(ARTICLE_PAGE.encode())
    assert not looks_like_feed(b'<?xml version="1.0"?><html><body><p>rss</p></body></html>')
