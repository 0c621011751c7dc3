"""`python benchmarks/serve_app.py run app.py ...`: `python -m streamlit`, GC measured or tuned.

The capacity benchmark starts the server through this file so that it can measure the
garbage collector and try `partnership_ui.gc_tuning` without editing app.py:

- `PARTNERSHIP_FIT_GC_STATS=path` times every collection (`gc_tuning.record_gc_times_if_asked`);
- `PARTNERSHIP_FIT_BENCH_FREEZE=1` calls `gc_tuning.freeze_after_warm_up()` after every
  script run, as the line in app.py does before `page.run()`;
- `PARTNERSHIP_FIT_BENCH_GC_THRESHOLDS=a,b,c` sets the collector's thresholds instead of the
  ones gc_tuning sets (to compare settings side by side).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FREEZE_ENV = "PARTNERSHIP_FIT_BENCH_FREEZE"
THRESHOLDS_ENV = "PARTNERSHIP_FIT_BENCH_GC_THRESHOLDS"


def _freeze_after_each_run() -> None:
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    from partnership_ui.gc_tuning import freeze_after_warm_up

    finish = ScriptRunner._on_script_finished

    def finish_then_freeze(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        try:
            return finish(self, *args, **kwargs)
        finally:
            freeze_after_warm_up()

    ScriptRunner._on_script_finished = finish_then_freeze


def _override_thresholds(thresholds: tuple[int, ...]) -> None:
    import gc

    from partnership_ui import gc_tuning

    gc.set_threshold(*thresholds)
    gc_tuning.THRESHOLDS = thresholds  # what its first freeze sets


def main() -> None:
    from streamlit.web.cli import main as streamlit_main

    from partnership_ui.gc_tuning import record_gc_times_if_asked

    record_gc_times_if_asked()
    if os.environ.get(FREEZE_ENV) == "1":
        _freeze_after_each_run()
    if os.environ.get(THRESHOLDS_ENV):
        _override_thresholds(tuple(int(x) for x in os.environ[THRESHOLDS_ENV].split(",")))
    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
