"""Bulk lead imports: accepted at once, processed in the background in batches.

A request is stored as it came (one staged row per lead) and cut into batches. Workers
claim batches — PostgreSQL ``FOR UPDATE SKIP LOCKED``, SQLite one conditional UPDATE —
under a lease that expires if the worker dies. A batch is checked in Python outside any
write transaction (phone parsing is the cost), then written in ONE transaction: its
leads, its row errors, the import's counters, the batch marked done and its staged rows
dropped commit together. A worker killed half-way leaves nothing behind, and the batch is
claimed again when its lease runs out: no row is lost or imported twice.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import uuid as uuid_module
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.contacts.service import find_or_create_contacts
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.leads.bulk import LeadRow, insert_leads
from leadline.core.leads.fields import NewLead, check_lead, load_context
from leadline.db.engine import Database
from leadline.db.models import BulkImport, BulkImportBatch, BulkImportError, BulkImportRow
from leadline.logging import get_logger

log = get_logger("leadline.imports")

#: The most leads one API request may carry.
MAX_BULK_ROWS = 50_000
#: Rows per batch: one transaction each.
BATCH_SIZE = 2000
#: How long a claimed batch stays with its worker before another may take it.
LEASE = timedelta(seconds=120)
#: Staged rows written per statement.
_STAGE_CHUNK = 5000
SOURCES = ("api", "csv")
CONTACT_SOURCE = "bulk import"


@dataclass(frozen=True)
class ImportStatus:
    uuid: str
    status: str
    total: int
    processed: int
    created: int
    failed: int
    error: str | None
    source: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def has_errors(self) -> bool:
        return self.failed > 0


@dataclass(frozen=True)
class ErrorPage:
    page_no: int
    limit: int
    errors: dict[str, dict[str, str]]
    total_pages: int
    next_page_no: int | None


@dataclass(frozen=True)
class ClaimedBatch:
    import_id: int
    seq: int
    first_row: int
    last_row: int
    holder: str


# -- Accepting a request ------------------------------------------------------------------


async def create_import(
    session: AsyncSession,
    account_id: int,
    rows: object,
    *,
    credential_id: int | None = None,
    source: str = "api",
    max_rows: int | None = MAX_BULK_ROWS,
    batch_size: int = BATCH_SIZE,
) -> BulkImport:
    """Store a bulk request and answer at once (status ``pending``).

    Only the envelope is checked here (a list of 1…``max_rows`` objects); each row is
    checked by the worker and a bad one becomes a row error, never a refused request.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown import source {source!r}")
    if not isinstance(rows, list):
        raise ValidationFailed.single("leads", "must be a list of leads")
    if not rows:
        raise ValidationFailed.single("leads", "at least one lead is required")
    if max_rows is not None and len(rows) > max_rows:
        raise ValidationFailed.single("leads", f"at most {max_rows} leads per request")
    not_objects = [index for index, row in enumerate(rows) if not isinstance(row, dict)]
    if not_objects:
        raise ValidationFailed.single("leads", f"row {not_objects[0]} is not an object")
    header = BulkImport(
        uuid=str(uuid_module.uuid4()),
        account_id=account_id,
        credential_id=credential_id,
        source=source,
        status="pending",
        total=len(rows),
        processed=0,
        created=0,
        failed=0,
        created_at=clock.now(),
    )
    session.add(header)
    await session.flush()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    staged = ((header.id, index, dumps(row)) for index, row in enumerate(rows))
    await _stage(session, staged)
    await session.execute(
        insert(BulkImportBatch),
        [
            {
                "import_id": header.id,
                "seq": seq,
                "first_row": first,
                "last_row": min(first + batch_size, len(rows)) - 1,
                "state": "pending",
            }
            for seq, first in enumerate(range(0, len(rows), batch_size))
        ],
    )
    return header


async def _stage(session: AsyncSession, staged: Iterable[tuple[int, int, str]]) -> None:
    """Write the staged rows: PostgreSQL COPY (in the session's transaction), elsewhere
    executemany in chunks."""
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            BulkImportRow.__tablename__,
            records=list(staged),
            columns=["import_id", "row_index", "payload"],
        )
        return
    chunk: list[dict[str, object]] = []
    for import_id, index, payload in staged:
        chunk.append({"import_id": import_id, "row_index": index, "payload": payload})
        if len(chunk) == _STAGE_CHUNK:
            await session.execute(insert(BulkImportRow), chunk)
            chunk = []
    if chunk:
        await session.execute(insert(BulkImportRow), chunk)


# -- Reading its progress -----------------------------------------------------------------


async def _header(session: AsyncSession, account_id: int, import_uuid: str) -> BulkImport:
    header = await session.scalar(select(BulkImport).where(BulkImport.uuid == str(import_uuid)))
    if header is None or header.account_id != account_id:
        raise NotFound("bulk import", import_uuid)
    return header


async def import_status(session: AsyncSession, account_id: int, import_uuid: str) -> ImportStatus:
    return _status_of(await _header(session, account_id, import_uuid))


async def recent_imports(
    session: AsyncSession, account_id: int, *, limit: int = 50
) -> list[ImportStatus]:
    """The account's newest imports first."""
    headers = await session.scalars(
        select(BulkImport)
        .where(BulkImport.account_id == account_id)
        .order_by(BulkImport.created_at.desc(), BulkImport.id.desc())
        .limit(limit)
    )
    return [_status_of(header) for header in headers]


def _status_of(header: BulkImport) -> ImportStatus:
    return ImportStatus(
        uuid=header.uuid,
        status=header.status,
        total=header.total,
        processed=header.processed,
        created=header.created,
        failed=header.failed,
        error=header.error,
        source=header.source,
        created_at=header.created_at,
        started_at=header.started_at,
        finished_at=header.finished_at,
    )


async def error_page(
    session: AsyncSession, account_id: int, import_uuid: str, page_no: int = 1, limit: int = 100
) -> ErrorPage:
    """One page of row errors, by row index (0 = the request's first lead)."""
    problems: dict[str, list[str]] = {}
    if page_no < 1:
        problems["pageNo"] = ["must be at least 1"]
    if not 1 <= limit <= 1000:
        problems["limit"] = ["must be between 1 and 1000"]
    if problems:
        raise ValidationFailed(problems)
    header = await _header(session, account_id, import_uuid)
    count = await session.scalar(
        select(func.count())
        .select_from(BulkImportError)
        .where(BulkImportError.import_id == header.id)
    )
    total_pages = math.ceil((count or 0) / limit)
    rows = await session.execute(
        select(BulkImportError.row_index, BulkImportError.errors)
        .where(BulkImportError.import_id == header.id)
        .order_by(BulkImportError.row_index)
        .offset((page_no - 1) * limit)
        .limit(limit)
    )
    return ErrorPage(
        page_no=page_no,
        limit=limit,
        errors={str(index): dict(errors) for index, errors in rows.all()},
        total_pages=total_pages,
        next_page_no=page_no + 1 if page_no < total_pages else None,
    )


async def all_errors(
    session: AsyncSession, account_id: int, import_uuid: str
) -> list[tuple[int, dict[str, str]]]:
    """Every row error, by row index (for an error file)."""
    header = await _header(session, account_id, import_uuid)
    rows = await session.execute(
        select(BulkImportError.row_index, BulkImportError.errors)
        .where(BulkImportError.import_id == header.id)
        .order_by(BulkImportError.row_index)
    )
    return [(index, dict(errors)) for index, errors in rows.all()]


# -- Processing: claim, check, write ------------------------------------------------------


async def claim_batch(
    session: AsyncSession, holder: str, *, lease: timedelta = LEASE
) -> ClaimedBatch | None:
    """Take the next pending batch (never one a live worker holds) until the lease ends,
    and mark its import as processing. The caller commits at once."""
    now = clock.now()
    expired = or_(BulkImportBatch.lease_until.is_(None), BulkImportBatch.lease_until < now)
    candidate = (
        select(BulkImportBatch.import_id, BulkImportBatch.seq)
        .join(BulkImport, BulkImport.id == BulkImportBatch.import_id)
        .where(
            BulkImportBatch.state == "pending",
            expired,
            BulkImport.status.in_(("pending", "processing")),
        )
        .order_by(BulkImportBatch.import_id, BulkImportBatch.seq)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        # The row lock keeps every concurrent claimer off this batch until we commit.
        candidate = candidate.with_for_update(skip_locked=True, of=BulkImportBatch)
    chosen = (await session.execute(candidate)).first()
    if chosen is None:
        return None
    # Conditional, so the claim holds even where the SELECT took no lock (SQLite, whose
    # write transaction is the database's single writer anyway).
    result = await session.execute(
        update(BulkImportBatch)
        .where(
            BulkImportBatch.import_id == chosen.import_id,
            BulkImportBatch.seq == chosen.seq,
            BulkImportBatch.state == "pending",
            expired,
        )
        .values(holder=holder, lease_until=now + lease)
        .returning(
            BulkImportBatch.import_id,
            BulkImportBatch.seq,
            BulkImportBatch.first_row,
            BulkImportBatch.last_row,
        )
        .execution_options(synchronize_session=False)
    )
    row = result.first()
    if row is None:
        return None
    await session.execute(
        update(BulkImport)
        .where(BulkImport.id == row.import_id, BulkImport.status == "pending")
        .values(status="processing", started_at=now)
        .execution_options(synchronize_session=False)
    )
    return ClaimedBatch(row.import_id, row.seq, row.first_row, row.last_row, holder)


@dataclass
class CheckedBatch:
    """A claimed batch after the Python checks: good rows and row errors."""

    batch: ClaimedBatch
    account_id: int
    source: str
    good: list[tuple[int, NewLead, datetime, datetime | None]]
    errors: dict[int, dict[str, str]]
    row_count: int
    now: datetime


async def check_batch(session: AsyncSession, batch: ClaimedBatch) -> CheckedBatch:
    """Read the batch's staged rows and check each (no write lock held: run it in a read
    session, so many workers parse phones in parallel)."""
    header = await session.get(BulkImport, batch.import_id)
    assert header is not None
    context = await load_context(session, header.account_id)
    staged = await session.execute(
        select(BulkImportRow.row_index, BulkImportRow.payload)
        .where(
            BulkImportRow.import_id == batch.import_id,
            BulkImportRow.row_index.between(batch.first_row, batch.last_row),
        )
        .order_by(BulkImportRow.row_index)
    )
    now = clock.now()
    good: list[tuple[int, NewLead, datetime, datetime | None]] = []
    errors: dict[int, dict[str, str]] = {}
    count = 0
    for index, payload in staged.all():
        count += 1
        raw = json.loads(payload)
        checked = check_lead(raw, context) if isinstance(raw, dict) else {"lead": "not an object"}
        if isinstance(checked, dict):
            errors[index] = checked
        else:
            due = checked.next_attempt_at or now
            good.append((index, checked, due, context.dialable_at(checked, due)))
    return CheckedBatch(batch, header.account_id, header.source, good, errors, count, now)


async def _still_held(session: AsyncSession, batch: ClaimedBatch) -> bool:
    query = select(BulkImportBatch.holder, BulkImportBatch.state).where(
        BulkImportBatch.import_id == batch.import_id, BulkImportBatch.seq == batch.seq
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return row is not None and row.holder == batch.holder and row.state == "pending"


async def write_batch(session: AsyncSession, checked: CheckedBatch) -> bool:
    """Write a checked batch in the caller's transaction: contacts, leads, phones, row
    errors, counters, the batch done. False (and nothing written) when the batch is no
    longer this worker's (its lease ran out and another worker took it)."""
    batch = checked.batch
    if not await _still_held(session, batch):
        return False
    now = checked.now
    errors = dict(checked.errors)
    created = 0
    if checked.good:
        contacts = await find_or_create_contacts(
            session,
            account_id=checked.account_id,
            numbers=[lead.phones[0] for _, lead, _, _ in checked.good],
            source=CONTACT_SOURCE,
        )
        rows = [
            LeadRow(lead, contacts[lead.phones[0]], due, dialable)
            for _, lead, due, dialable in checked.good
        ]
        outcome = await insert_leads(
            session, checked.account_id, rows, source=CONTACT_SOURCE, now=now
        )
        for (index, *_), result in zip(checked.good, outcome, strict=True):
            if isinstance(result, int):
                created += 1
            else:
                errors[index] = result
    if errors:
        await session.execute(
            insert(BulkImportError),
            [
                {"import_id": batch.import_id, "row_index": index, "errors": problems}
                for index, problems in sorted(errors.items())
            ],
        )
    await session.execute(
        update(BulkImportBatch)
        .where(BulkImportBatch.import_id == batch.import_id, BulkImportBatch.seq == batch.seq)
        .values(state="done", holder=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(BulkImportRow).where(
            BulkImportRow.import_id == batch.import_id,
            BulkImportRow.row_index.between(batch.first_row, batch.last_row),
        )
    )
    # Last, so the import's row lock is held only for the end of the transaction.
    counters = await session.execute(
        update(BulkImport)
        .where(BulkImport.id == batch.import_id)
        .values(
            processed=BulkImport.processed + checked.row_count,
            created=BulkImport.created + created,
            failed=BulkImport.failed + len(errors),
        )
        .returning(BulkImport.processed, BulkImport.total)
        .execution_options(synchronize_session=False)
    )
    processed, total = counters.one()
    if processed >= total:
        await session.execute(
            update(BulkImport)
            .where(BulkImport.id == batch.import_id, BulkImport.status == "processing")
            .values(status="completed", finished_at=now)
            .execution_options(synchronize_session=False)
        )
    return True


async def release_batch(session: AsyncSession, batch: ClaimedBatch) -> None:
    """Give a claimed batch back at once (after a failed attempt, so another try need not
    wait for the lease)."""
    await session.execute(
        update(BulkImportBatch)
        .where(
            BulkImportBatch.import_id == batch.import_id,
            BulkImportBatch.seq == batch.seq,
            BulkImportBatch.holder == batch.holder,
            BulkImportBatch.state == "pending",
        )
        .values(holder=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


async def fail_import(session: AsyncSession, import_id: int, reason: str) -> None:
    """Stop an import: no more of its batches are claimed."""
    await session.execute(
        update(BulkImport)
        .where(BulkImport.id == import_id, BulkImport.status.in_(("pending", "processing")))
        .values(status="failed", error=reason[:2000], finished_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def error_rows(errors: Sequence[tuple[int, Mapping[str, str]]]) -> list[tuple[int, str, str]]:
    """Row errors flattened for a file: (row number counted from 1, field, problem)."""
    return [
        (index + 1, field, problem)
        for index, problems in errors
        for field, problem in sorted(problems.items())
    ]


def error_file(errors: Sequence[tuple[int, Mapping[str, str]]]) -> str:
    """Row errors as the text of a CSV file: row, field, problem."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "field", "problem"])
    writer.writerows(error_rows(errors))
    return out.getvalue()


# -- The loop a worker runs ---------------------------------------------------------------

#: PostgreSQL's "deadlock detected" and "could not serialize", and "out of shared memory"
#: (53200): the lock table is full. A batch's write holds an advisory lock per new
#: number (BATCH_SIZE of them), so many workers at once can fill PostgreSQL's lock table
#: (``max_locks_per_transaction`` × ``max_connections``, 6,400 by default): the batch
#: waits and is retried when others have committed, and the import goes on.
_RETRY_SQLSTATES = {"40P01", "40001", "53200"}
#: How long a worker waits after giving a batch back, so a full lock table can drain.
RETRY_PAUSE_SECONDS = 1.0


def _sqlstate(exc: BaseException) -> str | None:
    if not isinstance(exc, DBAPIError):
        return None
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError):
        return True
    return _sqlstate(exc) in _RETRY_SQLSTATES


async def process_next_batch(db: Database, holder: str, *, lease: timedelta = LEASE) -> bool:
    """Claim, check and write one batch. False when no batch is waiting.

    A transient store error gives the batch back for another try (after a short pause);
    any other error fails its import with the reason (the rows of the batch are then not
    half-written: the write transaction rolled back).
    """
    async with db.transaction() as session:
        batch = await claim_batch(session, holder, lease=lease)
    if batch is None:
        return False
    try:
        async with db.read_session() as session:
            checked = await check_batch(session, batch)
        async with db.transaction() as session:
            await write_batch(session, checked)
    except Exception as exc:
        transient = _is_transient(exc)
        async with db.transaction() as session:
            if transient:
                await release_batch(session, batch)
            else:
                await fail_import(session, batch.import_id, f"{type(exc).__name__}: {exc}")
        if not transient:
            raise
        sqlstate = _sqlstate(exc)
        log.warning(
            "bulk batch given back, to be retried",
            import_id=batch.import_id,
            batch=batch.seq,
            sqlstate=sqlstate,
            reason=str(exc).splitlines()[0][:200],
            hint=(
                "PostgreSQL's lock table is full: raise max_locks_per_transaction "
                "(docs/operations.md)"
                if sqlstate == "53200"
                else None
            ),
        )
        await asyncio.sleep(RETRY_PAUSE_SECONDS)
    return True


async def process_pending(db: Database, holder: str, *, max_batches: int | None = None) -> int:
    """Process batches until none is waiting (or ``max_batches``); how many were done."""
    done = 0
    while max_batches is None or done < max_batches:
        if not await process_next_batch(db, holder):
            break
        done += 1
        await asyncio.sleep(0)  # let the process's other work run between batches
    return done
