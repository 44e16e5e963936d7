"""Query commands over the database: `sitreps events`, `sitreps incidents`, `sitreps export`.

All three take the same filters (docs/store.md); a bad value is a usage error naming the
option, never a traceback.
"""

from __future__ import annotations

import csv
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sitreps.cli import (
    DB_HELP,
    DEFAULT_DB,
    OutputFormat,
    _default_format,
    _tty,
    date_cell,
    err,
    open_db,
    place_cell,
    write_events,
)
from sitreps.export import ExportFormat

if TYPE_CHECKING:
    from sitreps.store import EventFilter

DbOption = typer.Option(DEFAULT_DB, "--db", help=DB_HELP)
FormatOption = typer.Option(
    None, "--format", "-f", help="Default: table on a terminal, else jsonl."
)

# The filters every query command takes, once: EventFilter field -> (type, option).
FILTER_OPTIONS: dict[str, tuple[type, Any]] = {
    "country": (str, typer.Option(None, "--country", help="ISO 3166-1 alpha-2 code (or name).")),
    "admin1": (str, typer.Option(None, "--admin1", help="First-level region, e.g. 'Homs'.")),
    "since": (str, typer.Option(None, "--since", help="Date, inclusive: YYYY-MM-DD, YYYY-MM, YYYY.")),
    "until": (str, typer.Option(None, "--until", help="Date, inclusive: YYYY-MM-DD, YYYY-MM, YYYY.")),
    "event_type": (str, typer.Option(None, "--type", help="Event type or sub-event type.")),
    "sub_event_type": (str, typer.Option(None, "--sub-type", help="Sub-event type, e.g. 'Air/drone strike'.")),
    "actor": (str, typer.Option(None, "--actor", help="Words in the actor1 or actor2 name (word starts, any case).")),
    "text": (str, typer.Option(None, "--text", help="Words in the evidence sentences (word starts, any case).")),
    "near": (str, typer.Option(None, "--near", help="LAT,LON,KM")),
    "min_fatalities": (int, typer.Option(None, "--min-fatalities", help="At least N killed.")),
    "min_confidence": (float, typer.Option(None, "--min-confidence", help="Confidence 0-1.")),
    "limit": (int, typer.Option(None, "--limit", help="At most N rows.")),
}  # fmt: skip


def with_filters(command: Callable) -> Callable:
    """The command with the filter options added; it gets them as one EventFilter, `flt`."""
    signature = inspect.signature(command)
    own = [_evaluated(p, command) for p in signature.parameters.values() if p.name != "flt"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=kind)
        for name, (kind, option) in FILTER_OPTIONS.items()
    ]

    @functools.wraps(command)
    def run(**values: Any) -> Any:
        filters = {name: values.pop(name) for name in FILTER_OPTIONS}
        return command(flt=_filter(**filters), **values)

    parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + added
    run.__signature__ = signature.replace(parameters=parameters)  # what Typer reads
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


def _evaluated(parameter: inspect.Parameter, command: Callable) -> inspect.Parameter:
    """The parameter with its annotation as a type (this module's annotations are text)."""
    annotation = parameter.annotation
    if isinstance(annotation, str):
        annotation = eval(annotation, command.__globals__)  # noqa: S307 (our own source text)
    return parameter.replace(annotation=annotation)


def register(app: typer.Typer) -> None:
    app.command("events")(events)
    app.command("incidents")(incidents)
    app.command("export")(export)


@with_filters
def events(flt: EventFilter, db: str = DbOption, fmt: OutputFormat = FormatOption) -> None:
    """Query the events in the database."""
    with _open(db) as store:
        found = store.events(flt)
    write_events(found, _default_format(fmt))


@with_filters
def incidents(flt: EventFilter, db: str = DbOption, fmt: OutputFormat = FormatOption) -> None:
    """List incidents: one row per happening, its reports merged (a filter matches an
    incident when any of its reports matches)."""
    with _open(db) as store:
        found = store.incidents(flt)
    write_incidents(found, _default_format(fmt))


@with_filters
def export(
    flt: EventFilter,
    export_format: ExportFormat = typer.Option(..., "--format", "-f", help="Export format."),
    output: Path = typer.Option(None, "--output", "-o", help="File (a directory for parquet). Default: standard output."),
    db: str = DbOption,
) -> None:  # fmt: skip
    """Export events: ACLED-style CSV, GeoJSON, Parquet (partitioned by month) or JSONL."""
    from sitreps.export import ExportError, export_events

    with _open(db) as store:
        try:
            stats = export_events(store.iter_events(flt), export_format, output)
        except ExportError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--output'") from None
    target = output or "standard output"
    err.print(f"{stats.written} events -> {escape(str(target))} ({export_format})", highlight=False)
    if stats.left_out:
        err.print(f"{stats.left_out} events without coordinates left out", highlight=False)


def _filter(*, near: str | None, **values) -> EventFilter:
    from sitreps.store import EventFilter, FilterError

    try:
        return EventFilter(near=_parse_near(near) if near else None, **values)
    except FilterError as exc:
        hint = f"'{FILTER_OPTIONS[exc.field][1].param_decls[0]}'"
        raise typer.BadParameter(exc.message, param_hint=hint) from None


@contextmanager
def _open(db: str) -> Iterator:
    """The store, or a clear message and exit status 1 (no database, not a database…)."""
    with open_db(db, must_exist=True) as store:
        yield store


def _parse_near(value: str) -> tuple[float, float, float]:
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise typer.BadParameter(
            "expected LAT,LON,KM, e.g. 34.73,36.71,50", param_hint="'--near'"
        ) from None
    return lat, lon, km


# -- incident output -------------------------------------------------------------------------


def write_incidents(incidents: list, fmt: OutputFormat, out=None) -> int:
    from sitreps.export import INCIDENT_COLUMNS, incident_row

    out = out or sys.stdout
    if fmt == OutputFormat.jsonl:
        for incident in incidents:
            out.write(incident.model_dump_json() + "\n")
    elif fmt == OutputFormat.csv:
        writer = csv.DictWriter(out, fieldnames=INCIDENT_COLUMNS)
        writer.writeheader()
        writer.writerows(incident_row(i) for i in incidents)
    else:
        _print_incident_table(incidents, out)
    return len(incidents)


def _print_incident_table(incidents: list, out) -> None:
    table = Table(title=f"{len(incidents)} incidents", title_justify="left")
    for column in ("date", "type", "actor1", "actor2", "location", "deaths", "reports", "sources"):
        table.add_column(column, overflow="fold")
    for inc in incidents:
        date, place = date_cell(inc.date, inc.date_precision), place_cell(inc.location)
        sources = "; ".join(inc.attributions) + (" [contested]" if inc.contested else "")
        cells = (
            date, inc.sub_event_type, inc.actor1.name if inc.actor1 else "—",
            inc.actor2.name if inc.actor2 else "—", place, _deaths(inc),
            f"{inc.reports} ({inc.articles} articles)", sources.strip(),
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))  # page text is never console markup
    console = Console(
        file=out if out is not sys.stdout else None, width=160 if not _tty(out) else None
    )
    console.print(table)


def _deaths(incident) -> str:
    low, best, high = incident.fatalities_low, incident.fatalities_best, incident.fatalities_high
    if best is None:
        return ""
    return str(best) if low == high else f"{best} ({low}–{high})"
