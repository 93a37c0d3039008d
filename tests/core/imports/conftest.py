"""Helpers for bulk-import tests: a request accepted, then processed by a worker loop."""

from __future__ import annotations

from leadline.core.imports import service as imports
from leadline.db.engine import Database


async def accept(db: Database, account_id: int, rows: list[dict[str, object]], **options: object):  # type: ignore[no-untyped-def]
    async with db.transaction() as session:
        header = await imports.create_import(session, account_id, rows, **options)  # type: ignore[arg-type]
    return header.uuid


async def status(db: Database, account_id: int, uuid: str) -> imports.ImportStatus:
    async with db.read_session() as session:
        return await imports.import_status(session, account_id, uuid)
