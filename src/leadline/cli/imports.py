"""``leadline import``: a CSV file of leads, through the same bulk import as the API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from leadline.cli.common import console, run, settings
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import NotFound
from leadline.core.imports import csv_rows
from leadline.core.imports import service as imports
from leadline.db.engine import Database
from leadline.db.models import LeadList
from leadline.runtime import tune_gc


def read_leads(path: Path, list_id: int, maps: list[str]) -> list[dict[str, object]]:
    overrides = csv_rows.parse_overrides(maps)
    table = csv_rows.read_table(path.read_text(encoding="utf-8-sig"))
    mapping = csv_rows.column_mapping(table.header, overrides)
    return [csv_rows.row_to_lead(row, mapping, list_id) for row in table.rows]


def write_error_file(path: Path, errors: list[tuple[int, dict[str, str]]]) -> None:
    path.write_text(imports.error_file(errors), encoding="utf-8")


def import_leads(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header.")],
    list_id: Annotated[int, typer.Option("--list", help="The list the leads go into.")],
    account: Annotated[
        int | None, typer.Option("--account", "-a", help="Account id (default: the list's).")
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="column=field (a Create-lead field, leadData.<name>, or - to skip); repeatable.",
        ),
    ] = None,
    errors_path: Annotated[
        Path | None, typer.Option("--errors", help="Write the rows that failed here (CSV).")
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="Stay until it is done, processing batches here too (works with no worker).",
        ),
    ] = False,
) -> None:
    """Import leads from a CSV file: one row per lead, columns named as the API's fields
    (phone/mobile → phone1, key → customerKey, …); other columns go into leadData."""
    config = settings()
    if wait:  # this process checks and writes batches too
        tune_gc(config.gc_threshold)
    leads = read_leads(path, list_id, maps or [])
    if not leads:
        console.print("no rows to import")
        return

    async def work() -> None:
        db = Database(config.async_database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)
        try:
            async with db.transaction() as session:
                if account is None:
                    found = await session.get(LeadList, list_id)
                    if found is None:
                        raise NotFound("list", list_id)
                    account_id = found.account_id
                else:
                    account_id = (await campaigns.get_list(session, account, list_id)).account_id
                header = await imports.create_import(
                    session, account_id, leads, source="csv", max_rows=None
                )
            console.print(f"import {header.uuid}: {header.total} rows accepted")
            if not wait:
                console.print("the background worker processes it (leadline worker)")
                return
            await _follow(db, account_id, header.uuid, header.total)
            async with db.read_session() as session:
                status = await imports.import_status(session, account_id, header.uuid)
                errors = await imports.all_errors(session, account_id, header.uuid)
            console.print(
                f"{status.status}: {status.created} created, {status.failed} failed"
                + (f" ({status.error})" if status.error else "")
            )
            if errors_path is not None:
                write_error_file(errors_path, errors)
                console.print(f"{len(errors)} failed rows written to {errors_path}")
            if status.status == "failed":
                raise typer.Exit(1)
        finally:
            await db.dispose()

    run(work)


async def _follow(db: Database, account_id: int, uuid: str, total: int) -> None:
    """Process batches here while showing progress, until the import is finished."""
    holder = f"cli:{uuid[:8]}"
    columns = (
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("import", total=total)
        while True:
            try:
                worked = await imports.process_next_batch(db, holder)
            except Exception:  # the import is marked failed with the reason; report it
                worked = False
            async with db.read_session() as session:
                status = await imports.import_status(session, account_id, uuid)
            progress.update(task, completed=status.processed)
            if status.status in ("completed", "failed"):
                return
            if not worked:
                # Batches held by running workers: wait for them (or their leases).
                await asyncio.sleep(0.5)
