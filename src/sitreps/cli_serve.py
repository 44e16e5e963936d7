"""`sitreps serve`: the HTTP API and the dashboard (docs/web.md)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer
from rich.markup import escape

from sitreps.cli import DB_HELP, DEFAULT_DB, err
from sitreps.dialects import is_database_url, redact


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    db: str = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port (0: any free port)."),
    token: str = typer.Option(None, "--token", envvar="SITREPS_TOKEN", help="Bearer token that enables POST /api/ingest (or env SITREPS_TOKEN). Without one the server is read-only."),
    tiles: str = typer.Option(None, "--tiles", help="Online map tile URL template, e.g. https://tiles.example/{z}/{x}/{y}.png (default: the packaged country boundaries only)."),
    max_upload_mb: float = typer.Option(5.0, "--max-upload-mb", min=0.01, help="Largest request body accepted (ingest)."),
    root_path: str = typer.Option("", "--root-path", help="Path prefix when served behind a reverse proxy, e.g. /sitreps."),
) -> None:  # fmt: skip
    """Serve the database: the dashboard at /, the API at /api, its docs at /docs."""
    import uvicorn

    from sitreps.serve import create_app
    from sitreps.serve.security import TileUrlError

    if not is_database_url(db) and not Path(db).exists():
        err.print(f"[red]no database at {escape(db)}[/]: run `sitreps ingest` first")
        raise typer.Exit(1)
    if token is not None and len(token.strip()) < 16:
        raise typer.BadParameter("use a token of at least 16 characters", param_hint="'--token'")
    try:
        app = create_app(db, token=token, tiles=tiles,
                         max_upload_bytes=int(max_upload_mb * 1_000_000))  # fmt: skip
    except TileUrlError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--tiles'") from None
    except (OSError, RuntimeError, ValueError) as exc:
        err.print(f"[red]cannot serve {escape(redact(db))}[/]: {escape(str(exc))}")
        raise typer.Exit(1) from None
    mode = "ingest enabled (bearer token)" if token else "read-only"
    err.print(f"sitreps: {escape(redact(db))} on http://{_url_host(host)}:{port}{root_path}/ ({mode})",
              highlight=False)  # fmt: skip
    if not _is_loopback(host):
        err.print(
            "[yellow]listening beyond this machine[/]: use HTTPS (a reverse proxy) on a network"
        )
    uvicorn.run(app, host=host, port=port, root_path=root_path, log_level="warning",
                proxy_headers=True, server_header=False)  # fmt: skip


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
