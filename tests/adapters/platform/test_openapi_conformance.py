"""The OpenAPI document, exercised by schemathesis against the ASGI app: no operation
answers 5xx, and every answer matches the document (status, content type, schema).

Runs on SQLite: schemathesis drives the app from its own event-loop thread, so the
app owns its own database here, seeded once through the core services.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leadline.app import create_app
from leadline.config import Settings
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE
from tests.conftest import TEST_SECRET
from tests.factories import make_token, make_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def _seed(url: str) -> str:
    database = Database(url)
    try:
        world = await make_world(database, name="Fuzz")
        await make_world(database, name="Elsewhere")
        issued = await make_token(
            database,
            Keyring(TEST_SECRET),
            world.account.id,
            Scope.PLATFORM,
            rate_limit_per_second=100_000,
            rate_limit_burst=100_000,
        )
        return issued.token
    finally:
        await database.dispose()


# The app exists from import on (schemathesis reads its document at collection); its
# database connects lazily, so the file is put in place and seeded by the fixture below.
_WORKDIR = Path(tempfile.gettempdir()) / f"leadline-platform-fuzz-{os.getpid()}"
_DATABASE = _WORKDIR / "fuzz.db"
_URL = f"sqlite:///{_DATABASE}"
APP = create_app(
    Settings(
        database_url=_URL,
        var_dir=_WORKDIR / "var",
        media_dir=_WORKDIR / "media",
        secret_key=TEST_SECRET,
        run_worker=False,
        dialler="off",
        log_format="console",
        log_level="WARNING",
    )
)
schema = schemathesis.openapi.from_asgi(f"{BASE}/openapi.json", APP)


@pytest.fixture(scope="module")
def token(sqlite_template: Path) -> Iterator[str]:
    _WORKDIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template, _DATABASE)
    yield asyncio.run(_seed(_URL))
    shutil.rmtree(_WORKDIR, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_conforms_to_its_document(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)
