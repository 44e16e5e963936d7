"""What the API's endpoints share: the read pool, the settings, the ingestor; API errors."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from sitreps.serve.db import ReadPool
from sitreps.serve.ingest import Ingestor


class ApiError(Exception):
    """An error answer: `{"error": message, "field": field}` with the HTTP status."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@dataclass
class ServerState:
    pool: ReadPool
    token: str | None
    tiles: str | None
    max_upload_bytes: int
    ingestor: Ingestor | None  # None: ingest is disabled (no token)


def state_of(request: Request) -> ServerState:
    return request.app.state.sitreps
