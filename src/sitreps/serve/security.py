"""Security headers on every response and a size limit on request bodies (pure ASGI).

The Content-Security-Policy allows scripts, styles and data requests from this server
only: no inline script, no eval, no third-party origin. The one exception is an online map
tile server the operator configured (`--tiles`), added to `img-src`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TileUrlError(ValueError):
    """A tile URL template that cannot be used."""


def tile_origin(template: str) -> str:
    """The CSP source for a tile URL template ('https://{s}.tiles.example/{z}/{x}/{y}.png'
    -> 'https://*.tiles.example'); TileUrlError if it is not an http(s) template."""
    parts = urlsplit(template.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TileUrlError(f"{template!r} is not an http(s) URL template")
    if not all(f"{{{name}}}" in template for name in ("z", "x", "y")):
        raise TileUrlError(f"{template!r} needs {{z}}, {{x}} and {{y}} placeholders")
    host = urlsplit(template.replace("{s}", "*")).netloc.rsplit("@", 1)[-1]
    if any(c in host for c in " ;'\"{}"):
        raise TileUrlError(f"{template!r} has an unusable host")
    return f"{parts.scheme}://{host}"


def content_security_policy(extra_img_sources: list[str]) -> str:
    images = " ".join(["'self'", "data:", *extra_img_sources])
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {images}",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])  # fmt: skip


def security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": csp,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (errors and static files too)."""

    def __init__(self, app: ASGIApp, csp: str):
        self.app = app
        self.headers = security_headers(csp)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in self.names
                ]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413, before the application sees them.

    The body is read (up to the limit) and replayed, so a client that sends more than it
    announced, or announces nothing (chunked), is stopped all the same."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _too_large(send, self.max_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, max_bytes: int) -> None:
    body = json.dumps(
        {"error": f"request body larger than the limit of {max_bytes:,} bytes", "field": None}
    ).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": 413,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
