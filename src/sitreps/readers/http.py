"""Polite HTTP fetching for feeds and article links: timeouts, retries, rate limit, user agent.

Only the standard library (urllib). A fetch that still fails after its retries raises
``FetchError`` with a readable reason; callers turn it into a DocumentError.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from sitreps import __version__

USER_AGENT = f"sitreps/{__version__} (+offline news event coder)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A URL that could not be fetched (after retries)."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str


class Fetcher:
    """Fetches URLs with a timeout, retries with exponential backoff, and a per-host interval.

    ``min_interval`` is the least time between two requests to the same host (politeness);
    ``retries`` is how many times a failed request is tried again (timeouts, connection
    errors, 429 and 5xx answers), waiting ``backoff``, 2×``backoff``, … in between.
    """

    def __init__(
        self,
        timeout: float = 20.0,
        retries: int = 2,
        backoff: float = 1.0,
        min_interval: float = 1.0,
        max_bytes: int = 20_000_000,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.min_interval, self.max_bytes, self.user_agent = min_interval, max_bytes, user_agent
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def fetch(self, url: str) -> Fetched:
        """The page at ``url``; raises FetchError with the reason when it cannot be had."""
        last_error = "not tried"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_for_host(url)
            try:
                return self._fetch_once(url)
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code} {exc.reason}"
                if exc.code not in RETRY_STATUSES:
                    break
            except TimeoutError:
                last_error = f"timed out after {self.timeout:g}s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                is_timeout = isinstance(reason, TimeoutError)
                last_error = f"timed out after {self.timeout:g}s" if is_timeout else str(reason)
            except (OSError, ValueError) as exc:
                last_error = str(exc)
                if isinstance(exc, ValueError):
                    break
        tries = "1 try" if attempt == 0 else f"{attempt + 1} tries"
        raise FetchError(f"cannot fetch {url}: {last_error} ({tries})")

    def _fetch_once(self, url: str) -> Fetched:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            content = response.read(self.max_bytes + 1)
            if len(content) > self.max_bytes:
                raise FetchError(f"{url} is larger than the limit of {self.max_bytes:,} bytes")
            return Fetched(
                url=response.geturl(),
                content=content,
                content_type=response.headers.get("Content-Type", ""),
            )

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            ready = self._last_request.get(host, 0.0) + self.min_interval
            self._last_request[host] = max(now, ready)
        if ready > now:
            time.sleep(ready - now)
