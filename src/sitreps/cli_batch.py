"""`sitreps batch` (code a folder of shards on Ray, into Parquet) and `sitreps load` (the
Parquet into the store). See docs/scale.md."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from sitreps.cli import DEFAULT_DB, FastOption, _advance, _progress, err


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("load")(load)


def batch(
    input_dir: Path = typer.Argument(..., help="Folder of shards: WARC, JSONL, CSV, HTML or text files (a single file works too)."),
    output_dir: Path = typer.Argument(..., help="Output folder (Parquet); run again with the same one to resume."),
    ray_address: str = typer.Option(None, "--ray-address", help="A Ray cluster to run on (e.g. 'auto' on a cluster node, or ray://HOST:10001). Default: a local Ray on this machine."),
    num_cpus: int = typer.Option(None, "--num-cpus", min=1, help="CPUs of the local Ray (default: all cores)."),
    actors: int = typer.Option(None, "--actors", min=1, help="Coding actors, one loaded pipeline each (default: the cluster's CPUs)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Documents an actor codes and writes at a time."),
    all_modalities: bool = typer.Option(False, "--all-modalities", help="Also keep denied, hypothetical and planned events."),
    fast: bool = FastOption,
) -> None:  # fmt: skip
    """Code every document of INPUT_DIR on Ray into OUTPUT_DIR: v1 events as Parquet
    partitioned by month and country, one row per document (for `sitreps load`), and the
    documents that failed, with the reason. Resumable: run it again after an interruption."""
    from sitreps.batch import BatchError, run_batch

    try:
        stats = run_batch(
            input_dir, output_dir, address=ray_address, num_cpus=num_cpus, actors=actors,
            fast=fast, include_unreal=all_modalities, batch_size=batch_size,
        )  # fmt: skip
    except BatchError as exc:
        err.print(f"[red]{escape(str(exc))}[/]", highlight=False)
        raise typer.Exit(2) from exc
    err.print(stats.summary() + f" -> {output_dir}", highlight=False, soft_wrap=True)


def load(
    output_dir: Path = typer.Argument(..., help="The output folder of `sitreps batch`."),
    db: str = typer.Option(DEFAULT_DB, "--db", help="The database to load into."),
    no_dedupe: bool = typer.Option(False, "--no-dedupe", help="Do not look for syndicated copies (saves memory on very large loads)."),
) -> None:  # fmt: skip
    """Bring a batch output into the database, in the order `ingest` reads the input folder:
    articles, events linked into incidents, copies, errors. Idempotent: run it again and
    nothing is stored twice."""
    from sitreps.batch import BatchError, load_output, unfinished_shards
    from sitreps.store import open_store

    try:
        unfinished = unfinished_shards(output_dir)
        with open_store(db) as store, _progress("Loading") as handle:
            stats = load_output(output_dir, store, dedupe=not no_dedupe,
                                on_document=lambda: _advance(handle))  # fmt: skip
    except BatchError as exc:
        err.print(f"[red]{escape(str(exc))}[/]", highlight=False)
        raise typer.Exit(2) from exc
    if unfinished:
        err.print(
            f"[yellow]{len(unfinished)} shard(s) are not finished (an interrupted batch): run "
            "`sitreps batch` again, then load again[/]", highlight=False,
        )  # fmt: skip
    err.print(stats.summary() + f" -> {db}", highlight=False, soft_wrap=True)
