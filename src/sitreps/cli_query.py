"""Query commands over the database: `sitreps events` (and, as they come, incidents, export)."""

from __future__ import annotations

from pathlib import Path

import typer

from sitreps.cli import DEFAULT_DB, OutputFormat, _default_format, err, write_events


def register(app: typer.Typer) -> None:
    app.command("events")(events)


def events(
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    country: str = typer.Option(None, "--country", help="ISO 3166-1 alpha-2 code."),
    since: str = typer.Option(None, "--since", help="ISO date, inclusive."),
    until: str = typer.Option(None, "--until", help="ISO date, inclusive."),
    event_type: str = typer.Option(None, "--type", help="Event type or sub-event type."),
    actor: str = typer.Option(None, "--actor", help="Text in actor1 or actor2 name."),
    near: str = typer.Option(None, "--near", help="LAT,LON,KM"),
    limit: int = typer.Option(None, "--limit"),
    fmt: OutputFormat = typer.Option(None, "--format", "-f"),
) -> None:  # fmt: skip
    """Query the events in the database."""
    from sitreps.store import EventFilter, open_store

    if not db.exists():
        err.print(f"[red]no database at {db}[/]: run `sitreps ingest` first")
        raise typer.Exit(1)
    near_tuple = _parse_near(near) if near else None
    with open_store(db) as store:
        found = store.events(
            EventFilter(country=country, since=since, until=until, event_type=event_type,
                        actor=actor, near=near_tuple, limit=limit)
        )  # fmt: skip
    write_events(found, _default_format(fmt))


def _parse_near(value: str) -> tuple[float, float, float]:
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise typer.BadParameter("expected LAT,LON,KM, e.g. 34.73,36.71,50") from None
    return lat, lon, km
