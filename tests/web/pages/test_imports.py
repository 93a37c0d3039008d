"""``/imports``: a CSV upload previewed, mapped and imported by the worker's job, its
progress fragment, its row errors as CSV, and the upload's refusals next to the field."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from leadline.core.imports import service as imports
from leadline.db.engine import Database
from leadline.db.models import BulkImport, Lead
from leadline.web.pages.imports import MAX_CSV_BYTES
from tests.factories import World
from tests.web.conftest import csrf_of, sign_in

GOOD_CSV = (
    "Phone,First name,Budget\n+447911123456,Ann,100\n+447911123457,Bob,200\nnot a phone,Cy,300\n"
)


async def _upload(
    client: httpx.AsyncClient, world: World, content: bytes, name: str = "leads.csv"
) -> httpx.Response:
    form = await client.get("/imports")
    return await client.post(
        "/imports",
        data={"csrf_token": csrf_of(form.text), "list_id": str(world.lead_list.id)},
        files={"file": (name, content, "text/csv")},
    )


async def _start(
    client: httpx.AsyncClient, world: World, text: str, mapping: dict[int, str]
) -> httpx.Response:
    form = await client.get("/imports")
    data = {"csrf_token": csrf_of(form.text), "list_id": str(world.lead_list.id), "csv_text": text}
    data.update({f"map-{index}": field for index, field in mapping.items()})
    # Multipart, as the page's form sends it.
    return await client.post("/imports/start", data=data, files={"_": ("", b"")})


async def test_upload_previews_columns_and_first_rows_storing_nothing(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    preview = await _upload(client, world, GOOD_CSV.encode())
    assert preview.status_code == 200
    html = preview.text
    assert "<td>Ann</td>" in html and "<td>not a phone</td>" in html
    assert re.search(
        r'<select id="map-0" name="map-0">.*?<option value="phone1" selected>', html, re.S
    )
    assert re.search(r'name="map-1">.*?<option value="leadData.First name" selected>', html, re.S)
    assert re.search(r'name="map-2">.*?<option value="leadData.Budget" selected>', html, re.S)
    assert "Start import of 3 rows" in html
    assert 'name="csrf_token" value=""' not in html
    async with db.read_session() as session:
        assert list(await session.scalars(select(BulkImport.id))) == []


async def test_import_runs_in_the_worker_job_and_reports_progress(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    started = await _start(
        client, world, GOOD_CSV, {0: "phone1", 1: "leadData.First name", 2: "leadData.Budget"}
    )
    assert started.status_code == 303
    url = started.headers["location"]
    uuid = url.rsplit("/", 1)[1]
    waiting = await client.get(f"{url}/progress")
    assert 'hx-trigger="every 1s"' in waiting.text and "pending" in waiting.text
    assert 'aria-valuenow="0"' in waiting.text

    assert await imports.process_pending(db, "test-worker") == 1

    done = await client.get(f"{url}/progress")
    assert "hx-trigger" not in done.text  # polling stops once finished
    assert "completed" in done.text and "100%" in done.text
    assert '<dd class="created">2</dd>' in done.text and '<dd class="failed">1</dd>' in done.text
    assert '<progress id="import-bar" max="3" value="3"' in done.text
    async with db.read_session() as session:
        made = list(await session.scalars(select(Lead).where(Lead.list_id == world.lead_list.id)))
    assert sorted(str(lead.data.get("Budget")) for lead in made) == ["100", "200"]
    errors = await client.get(f"/imports/{uuid}/errors.csv")
    assert errors.status_code == 200 and errors.headers["content-type"].startswith("text/csv")
    lines = errors.text.splitlines()
    assert lines[0] == "row,field,problem" and lines[1].startswith("3,phone1,")
    assert len(lines) == 2
    listing = await client.get("/imports")
    assert f'href="/imports/{uuid}"' in listing.text


async def test_a_column_mapped_by_hand_gives_the_phone(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    text = "Cellulare,Nome\n+447911123456,Ann\n"
    await sign_in(client, world.admin.login, "admin-pass")
    preview = await _upload(client, world, text.encode())
    assert 'id="f-mapping-error"' in preview.text and "map one column to phone1" in preview.text
    started = await _start(client, world, text, {0: "phone1", 1: "leadData.Nome"})
    assert started.status_code == 303
    await imports.process_pending(db, "test-worker")
    async with db.read_session() as session:
        header = await session.scalar(select(BulkImport))
    assert header is not None and header.created == 1 and header.source == "csv"


async def test_start_without_a_phone_column_is_refused_next_to_the_mapping(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    refused = await _start(client, world, "Nome,Città\nAnn,Roma\n", {0: "leadData.Nome", 1: "-"})
    assert refused.status_code == 400
    assert re.search(
        r'<p class="field-error" id="f-mapping-error"[^>]*>No column holds the phone', refused.text
    )
    async with db.read_session() as session:
        assert list(await session.scalars(select(BulkImport.id))) == []


async def test_a_file_that_is_not_a_csv_is_refused_next_to_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    refused = await _upload(client, world, png, name="photo.png")
    assert refused.status_code == 400
    assert 'id="f-file-error"' in refused.text and "This is not a CSV file" in refused.text
    assert 'aria-invalid="true"' in refused.text


async def test_a_file_too_large_is_refused_next_to_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    big = b"phone\n" + b"+447911123456\n" * (MAX_CSV_BYTES // 14 + 1)
    assert len(big) > MAX_CSV_BYTES
    refused = await _upload(client, world, big)
    assert refused.status_code == 400
    assert 'id="f-file-error"' in refused.text and "larger than 2 MB" in refused.text


async def test_a_file_far_too_large_is_a_413_page_not_a_server_error(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    refused = await _upload(client, world, b"x" * (MAX_CSV_BYTES * 3))
    assert refused.status_code == 413
    assert "too large" in refused.text


async def test_a_header_only_file_and_no_list_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    form = await client.get("/imports")
    refused = await client.post(
        "/imports",
        data={"csrf_token": csrf_of(form.text), "list_id": ""},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert refused.status_code == 400
    assert 'id="f-list_id-error"' in refused.text and 'id="f-file-error"' in refused.text
    header_only = await _start(client, world, "phone\n", {0: "phone1"})
    assert header_only.status_code == 400 and "no rows" in header_only.text


async def test_another_accounts_import_is_404(
    client: httpx.AsyncClient, db: Database, world: World, rival: World
) -> None:
    async with db.transaction() as session:
        theirs = await imports.create_import(
            session, rival.account.id, [{"phone1": "+447911123456"}], source="csv"
        )
    await sign_in(client, world.admin.login, "admin-pass")
    for path in ("", "/progress", "/errors.csv"):
        assert (await client.get(f"/imports/{theirs.uuid}{path}")).status_code == 404
    assert theirs.uuid not in (await client.get("/imports")).text
    # Their list is not ours to import into.
    form = await client.get("/imports")
    refused = await client.post(
        "/imports/start",
        data={
            "csrf_token": csrf_of(form.text),
            "list_id": str(rival.lead_list.id),
            "csv_text": "phone\n+447911123456\n",
            "map-0": "phone1",
        },
        files={"_": ("", b"")},
    )
    assert refused.status_code == 400 and 'id="f-list_id-error"' in refused.text


async def test_an_agent_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    assert (await client.get("/imports")).status_code == 403
    form = await client.get("/search")
    posted = await client.post(
        "/imports", data={"csrf_token": csrf_of(form.text)}, files={"file": ("a.csv", b"phone\n")}
    )
    assert posted.status_code == 403
