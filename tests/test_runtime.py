from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from leadline.config import Settings
from leadline.runtime import tune_gc


@pytest.fixture
def restored_gc() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_tuning_raises_the_first_threshold_and_freezes_start_up(restored_gc: None) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    tune_gc(50_000)
    assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_freeze_count() > 0


def test_zero_leaves_python_s_collector_alone(restored_gc: None) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    tune_gc(0)
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_the_setting_defaults_to_the_measured_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADLINE_GC_THRESHOLD", raising=False)
    assert Settings().gc_threshold == 50_000
    monkeypatch.setenv("LEADLINE_GC_THRESHOLD", "0")
    assert Settings().gc_threshold == 0
