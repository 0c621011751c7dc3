"""How much saving solo work in progress costs per answer.

    python benchmarks/draft_save.py                       # SQLite in a temp folder
    python benchmarks/draft_save.py postgresql+psycopg://postgres@127.0.0.1:5499/postgres

1. `DraftStore.save` alone, for a one-person assessment half answered and for the worked
   example (6 respondents, every statement answered): the database write per answer.
2. The whole autosave step in the app (`save_draft`: build + dump + write), measured inside
   AppTest while answering, and the rerun time per answer with and without autosave.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from partnership_core.drafts import DraftStore  # noqa: E402
from partnership_core.example import example_assessment  # noqa: E402


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[int(len(values) * 0.9) - 1]
    return f"median {statistics.median(values) * 1e3:.2f} ms, p90 {p90 * 1e3:.2f} ms"


def store_alone(url: str, rounds: int = 200) -> None:
    store = DraftStore(url)
    full = example_assessment()
    own = [a for a in full.answers if a.respondent == full.respondents[0].id]
    half = full.model_copy(
        update={"respondents": full.respondents[:1], "answers": own[: len(own) // 2]}
    )
    for label, assessment in (("1 respondent, half answered", half), ("worked example", full)):
        token = store.create(assessment, {"page": "questionnaire"})
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            store.save(token, assessment, {"page": "questionnaire", "steps": {"q_me_": i}})
            times.append(time.perf_counter() - started)
        n = len(assessment.answers)
        print(f"DraftStore.save, {label} ({n} answers): {_ms(times)}")
        store.delete(token)
    store.close()


def in_the_app(url: str, answers: int = 40) -> None:
    from app_helpers import rating_keys, start_app, start_solo

    from partnership_ui import autosave

    os.environ["PARTNERSHIP_FIT_DATABASE_URL"] = url
    real_save, real_changed = autosave.save_draft, autosave.answer_changed
    for enabled in (True, False):
        inner: list[float] = []

        def timed(*args: object, inner: list[float] = inner) -> None:
            started = time.perf_counter()
            try:
                real_changed(*args)  # type: ignore[arg-type]
            finally:
                inner.append(time.perf_counter() - started)

        # The page imports `answer_changed` on every run, so it picks the wrapper up.
        autosave.answer_changed = timed  # type: ignore[assignment]
        autosave.save_draft = real_save if enabled else (lambda: True)
        at = start_solo(start_app())
        reruns: list[float] = []
        position = 0
        for n in range(answers):
            keys = rating_keys(at)
            if position == len(keys):  # step done: on to the next one
                at.button(key="q_me_next").click().run()
                keys, position = rating_keys(at), 0
            at.radio(key=keys[position]).set_value(1 + n % 5)
            position += 1
            started = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - started)
            assert not at.exception, at.exception
        autosave.save_draft, autosave.answer_changed = real_save, real_changed
        label = "with autosave   " if enabled else "without autosave"
        print(f"AppTest rerun per answer {label}: {_ms(reruns)}")
        if enabled:
            print(f"  of which the answer's save (build + dump + write): {_ms(inner)}")


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        print(f"database: {url.split('@')[-1]}")
        store_alone(url)
        in_the_app(url)


if __name__ == "__main__":
    main()
