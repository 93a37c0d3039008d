"""Where audio files live. The domain keeps metadata in ``media`` rows and hands the
bytes to a :class:`MediaStorage`; the local one writes under the media folder, an object
store can stand in later behind the same four methods."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.db.models import Media


class MediaStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool: ...


def _safe_key(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"not a storage key: {key!r}")
    return path


@dataclass
class LocalMediaStorage:
    """Files under ``root`` (``Settings.resolved_media_dir``), one per key."""

    root: Path

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*_safe_key(key).parts)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> bool:
        path = self._path(key)
        if not path.is_file():
            return False
        path.unlink()
        return True


async def store_media(
    session: AsyncSession,
    storage: MediaStorage,
    *,
    account_id: int,
    activity_id: int | None,
    data: bytes,
    kind: str = "recording",
    content_type: str = "audio/wav",
    duration_seconds: int = 0,
    extension: str = "wav",
) -> Media:
    """Keep ``data`` in ``storage`` and record it as a ``media`` row of the activity."""
    media = Media(
        account_id=account_id,
        activity_id=activity_id,
        kind=kind,
        content_type=content_type,
        size_bytes=len(data),
        duration_seconds=duration_seconds,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(media)
    await session.flush()
    key = f"{account_id}/{kind}/{media.id}.{extension}"
    storage.put(key, data)
    media.storage_key = key
    await session.flush()
    return media
