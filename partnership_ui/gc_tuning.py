"""Keep Python's garbage collector off the objects every session shares.

Streamlit ends every script run, fragment runs included, with a full collection
(`gc.collect(2)`, its `runner.postScriptGC` option, on by default, so that memory does not
build up between runs). A full collection walks every container object the process tracks,
and after start-up that is mostly what nobody will ever free: the modules of streamlit,
pandas, pyarrow, pydantic, sqlalchemy and plotly, our question banks and models. Measured
with the capacity benchmark, that walk was most of the server's CPU per click and per
waiting screen's poll.

`gc.freeze()` moves the objects that exist at that moment into a permanent generation that
collections skip. Freezing once the app has started and its pages have been imported keeps
Streamlit's per-run collection (so session garbage is still freed and memory stays bounded)
but makes it walk only what the sessions themselves hold: measured, a full collection went
from about 100 ms to 3 ms with 25 participants. What remains grows with the number of open
sessions (19 ms at 100, 45 ms at 200), because every run still walks every session's objects;
turning Streamlit's per-run collection off as well (`[runner] postScriptGC = false` in
.streamlit/config.toml) leaves full collections to Python's own rule, which runs one only
when the long-lived objects have grown by a quarter, so memory stays bounded without a walk
per click.

With 200 sessions that rule still fired every few dozen answers (a full collection took about
90 ms, 1.5 ms per answer): a rerun allocates tens of thousands of objects, and a young
collection every 700 of them found each rerun's short-lived objects still in use, so they
were promoted and grew the old generation until the next full walk. From the first freeze
on, `THRESHOLDS` lets 50,000 allocations pass between young collections, so most of a
rerun's objects are gone before one runs: no full collection at all while 200 people
answered 800 answers, CPU per answer 4 % lower, 9 MB more resident memory
(benchmarks/bench_capacity.py, variants `stock` and `default-thresholds`).

Set `PARTNERSHIP_FIT_GC_STATS` to a file path to have every collection timed in this process
(see `record_gc_times_if_asked`); the capacity benchmark reads that file.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from pathlib import Path

__all__ = [
    "GC_STATS_ENV",
    "MAX_FREEZES",
    "THRESHOLDS",
    "freeze_after_warm_up",
    "record_gc_times_if_asked",
]

GC_STATS_ENV = "PARTNERSHIP_FIT_GC_STATS"
# A page imported for the first time later on (plotly for the results, fpdf2 for the
# report) brings many long-lived objects: freeze again then. Each freeze also pins whatever
# sessions are alive at that moment, so the number of freezes is bounded.
MAX_FREEZES = 6
# The collector's thresholds from the first freeze on (Python's own: 700, 10, 10).
THRESHOLDS: tuple[int, ...] | None = (50_000, 20, 10)

_lock = threading.Lock()
_frozen_at_modules = 0
_freezes = 0
_frozen_objects = 0
_recorder: _GcRecorder | None = None


def freeze_after_warm_up() -> bool:
    """Freeze the objects alive now, unless nothing was imported since the last freeze.

    Idempotent and cheap to call at every script run (one `len(sys.modules)`): the first
    call freezes what start-up and the first run created; later calls freeze again only when
    new modules were imported, at most `MAX_FREEZES` times per process.

    Returns:
        True when this call froze.
    """
    global _frozen_at_modules, _freezes, _frozen_objects
    record_gc_times_if_asked()
    if len(sys.modules) == _frozen_at_modules or _freezes >= MAX_FREEZES:
        return False
    with _lock:
        if len(sys.modules) == _frozen_at_modules or _freezes >= MAX_FREEZES:
            return False
        # Collect first, so that garbage is freed rather than frozen for good.
        gc.collect()
        gc.freeze()
        if _freezes == 0 and THRESHOLDS is not None:
            gc.set_threshold(*THRESHOLDS)
        _frozen_at_modules = len(sys.modules)
        _freezes += 1
        # Counted here, once: gc.get_freeze_count() walks the whole permanent generation.
        _frozen_objects = gc.get_freeze_count()
    return True


class _GcRecorder:
    """Times every full collection of this process and counts the young ones; writes running
    totals after each full one.

    Times are the collecting thread's CPU time, so another process taking the CPU during a
    collection does not count. Young collections are counted, not timed: a rerun makes dozens
    of them, and two clock reads for each cost more (about 1 ms a click, measured) than
    the collections themselves, which made the benchmark measure its own recorder.
    """

    def __init__(self, path: Path) -> None:
        # One descriptor for the process and one write() per line: opening the file in the
        # callback showed up in profiles as a cost of its own.
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started: dict[int, float] = {}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        generation = info["generation"]
        if generation != 2:
            if phase == "stop":
                self.count[generation] += 1
            return
        now = time.thread_time()
        thread = threading.get_ident()
        if phase == "start":
            self._started[thread] = now
            return
        started = self._started.pop(thread, None)
        if started is None:
            return
        self.count[2] += 1
        self.seconds[2] += now - started
        self.write(now - started)

    def write(self, last_full: float) -> None:
        line = " ".join(
            [f"{time.time():.3f}", f"{last_full * 1000:.3f}", str(_frozen_objects)]
            + [f"{n} {s * 1000:.3f}" for n, s in zip(self.count, self.seconds, strict=True)]
        )
        os.write(self._fd, (line + "\n").encode())


def record_gc_times_if_asked() -> None:
    """With `PARTNERSHIP_FIT_GC_STATS=path` set, time every collection (once per process).

    After each full collection one line is appended to the file: wall time, that collection's
    milliseconds, the number of frozen objects, then count and total milliseconds per
    generation (0, 1, 2) since the recording began (young generations: counted, 0 ms).
    """
    global _recorder
    path = os.environ.get(GC_STATS_ENV, "").strip()
    if not path or _recorder is not None:
        return
    with _lock:
        if _recorder is None:
            _recorder = _GcRecorder(Path(path))
            gc.callbacks.append(_recorder)
