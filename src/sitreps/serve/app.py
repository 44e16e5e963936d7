"""The FastAPI application: the API, the dashboard and the offline API docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitreps import __version__
from sitreps.dialects import is_database_url
from sitreps.serve.db import ReadPool
from sitreps.serve.ingest import DEFAULT_MAX_UPLOAD_BYTES, Ingestor
from sitreps.serve.routes import router
from sitreps.serve.security import BodyLimit, SecurityHeaders, content_security_policy, tile_origin
from sitreps.serve.state import ApiError, ServerState
from sitreps.store import open_store

if TYPE_CHECKING:
    from sitreps.pipeline import Pipeline

STATIC = Path(str(resources.files("sitreps.serve") / "static"))
VENDOR = STATIC / "vendor"

DESCRIPTION = """\
The sitreps database over HTTP: events and incidents with the command line's filters,
GeoJSON for maps, counts for charts, and articles with the evidence behind each event.
Read-only unless the server was started with a token (`POST /api/ingest`).
"""


def create_app(
    db_path: str | Path,
    token: str | None = None,
    *,
    tiles: str | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    pipeline: Pipeline | None = None,
    create: bool = False,
) -> FastAPI:
    """The application serving the database at `db_path` (a SQLite file or a PostgreSQL URL).

    `token` enables `POST /api/ingest` for requests carrying `Authorization: Bearer TOKEN`
    (never enabled without one). `tiles` is an optional online tile URL template
    (`https://…/{z}/{x}/{y}.png`) for the map; without it the map uses the packaged country
    boundaries only. `pipeline` is the pipeline ingest uses (loaded on first use if None).
    A missing database file is an error unless `create` is true.
    """
    if not is_database_url(db_path):
        db_path = Path(db_path)
        if not create and not db_path.exists():
            raise FileNotFoundError(f"no sitreps database at {db_path}: run `sitreps ingest` first")
    if token is not None and not token.strip():
        raise ValueError("the token must not be empty")
    extra_images = [tile_origin(tiles)] if tiles else []
    # migrate (or create) once, here: the reading threads then open an up-to-date database
    open_store(db_path).close()
    state = ServerState(
        pool=ReadPool(db_path), token=token, tiles=tiles, max_upload_bytes=max_upload_bytes,
        ingestor=Ingestor(db_path, pipeline) if token else None,
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if state.ingestor is not None:
            state.ingestor.close()
        state.pool.close()

    app = FastAPI(
        title="sitreps", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # the CDN-free /docs page below replaces them
    )  # fmt: skip
    app.state.sitreps = state
    app.include_router(router)
    _add_error_handlers(app)
    _add_pages(app)
    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes)
    app.add_middleware(SecurityHeaders, csp=content_security_policy(extra_images))
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(
            {"error": exc.message, "field": exc.field}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        field = location[-1] if location else None
        message = f"invalid value for {field!r}: {first.get('msg', 'invalid request')}"
        return JSONResponse({"error": message, "field": field}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": str(exc.detail), "field": None}, status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )  # fmt: skip


def _add_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        """Swagger UI from the packaged copy (static/vendor/swagger-ui), never a CDN."""
        return FileResponse(STATIC / "docs.html", headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("static/favicon.svg")
