"""partnership_ui.gc_tuning: freezing start-up objects once (again only after new imports),
and the opt-in timing of collections that the capacity benchmark reads."""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnership_ui import gc_tuning


@pytest.fixture(autouse=True)
def _fresh_tuning(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(gc_tuning, "_frozen_at_modules", 0)
    monkeypatch.setattr(gc_tuning, "_freezes", 0)
    monkeypatch.setattr(gc_tuning, "_recorder", None)
    monkeypatch.delenv(gc_tuning.GC_STATS_ENV, raising=False)
    callbacks = list(gc.callbacks)
    thresholds = gc.get_threshold()
    yield
    gc.callbacks[:] = callbacks
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def test_first_call_freezes_what_exists():
    gc.unfreeze()
    assert gc_tuning.freeze_after_warm_up() is True
    assert gc.get_freeze_count() > 0


def test_the_first_freeze_sets_the_thresholds_later_ones_leave_them(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(gc_tuning, "THRESHOLDS", (12_345, 7, 9))
    gc.set_threshold(700, 10, 10)
    assert gc_tuning.freeze_after_warm_up() is True
    assert gc.get_threshold() == (12_345, 7, 9)
    gc.set_threshold(700, 10, 10)
    monkeypatch.setitem(sys.modules, "pf_later_import", types.ModuleType("pf_later_import"))
    assert gc_tuning.freeze_after_warm_up() is True
    assert gc.get_threshold() == (700, 10, 10)


def test_later_calls_do_nothing_until_a_module_is_imported(monkeypatch: pytest.MonkeyPatch):
    assert gc_tuning.freeze_after_warm_up() is True
    assert gc_tuning.freeze_after_warm_up() is False
    monkeypatch.setitem(sys.modules, "pf_lazily_imported", types.ModuleType("pf_lazily_imported"))
    assert gc_tuning.freeze_after_warm_up() is True
    assert gc_tuning.freeze_after_warm_up() is False


def test_freezes_are_bounded(monkeypatch: pytest.MonkeyPatch):
    froze = 0
    for i in range(gc_tuning.MAX_FREEZES + 3):
        monkeypatch.setitem(sys.modules, f"pf_lazy_{i}", types.ModuleType(f"pf_lazy_{i}"))
        froze += gc_tuning.freeze_after_warm_up()
    assert froze == gc_tuning.MAX_FREEZES


def test_collections_are_timed_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    stats = tmp_path / "gc.txt"
    gc_tuning.record_gc_times_if_asked()
    gc.collect()
    assert not stats.exists()

    monkeypatch.setenv(gc_tuning.GC_STATS_ENV, str(stats))
    gc_tuning.record_gc_times_if_asked()
    gc_tuning.record_gc_times_if_asked()  # once per process: still one callback
    gc.collect()
    gc.collect()
    lines = stats.read_text().splitlines()
    assert len(lines) >= 2  # one a full collection; the interpreter may add its own
    fields = lines[-1].split()
    # wall time, last full collection ms, frozen objects, then count and ms per generation
    assert len(fields) == 9
    assert int(fields[7]) == len(lines) and float(fields[8]) >= float(fields[1]) >= 0
