"""The `sitreps` command line: extract, ingest, events, article, schema, eval, gazetteer."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from sitreps.records import DocumentError, Event, event_json_schema

app = typer.Typer(
    help="sitreps: turn raw news pages into an evidence-linked record of conflict events.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(help="Score the pipeline against gold data.", no_args_is_help=True)
gazetteer_app = typer.Typer(help="Build or inspect the offline gazetteer.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(gazetteer_app, name="gazetteer")

err = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class InputFormat(StrEnum):
    auto = "auto"
    html = "html"
    text = "text"
    jsonl = "jsonl"
    csv = "csv"
    warc = "warc"
    feed = "feed"


class ExtractMode(StrEnum):
    html = "html"
    scraped = "scraped"


DEFAULT_DB = "sitreps.db"
DB_HELP = "SQLite database file, or a postgresql://user@host:port/dbname URL."
PathsArg = typer.Argument(
    ..., help="Files, directories, globs, http(s) URLs (pages or feeds), or '-' for standard input."
)
FastOption = typer.Option(
    False, "--fast", help="Extract HTML with resiliparse (about 10x faster, a little less exact)."
)


def _default_format(fmt: OutputFormat | None) -> OutputFormat:
    if fmt is not None:
        return fmt
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.jsonl


@contextmanager
def _progress(label: str):
    """A progress display on stderr, only when a person is watching."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed} docs"), TimeElapsedColumn()]  # fmt: skip
    with Progress(*columns, console=err, transient=True) as progress:
        yield (progress, progress.add_task(label, total=None))


def _advance(handle) -> None:
    if handle is not None:
        progress, task = handle
        progress.advance(task)


@contextmanager
def _null():
    yield


class _Skips:
    """Counts the container records passed over on purpose (WARC requests, non-HTML...)."""

    def __init__(self) -> None:
        self.reasons: dict[str, int] = {}

    def __call__(self, _input: str, reason: str) -> None:
        key = reason.split(" (")[0]
        self.reasons[key] = self.reasons.get(key, 0) + 1

    def report(self) -> None:
        if self.reasons:
            parts = ", ".join(f"{count} {why}" for why, count in sorted(self.reasons.items()))
            err.print(f"[dim]records passed over: {escape(parts)}[/]", highlight=False)


def _inputs(paths: list[str], input_format: InputFormat, skips: _Skips | None = None):
    from sitreps.ingest import read_inputs

    return read_inputs(paths, input_format=input_format.value, on_skip=skips)


def _report_errors(errors: list[DocumentError]) -> None:
    for e in errors:
        err.print(
            f"[yellow]skipped[/] {escape(e.input)} [dim]({e.stage})[/]: {escape(e.error)}",
            highlight=False,
        )


WorkersOption = typer.Option(
    None, "--workers", "-w", min=1,
    help="Worker processes, each with its own loaded pipeline (default: one per core when "
    "there are more than 20 documents, else none). 1 codes in this process.",
)  # fmt: skip


def _coder(include_unreal: bool, fast: bool, workers: int | None):
    from sitreps.parallel import DocumentCoder, PipelineSettings

    # no --workers: the coder codes a few documents in process, more with one worker a core
    settings = PipelineSettings(include_unreal=include_unreal, fast=fast)
    label = "Loading language model and gazetteer…" if workers == 1 else "Starting workers…"
    with err.status(label) if sys.stderr.isatty() else _null():
        return DocumentCoder(settings, workers, on_crash=_report_crash)


def _report_crash(message: str) -> None:
    err.print(f"[red]{escape(message)}[/]", highlight=False)


@app.command()
def extract(
    paths: list[str] = PathsArg,
    fmt: OutputFormat = typer.Option(None, "--format", "-f", help="Default: table on a terminal, else jsonl."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format", help="How to read the inputs."),
    all_modalities: bool = typer.Option(False, "--all-modalities", help="Also print denied, hypothetical and planned events."),
    fast: bool = FastOption,
    workers: int = WorkersOption,
) -> None:  # fmt: skip
    """Code events from pages, without a database; events go to standard output (in input
    order, whatever the number of workers)."""
    from sitreps.parallel import RunStats, WorkerCrash, extract_documents

    errors: list[DocumentError] = []
    duplicates: list[tuple[str, str]] = []
    skips = _Skips()
    stats = RunStats()

    def events() -> Iterator[Event]:
        with _progress("Coding") as handle:
            raws = _inputs(paths, input_format, skips)
            for result in extract_documents(raws, coder, stats):
                _advance(handle)
                if result.error:
                    errors.append(result.error)
                if result.duplicate_of is not None:
                    duplicates.append((result.input, result.duplicate_of))
                yield from result.events

    with _coder(all_modalities, fast, workers) as coder:
        try:
            write_events(events(), _default_format(fmt))
        except WorkerCrash as exc:
            _report_crash(f"stopped: {exc}")
            raise typer.Exit(1) from exc
        finally:
            stats.finish(coder)
    _report_errors(errors)
    for input_name, canonical in duplicates:
        err.print(f"[dim]copy of article {canonical}, not coded again:[/] {escape(input_name)}")
    skips.report()
    err.print(stats.summary(), highlight=False, soft_wrap=True)


@app.command()
def ingest(
    paths: list[str] = PathsArg,
    db: str = typer.Option(DEFAULT_DB, "--db", help=DB_HELP),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format"),
    all_modalities: bool = typer.Option(False, "--all-modalities"),
    fast: bool = FastOption,
    workers: int = WorkersOption,
) -> None:  # fmt: skip
    """Code pages into the database. Idempotent: a page already stored is skipped, so an
    interrupted run is resumed by running it again."""
    from sitreps.dialects import redact
    from sitreps.parallel import RunStats, WorkerCrash, ingest_documents

    store = open_db(db)  # before loading the coder: a wrong --db fails at once
    skips = _Skips()
    stats = RunStats()
    errors: list[DocumentError] = []

    def heard(result) -> None:
        _advance(handle)
        if result is not None and result.error is not None:
            errors.append(result.error)

    with (
        store,
        _coder(all_modalities, fast, workers) as coder,
        _progress("Ingesting") as handle,
    ):
        try:
            ingest_documents(_inputs(paths, input_format, skips), store, coder, stats, heard)
        except WorkerCrash as exc:
            stats.finish(coder)
            _report_crash(f"stopped, what was stored is kept: {exc}")
            err.print(stats.summary() + f" -> {redact(db)}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc
    _report_errors(errors)
    skips.report()
    err.print(stats.summary() + f" -> {redact(db)}", highlight=False, soft_wrap=True)


def open_db(db: str, *, must_exist: bool = False):
    """The store at `db` (a file or a postgresql:// URL), or a clear message and exit 1."""
    import sqlite3

    from sitreps.dialects import is_database_url, redact
    from sitreps.store import open_store

    if must_exist and not is_database_url(db) and not Path(db).exists():
        err.print(f"[red]no database at {escape(db)}[/]: run `sitreps ingest` first")
        raise typer.Exit(1)
    try:
        return open_store(db)
    except (sqlite3.DatabaseError, RuntimeError) as exc:
        err.print(f"[red]cannot open {escape(redact(db))}[/]: {escape(str(exc))}")
        raise typer.Exit(1) from None


@app.command()
def article(
    paths: list[str] = PathsArg,
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format"),
    fast: bool = FastOption,
) -> None:  # fmt: skip
    """Print the extracted articles as JSONL (for checking extraction).

    `duplicate_of` names the earlier article (in this run) that an article copies, exactly or
    nearly (syndicated wire stories), else null.
    """
    from sitreps.dedupe import DuplicateFinder
    from sitreps.extract import ExtractionError, extract_article
    from sitreps.time import resolve_article_date

    errors = []
    skips = _Skips()
    duplicates = DuplicateFinder()
    for raw in _inputs(paths, input_format, skips):
        if isinstance(raw, DocumentError):
            errors.append(raw)
            continue
        try:
            art = resolve_article_date(extract_article(raw, fast=fast))
        except ExtractionError as exc:
            errors.append(DocumentError(input=raw.input, stage="extract", error=str(exc)))
            continue
        record = art.model_dump(mode="json", exclude={"content_hash", "id"})
        record = {"id": art.id, **record, "duplicate_of": duplicates.add(art)}
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    _report_errors(errors)
    skips.report()


@app.command()
def schema() -> None:
    """Print the JSON Schema of the event record v1."""
    sys.stdout.write(json.dumps(event_json_schema(), indent=2) + "\n")


@eval_app.command("events")
def eval_events(
    gold: Path = typer.Argument(..., help="ACLED CSV or UCDP JSONL gold file."),
    limit: int = typer.Option(None, "--limit", help="Score the first N records."),
    errors: Path = typer.Option(None, "--errors", help="Write mismatches as JSONL here."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
) -> None:  # fmt: skip
    """Score event coding against gold records (see docs/evaluation.md)."""
    from sitreps.evaluate import format_scores, run_eval

    scores = run_eval(gold, limit=limit, errors_path=errors, progress=sys.stderr.isatty())
    if as_json:
        sys.stdout.write(json.dumps(scores) + "\n")
    else:
        sys.stdout.write(format_scores(scores) + "\n")


@eval_app.command("plover")
def eval_plover(
    gold: Path = typer.Argument(..., help="PLOVER-annotated sentences (zsp_PLV_train.tsv)."),
    limit: int = typer.Option(None, "--limit", help="Score the first N sentences."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
) -> None:  # fmt: skip
    """Event-detection precision and recall on PLOVER-annotated news sentences."""
    from sitreps.evaluate.plover import format_plover_scores, run_plover_eval

    scores = run_plover_eval(gold, limit=limit)
    sys.stdout.write((json.dumps(scores) if as_json else format_plover_scores(scores)) + "\n")


@eval_app.command("geo")
def eval_geo(
    gold: Path = typer.Argument(..., help="Toponym corpus, event_location_dev or UCDP JSONL."),
    limit: int = typer.Option(None, "--limit", help="Score the first N records."),
    split: str = typer.Option("all", "--split", help="all, tune or holdout (1 in 5 by id)."),
    errors: Path = typer.Option(None, "--errors", help="Write mismatches as JSONL here."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
) -> None:  # fmt: skip
    """Score the geo stage: toponyms (EUPEG metric), event places, UCDP (see docs/geo.md)."""
    from sitreps.evaluate.geo import GeoGoldError, format_geo_scores, run_geo_eval

    try:
        scores = run_geo_eval(gold, limit=limit, split=split, errors_path=errors)
    except GeoGoldError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from exc
    sys.stdout.write((json.dumps(scores) if as_json else format_geo_scores(scores)) + "\n")


@eval_app.command("linking")
def eval_linking(
    labels: Path = typer.Argument(None, help="Labelled pairs CSV. Default: eval/linking/guardian_pairs.csv."),
    db: Path = typer.Option(None, "--db", help="Score this database instead of running the pipeline."),
    relink: bool = typer.Option(False, "--relink", help="Link the stored events again with the current linker (no re-coding)."),
    inputs: list[Path] = typer.Option(None, "--input", help="Documents to run (repeatable). Default: the shared corpus, examples/, the shared seeds."),
    workers: int = typer.Option(1, "--workers", "-w", min=1),
    errors: Path = typer.Option(None, "--errors", help="Write the wrongly linked pairs as JSONL here."),
    split: str = typer.Option(None, "--errors-split", help="Only write errors of this split (tune or heldout)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
) -> None:  # fmt: skip
    """Pairwise precision and recall of incident linking on labelled event pairs (see docs/incidents.md)."""
    from sitreps.evaluate import linking

    try:
        scores = linking.run_linking_eval(labels, db=db, relink=relink, inputs=inputs or None,
                                          workers=workers)  # fmt: skip
    except (linking.LinkingLabelsError, FileNotFoundError) as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from exc
    if errors is not None:
        linking.write_errors(scores, errors, split)
    if as_json:
        sys.stdout.write(json.dumps({k: v for k, v in scores.items() if k != "errors"}) + "\n")
    else:
        sys.stdout.write(linking.format_linking_scores(scores) + "\n")


@eval_app.command("extract")
def eval_extract(
    fast: bool = typer.Option(False, "--fast", help="Score the resiliparse extractor."),
    mode: ExtractMode = typer.Option(ExtractMode.html, "--mode", help="html: pages as HTML; scraped: the text cleaner on the pages flattened to full-page text."),
    data: Path = typer.Option(None, "--data", help="Default: ../shared/eval/extract."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object."),
) -> None:  # fmt: skip
    """Score article extraction on the article-extraction benchmark (see docs/ingest.md)."""
    from sitreps.evaluate.extract import format_extract_scores, run_extract_eval

    try:
        result = run_extract_eval(data, fast=fast, mode=mode.value)
    except FileNotFoundError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        sys.stdout.write(format_extract_scores(result) + "\n")


@gazetteer_app.command("build")
def gazetteer_build(
    output: Path = typer.Option(None, "--output", "-o", help="Default: the installed location."),
) -> None:
    """Build the gazetteer index from the installed GeoNames-derived packages."""
    from sitreps.geo import build_gazetteer, default_gazetteer_path

    target = output or default_gazetteer_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    stats = build_gazetteer(target)
    err.print(f"gazetteer built in {time.perf_counter() - started:.1f}s -> {target}")
    err.print(json.dumps(stats), highlight=False)


# ---------------------------------------------------------------------------------------------
# output


CSV_COLUMNS = [
    "id", "event_type", "sub_event_type", "date", "date_precision", "actor1", "actor1_country",
    "actor2", "actor2_country", "location", "geonameid", "country", "admin1", "lat", "lon",
    "geo_precision", "fatalities", "attribution", "contested", "modality", "confidence",
    "plover", "cameo", "article_id", "article_url", "incident_id", "evidence",
]  # fmt: skip


def flat_row(event: Event) -> dict:
    a1, a2, loc = event.actor1, event.actor2, event.location
    return {
        "id": event.id, "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "date": event.date, "date_precision": event.date_precision,
        "actor1": a1.name if a1 else None, "actor1_country": a1.country if a1 else None,
        "actor2": a2.name if a2 else None, "actor2_country": a2.country if a2 else None,
        "location": loc.name if loc else None, "geonameid": loc.geonameid if loc else None,
        "country": loc.country if loc else None, "admin1": loc.admin1 if loc else None,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "geo_precision": loc.precision if loc else None, "fatalities": event.fatalities,
        "attribution": event.attribution, "contested": event.contested,
        "modality": event.modality.value, "confidence": event.confidence,
        "plover": event.plover, "cameo": event.cameo, "article_id": event.article.id,
        "article_url": event.article.url, "incident_id": event.incident_id,
        "evidence": " | ".join(e.text for e in event.evidence),
    }  # fmt: skip


def write_events(events: Iterable[Event], fmt: OutputFormat, out=None) -> int:
    out = out or sys.stdout
    count = 0
    if fmt == OutputFormat.jsonl:
        for event in events:
            out.write(event.model_dump_json() + "\n")
            out.flush()
            count += 1
        return count
    if fmt == OutputFormat.csv:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for event in events:
            writer.writerow(flat_row(event))
            count += 1
        return count
    rows = list(events)
    _print_table(rows, out)
    return len(rows)


def date_cell(date: str | None, precision: str | None) -> str:
    """A table cell for a date: the day, or the window's first day and its precision."""
    return f"{date or '?'}" + ("" if precision in (None, "day") else f" ({precision})")


def place_cell(location) -> str:
    if location is None:
        return "—"
    return f"{location.name}, {location.country or '?'} ({location.precision})"


def _print_table(events: list[Event], out) -> None:
    table = Table(show_lines=False, title=f"{len(events)} events", title_justify="left")
    for column in ("date", "type", "actor1", "actor2", "location", "deaths", "source", "conf"):
        table.add_column(column, overflow="fold")
    for e in events:
        date, place = date_cell(e.date, e.date_precision), place_cell(e.location)
        source = e.attribution or ""
        if e.contested:
            source = (source + " [contested]").strip()
        cells = (
            date, e.sub_event_type, _actor(e.actor1), _actor(e.actor2), place,
            "" if e.fatalities is None else str(e.fatalities), source, f"{e.confidence:.2f}",
        )  # fmt: skip
        # Cells hold text from untrusted pages: never let it be read as console markup.
        table.add_row(*(Text(cell) for cell in cells))
    console = Console(
        file=out if out is not sys.stdout else None, width=160 if not _tty(out) else None
    )
    console.print(table)


def _actor(actor) -> str:
    return actor.name if actor else "—"


def _tty(out) -> bool:
    return isinstance(out, io.TextIOBase) and out.isatty() if hasattr(out, "isatty") else False


def _register_query_commands() -> None:
    from sitreps import cli_batch, cli_query

    cli_query.register(app)
    cli_batch.register(app)  # batch, load: Ray is imported only when `batch` runs
    from sitreps import cli_serve

    cli_serve.register(app)  # serve: FastAPI and uvicorn are imported only when it runs


_register_query_commands()


def main() -> None:  # pragma: no cover
    app()
