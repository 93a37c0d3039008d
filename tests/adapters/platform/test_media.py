"""Recordings and voicemails through the platform API: downloads with HTTP ranges on a
real stored WAV, metadata, and deleting the audio while the metadata stays."""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from leadline.config import Settings
from leadline.core.activities import service as activities
from leadline.core.media.storage import LocalMediaStorage, store_media
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import AuditLog, Media
from tests.adapters.platform.conftest import BASE, Platform
from tests.factories import World, make_token

MOMENT = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)


def _wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A real mono 16-bit WAV: a 440 Hz tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
            for n in range(int(seconds * rate))
        )
        out.writeframes(frames)
    return buffer.getvalue()


async def _stored(
    db: Database, settings: Settings, world: World, data: bytes, kind: str = "recording"
) -> Media:
    async with db.transaction() as session:
        activity = await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            started_at=MOMENT,
            direction="inbound",
            from_number="+447911123001",
            campaign_id=world.campaign.id,
        )
        return await store_media(
            session,
            LocalMediaStorage(settings.resolved_media_dir),
            account_id=world.account.id,
            activity_id=activity.id,
            data=data,
            kind=kind,
            duration_seconds=1,
        )


async def test_the_audio_is_served_whole_and_by_ranges(
    client: httpx.AsyncClient, platform: Platform, db: Database, settings: Settings
) -> None:
    data = _wav()
    media = await _stored(db, settings, platform.world, data)
    url = f"{BASE}/media/{media.id}"
    size = len(data)

    whole = await client.get(url, headers=platform.headers)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "audio/wav"
    assert whole.headers["content-length"] == str(size)
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.content == data
    assert whole.content[:4] == b"RIFF"

    first = await client.get(url, headers={**platform.headers, "Range": "bytes=0-43"})
    assert first.status_code == 206
    assert first.content == data[:44]
    assert first.headers["content-range"] == f"bytes 0-43/{size}"
    assert first.headers["content-length"] == "44"

    middle = await client.get(url, headers={**platform.headers, "Range": "bytes=1000-1999"})
    assert middle.status_code == 206
    assert middle.content == data[1000:2000]
    assert middle.headers["content-range"] == f"bytes 1000-1999/{size}"

    suffix = await client.get(url, headers={**platform.headers, "Range": "bytes=-100"})
    assert suffix.status_code == 206
    assert suffix.content == data[-100:]
    assert suffix.headers["content-range"] == f"bytes {size - 100}-{size - 1}/{size}"

    open_ended = await client.get(url, headers={**platform.headers, "Range": f"bytes={size - 10}-"})
    assert open_ended.content == data[-10:]

    past_end = await client.get(url, headers={**platform.headers, "Range": f"bytes={size}-"})
    assert past_end.status_code == 416
    assert past_end.headers["content-range"] == f"bytes */{size}"
    assert past_end.json()["message"] == "Range not satisfiable"

    # A Range this does not serve (several ranges, another unit) is ignored: the whole file.
    several = await client.get(url, headers={**platform.headers, "Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.content) == (200, data)


async def test_recording_and_voicemail_metadata(
    client: httpx.AsyncClient, platform: Platform, db: Database, settings: Settings
) -> None:
    recording = await _stored(db, settings, platform.world, _wav())
    voicemail = await _stored(db, settings, platform.world, _wav(0.2), kind="voicemail")
    answer = await client.get(f"{BASE}/media/{recording.id}/recording", headers=platform.headers)
    assert answer.json() == {
        "mediaId": recording.id,
        "mediaUri": f"{BASE}/media/{recording.id}",
        "duration": 1,
        "deleted": False,
        "deletedTimestamp": None,
        "deletedBy": None,
        "deletionReason": None,
    }
    vm = await client.get(f"{BASE}/media/{voicemail.id}/voicemail", headers=platform.headers)
    assert vm.json() == {
        "mediaId": voicemail.id,
        "mediaUri": f"{BASE}/media/{voicemail.id}",
        "duration": 1,
    }
    # Each path names its kind.
    wrong = await client.get(f"{BASE}/media/{recording.id}/voicemail", headers=platform.headers)
    assert wrong.status_code == 404


async def test_deleting_removes_the_audio_and_keeps_who_when_why(
    client: httpx.AsyncClient,
    platform: Platform,
    db: Database,
    settings: Settings,
    keyring: Keyring,
) -> None:
    media = await _stored(db, settings, platform.world, _wav())
    storage = LocalMediaStorage(settings.resolved_media_dir)
    assert media.storage_key is not None and storage.exists(media.storage_key)
    admin = await make_token(
        db, keyring, platform.world.account.id, Scope.PLATFORM, user_id=platform.world.admin.id
    )
    headers = {"Authorization": admin.token}

    deleted = await client.request(
        "DELETE", f"{BASE}/media/{media.id}", headers=headers, json={"reason": "asked by caller"}
    )
    assert deleted.status_code == 200, deleted.text
    body = deleted.json()
    assert body["deleted"] is True
    assert body["deletedBy"] == platform.world.admin.id
    assert body["deletionReason"] == "asked by caller"
    assert body["deletedTimestamp"] is not None
    assert not storage.exists(media.storage_key)

    gone = await client.get(f"{BASE}/media/{media.id}", headers=platform.headers)
    assert gone.status_code == 410
    assert gone.json()["message"] == "Gone"
    kept = (await client.get(f"{BASE}/media/{media.id}/recording", headers=platform.headers)).json()
    assert kept == body
    again = await client.request(
        "DELETE", f"{BASE}/media/{media.id}", headers=headers, json={"reason": "twice"}
    )
    assert again.status_code == 409
    async with db.read_session() as session:
        entry = await session.scalar(select(AuditLog).where(AuditLog.action == "media.delete"))
    assert entry is not None
    assert (entry.target_id, entry.actor_user_id, entry.note) == (
        str(media.id),
        platform.world.admin.id,
        "asked by caller",
    )


async def test_an_account_token_deletes_with_no_user(
    client: httpx.AsyncClient, platform: Platform, db: Database, settings: Settings
) -> None:
    media = await _stored(db, settings, platform.world, _wav())
    deleted = await client.request(
        "DELETE", f"{BASE}/media/{media.id}", headers=platform.headers, json={"reason": "policy"}
    )
    assert deleted.status_code == 200
    assert deleted.json()["deletedBy"] is None
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}):
        refused = await client.request(
            "DELETE", f"{BASE}/media/{media.id}", headers=platform.headers, json=body
        )
        assert refused.status_code == 422, body


async def test_another_accounts_media_is_not_found_and_agents_may_not_delete(
    client: httpx.AsyncClient,
    platform: Platform,
    db: Database,
    settings: Settings,
    keyring: Keyring,
) -> None:
    theirs = await _stored(db, settings, platform.other, _wav())
    for path in ("", "/recording", "/voicemail"):
        answer = await client.get(f"{BASE}/media/{theirs.id}{path}", headers=platform.headers)
        assert answer.status_code == 404, path
    refused = await client.request(
        "DELETE", f"{BASE}/media/{theirs.id}", headers=platform.headers, json={"reason": "x"}
    )
    assert refused.status_code == 404

    mine = await _stored(db, settings, platform.world, _wav())
    agent = await make_token(
        db, keyring, platform.world.account.id, Scope.PLATFORM, user_id=platform.world.agent.id
    )
    headers = {"Authorization": agent.token}
    # The agent sees its campaign's recording but may not delete it.
    assert (await client.get(f"{BASE}/media/{mine.id}", headers=headers)).status_code == 200
    delete = await client.request(
        "DELETE", f"{BASE}/media/{mine.id}", headers=headers, json={"reason": "x"}
    )
    assert delete.status_code == 403
