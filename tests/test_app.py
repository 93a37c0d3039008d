from __future__ import annotations

import re

import httpx
from fastapi import FastAPI


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


async def test_every_answer_carries_a_request_id(client: httpx.AsyncClient) -> None:
    mine = await client.get("/healthz", headers={"X-Request-Id": "abc123"})
    assert mine.headers["x-request-id"] == "abc123"
    generated = await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])


async def test_metrics_count_requests(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    body = (await client.get("/metrics")).text
    assert "leadline_http_requests_total" in body
    assert "leadline_http_request_seconds_bucket" in body


async def test_api_docs_are_served_without_a_cdn(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert (await client.get(asset)).status_code == 200
    assert (await client.get("/openapi.json")).json()["info"]["title"] == "Leadline"


async def test_an_unexpected_error_is_a_500_without_a_stack_trace(app: FastAPI) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.get("/boom")
    assert answer.status_code == 500
    assert "secret internals" not in answer.text
    assert "Traceback" not in answer.text


async def test_a_body_over_the_limit_is_refused_with_413(client: httpx.AsyncClient) -> None:
    answer = await client.post("/healthz", content=b"x" * (2 * 1024 * 1024))
    assert answer.status_code == 413


async def test_a_wrong_path_under_the_dialler_api_answers_in_its_error_map(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/lead/remove", params={"key": "x"})
    assert answer.status_code == 404
    assert answer.json() == {"request": {"0": "No such endpoint: use /lead/add or /lead/cancel."}}


async def test_a_wrong_method_on_the_dialler_api_says_post(client: httpx.AsyncClient) -> None:
    answer = await client.get("/lead/add")
    assert answer.status_code == 405
    assert answer.json() == {"request": {"0": "Method not allowed: use POST."}}
    assert "POST" in answer.headers["allow"]


async def test_a_wrong_path_under_the_portal_answers_code_and_message(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/portal/some-token/fax", json={})
    assert answer.status_code == 404
    assert answer.json() == {"code": 4004, "message": "not found"}


async def test_a_wrong_path_under_call_costs_answers_its_error_field(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/api/ingress/nowhere")
    assert answer.status_code == 404
    assert answer.json() == {"error": "Not Found"}


async def test_a_wrong_path_under_the_softphone_answers_xml(client: httpx.AsyncClient) -> None:
    answer = await client.get("/rest/unknown")
    assert answer.text.startswith("<?xml")
    assert "<result>error</result>" in answer.text


async def test_a_wrong_console_path_is_a_page(client: httpx.AsyncClient) -> None:
    answer = await client.get("/console/nothing-here")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "There is no such page." in answer.text


async def test_a_path_of_no_interface_keeps_the_plain_json_answer(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/no-such-thing")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not Found"}
