"""``leadline import``: a CSV file end to end, through a real process and store."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from leadline.config import Settings
from leadline.db.engine import Database
from leadline.db.models import Lead, LeadPhone
from tests.cli.test_cli import _leadline
from tests.factories import make_world

CSV = """Mobile,Key,Phone 2,Status,City,Ignored
07911 123401,A-1,,2,Leeds,x
07911 123402,A-2,+447911123412,,York,x
07700 900003,A-3,,,Hull,x
07911 123404,A-1,,,Bath,x
07911 123405,A-5,,77,Ely,x
"""


async def test_a_csv_file_is_imported_with_an_error_file(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    world = await make_world(db)
    source = tmp_path / "leads.csv"
    source.write_text(CSV)
    errors = tmp_path / "errors.csv"

    done = _leadline(
        settings,
        "import",
        str(source),
        "--list",
        str(world.lead_list.id),
        "--map",
        "Ignored=-",
        "--errors",
        str(errors),
        "--wait",
    )

    assert done.returncode == 0, done.stderr
    assert "completed: 2 created, 3 failed" in done.stdout
    with errors.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["row", "field", "problem"]
    assert rows[1] == ["3", "phone1", "not a valid phone number"]
    assert rows[2] == ["4", "customerKey", "customer key 'A-1' already exists in this list"]
    assert rows[3] == ["5", "statusCode", "unknown status code 77"]
    async with db.read_session() as session:
        leads = list(await session.scalars(select(Lead).order_by(Lead.id)))
        second_phones = list(
            await session.scalars(
                select(LeadPhone.number)
                .where(LeadPhone.lead_id == leads[1].id)
                .order_by(LeadPhone.phone_index)
            )
        )
    assert [(lead.customer_key, lead.status_code) for lead in leads] == [("A-1", 2), ("A-2", 1)]
    assert leads[0].data == {"City": "Leeds"}
    assert second_phones == ["+447911123402", "+447911123412"]


async def test_without_wait_the_import_waits_for_a_worker(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    world = await make_world(db)
    source = tmp_path / "leads.csv"
    source.write_text(CSV)

    done = _leadline(settings, "import", str(source), "--list", str(world.lead_list.id))

    assert done.returncode == 0, done.stderr
    assert "5 rows accepted" in done.stdout
    async with db.read_session() as session:
        assert list(await session.scalars(select(Lead))) == []


async def test_a_list_of_another_account_is_refused(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    world = await make_world(db)
    other = await make_world(db, name="Other")
    source = tmp_path / "leads.csv"
    source.write_text(CSV)

    done = _leadline(
        settings,
        "import",
        str(source),
        "--list",
        str(other.lead_list.id),
        "--account",
        str(world.account.id),
    )

    assert done.returncode == 1
    assert "not found" in done.stderr
