"""Click ratings fast in real Chromium and check that every click reached the server.

Run from the repository root:

    python benchmarks/stress_clicks.py [--clicks 3000] [--flow workshop|solo] [--trace FILE]
                                       [--app-dir DIR] [--seed N]

Starts the real app (`streamlit run app.py`, a SQLite folder of its own) and Debian's
Chromium (never downloaded). `workshop` (default) joins workshop participants one after
another, each in a fresh browser context, and answers the whole questionnaire; `solo` sets
up a solo assessment and answers it, again and again. On every step the statements are
clicked in a random mix of:

- a click and straight on to the next statement while the previous rerun still runs;
- two clicks on the same statement, the second right after the first;
- a click, then waiting until the page has settled;
- and the first click of a step right after "Next", as soon as the step is drawn.

After each step, once the page has settled, three things are compared per statement: the
rating last clicked, the rating the browser shows as chosen, and what the server has (the
stored answers for a workshop participant, the progress count for both). It reports
clicks made, clicks the browser did not show, and clicks lost: shown as chosen in the
browser but missing or different on the server, or the step's "not answered yet"
confirmation on Next.

`--app-dir` serves another checkout with the same driver (for a before and after side by
side). `--trace FILE` writes what the server received and did, one JSON line each: every
rerun request (fragment, whether the session still holds that fragment, the rating values
it carries), every callback pass (which rating controls changed, their metadata), and every
answer saved; the lines around a lost click name its cause.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRACE_ENV = "PARTNERSHIP_FIT_STRESS_TRACE"
_RATING_LABELS = {
    1: "1 · Strongly disagree",
    2: "2 · Disagree",
    3: "3 · Neither agree nor disagree",
    4: "4 · Agree",
    5: "5 · Strongly agree",
}
_LIVE = ':not([data-stale="true"] *):not([data-stale="true"])'
# Each statement's box carries the class st-key-pfq-<prefix><respondent>-<qid>.
_BOXES_SCRIPT = """() => [...document.querySelectorAll('div[class*="st-key-pfq-"]')]
  .filter(b => !b.closest('[data-stale="true"]'))
  .map(b => {
    const key = [...b.classList].find(c => c.startsWith('st-key-pfq-')).slice(7);
    const inputs = [...b.querySelectorAll('[data-testid="stRadio"] input[type="radio"]')];
    const chosen = inputs.findIndex(i => i.checked);
    return [key, chosen];
  })"""
# The first statement box of a new step, once no box of the old step (`old`) is left.
_NEW_STEP_SCRIPT = """old => {
  const keys = [...document.querySelectorAll('div[class*="st-key-pfq-"]')]
    .filter(b => !b.closest('[data-stale="true"]'))
    .map(b => [...b.classList].find(c => c.startsWith('st-key-pfq-')).slice(7));
  return keys.length > 0 && keys.every(k => !old.includes(k)) ? keys[0] : null;
}"""
_PROGRESS_SCRIPT = """() => {
  const el = document.querySelector('[data-testid="stProgress"]');
  return el === null ? null : el.innerText;
}"""
_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-stale="true"]').length === 0;
}"""
_PARTNERS = ["Northfield Food Bank", "Harvest Market Grocers"]
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


# ---------------------------------------------------------------- server side (--trace)


def _install_trace(path: str) -> None:
    """Log what the server receives and does with rating clicks (see the module doc)."""
    import threading

    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.state.session_state import SessionState

    out = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives with the server
    lock = threading.Lock()

    def log(kind: str, **values: object) -> None:
        with lock:
            out.write(json.dumps({"t": round(time.time(), 4), "kind": kind, **values}) + "\n")

    def key_of(widget_id: str) -> str:
        parts = widget_id.split("-", 2)
        return parts[2] if len(parts) == 3 else widget_id

    def ratings(states) -> dict[str, object]:  # noqa: ANN001 - a WidgetStates proto
        found = {}
        for w in states.widgets if states is not None else ():
            if key_of(w.id).endswith("|rating"):
                which = w.WhichOneof("value")
                found[key_of(w.id).split("|")[1]] = getattr(w, which) if which else None
        return found

    request_rerun = AppSession.request_rerun

    def traced_request_rerun(self, client_state):  # noqa: ANN001, ANN202
        if client_state is not None:
            fid = client_state.fragment_id
            log(
                "request",
                session=self.id[:8],
                fragment=fid[:10],
                known=bool(not fid or self.has_fragment(fid)),
                auto=client_state.is_auto_rerun,
                ratings=ratings(client_state.widget_states),
            )
        return request_rerun(self, client_state)

    AppSession.request_rerun = traced_request_rerun

    call_callbacks = SessionState._call_callbacks

    def traced_call_callbacks(self, **kwargs):  # noqa: ANN001, ANN003, ANN202
        changed = {}
        for wid in self._new_widget_state:
            if not key_of(wid).endswith("|rating") or not self._widget_changed(wid):
                continue
            meta = self._new_widget_state.widget_metadata.get(wid)
            changed[key_of(wid).split("|")[1]] = (
                "no metadata" if meta is None else ("disabled" if meta.disabled else "ok")
            )
        ctx = get_script_run_ctx()
        log(
            "callbacks",
            session=ctx.session_id[:8] if ctx else "",
            fragments=[f[:10] for f in (ctx.fragment_ids_this_run or [])] if ctx else [],
            changed=changed,
        )
        return call_callbacks(self, **kwargs)

    SessionState._call_callbacks = traced_call_callbacks

    from partnership_ui.widgets import questionnaire

    on_answer = questionnaire._on_answer

    def traced_on_answer(context, qid, keys):  # noqa: ANN001, ANN202
        from streamlit import session_state

        ctx = get_script_run_ctx()
        log(
            "answer",
            session=ctx.session_id[:8] if ctx else "",
            qid=qid,
            rating=session_state.get(keys["rating"]),
        )
        return on_answer(context, qid, keys)

    questionnaire._on_answer = traced_on_answer


def _serve() -> None:
    """`python benchmarks/stress_clicks.py run app.py ...`: `streamlit run`, traced if asked."""
    from streamlit.web.cli import main as streamlit_main

    if os.environ.get(TRACE_ENV):
        _install_trace(os.environ[TRACE_ENV])
    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main(prog_name="streamlit")


# ---------------------------------------------------------------- the browser side


@dataclass
class Tally:
    clicks: int = 0
    not_shown: int = 0  # the browser does not show the rating last clicked
    lost: int = 0  # shown as chosen, but the server has something else
    asked_on_next: int = 0  # "not answered yet" on Next
    count_behind: int = 0  # steps whose progress count disagreed with the browser
    went_back: int = 0  # a step change that did not end on the next step
    aborted: int = 0  # questionnaires abandoned because the page changed under the clicks
    steps: int = 0
    details: list[str] = field(default_factory=list)


def _sanitised(text: str) -> str:
    return _UNSAFE.sub("-", text)


class Driver:
    """One page answering one questionnaire with clicks of every kind."""

    def __init__(self, page, rng: random.Random, tally: Tally, stored=None) -> None:  # noqa: ANN001
        self.page = page
        self.rng = rng
        self.tally = tally
        self.stored = stored  # () -> {statement box key suffix: rating}, or None
        self.expected: dict[str, int] = {}

    def idle(self) -> None:
        for _ in range(2):
            self.page.wait_for_timeout(150)
            self.page.wait_for_function(_IDLE, polling="raf", timeout=60_000)

    def boxes(self) -> list[tuple[str, int]]:
        return [tuple(b) for b in self.page.evaluate(_BOXES_SCRIPT)]

    def click(self, box: str, rating: int) -> None:
        option = self.page.locator(f"div.st-key-{box}{_LIVE} label{_LIVE}").filter(
            has_text=_RATING_LABELS[rating]
        )
        option.first.click(timeout=30_000)
        self.expected[box] = rating
        self.tally.clicks += 1

    def other_rating(self, box: str) -> int:
        old = self.expected.get(box)
        return self.rng.choice([r for r in _RATING_LABELS if r != old])

    def step(self) -> int:
        found = re.search(r"step (\d+) of", self.page.evaluate(_PROGRESS_SCRIPT) or "")
        return int(found.group(1)) if found else -1

    def answer_step(self, first_now: str | None) -> None:
        """Rate every statement of the step, in a random mix of click kinds; `first_now`:
        the step's first statement, to click before the page has settled (after Next)."""
        keys = [key for key, _ in self.boxes()]
        seen_before = [key for key in keys if key in self.expected and key != first_now]
        if seen_before:  # a step shown before: still as it was left?
            self.check(seen_before, count=False)
        for box in keys:
            if box == first_now:
                continue
            kind = self.rng.random()
            self.click(box, self.other_rating(box))
            if 0.5 <= kind < 0.7:
                self.click(box, self.other_rating(box))
            elif kind >= 0.7:
                self.idle()
        self.idle()
        self.check(keys)

    def check(self, keys: list[str], count: bool = True) -> None:
        """Compare clicked, shown and stored ratings of the step's statements."""
        self.tally.steps += count
        self.page.wait_for_timeout(300)
        self.idle()
        shown = dict(self.boxes())
        stored = self.stored() if self.stored is not None else None
        for box in keys:
            want = self.expected[box]
            seen = shown.get(box, -1) + 1
            if seen != want and not count:  # shown and stored before, changed since
                self.tally.lost += 1
                self.tally.details.append(f"LOST: {box} was {want}, back on its step shows {seen}")
                self.expected[box] = seen
                continue
            if seen != want:
                self.tally.not_shown += 1
                self.tally.details.append(f"not shown: {box} clicked {want}, shows {seen}")
                self.expected[box] = seen  # what a person would now see and go on from
                continue
            if stored is not None:
                have = stored.get(box)
                if have != want:
                    self.tally.lost += 1
                    self.tally.details.append(f"LOST: {box} shows {want}, server has {have}")
        for box in self.expected.keys() - set(keys) if stored is not None else ():
            if self.expected[box] and stored.get(box) != self.expected[box]:  # another step
                self.tally.lost += 1
                self.tally.details.append(
                    f"LOST: {box} (another step) shows {self.expected[box]}, "
                    f"server has {stored.get(box)}"
                )
                self.expected[box] = stored.get(box) or 0
        progress = self.page.evaluate(_PROGRESS_SCRIPT) or ""
        answered = int(progress.split(" ", 1)[0]) if progress[:1].isdigit() else -1
        chosen = sum(1 for v in self.expected.values() if v)
        if answered != chosen:
            self.tally.count_behind += 1
            self.tally.details.append(f"progress says {answered}, browser shows {chosen}")

    def next_step(self, label_re: str) -> str | None:
        """Press the step's primary button; the new step's first statement as soon as it
        is drawn, or None when there is no further step."""
        old = [key for key, _ in self.boxes()]
        step = self.step()
        button = self.page.locator("button").filter(has_text=re.compile(label_re)).first
        text = button.inner_text()
        if "Next" not in text and "Finish the" not in text:
            return None
        button.click()
        if "Finish the" in text:  # the browser shows every statement as chosen: a loss
            self.tally.asked_on_next += 1
            self.tally.details.append(f"asked to confirm on Next (step {step}): {text}")
            self.page.get_by_role("button", name="Continue anyway").click()
        first = self.page.wait_for_function(
            _NEW_STEP_SCRIPT, arg=old, polling="raf", timeout=60_000
        )
        return first.json_value()

    def answer_all(self) -> None:
        self.page.locator(f'div[class*="st-key-pfq-"]{_LIVE}').first.wait_for(timeout=60_000)
        self.idle()
        first_now = None
        while True:
            self.answer_step(first_now)
            step = self.step()
            first_now = self.next_step(r"Next →|Finish ")
            if first_now is None:
                return
            self.click(first_now, self.other_rating(first_now))  # before the page settles
            self.idle()
            if self.step() != step + 1:
                self.tally.went_back += 1
                self.tally.details.append(f"Next from step {step} ended on step {self.step()}")


def _answer_or_abandon(driver: Driver) -> None:
    """Answer the whole questionnaire; if the page changes so that a click cannot land (a
    statement that stays away for 30 s), count it and let the caller start afresh."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        driver.answer_all()
    except PlaywrightError as exc:
        driver.tally.aborted += 1
        first = str(exc).splitlines()[0]
        driver.tally.details.append(f"abandoned on step {driver.step()}: {first}")


def _workshop_rounds(browser, base: str, data: Path, args, tally: Tally) -> None:  # noqa: ANN001
    from benchmarks.workshop_driver import join_workshop
    from partnership_core.bank import PartnershipType
    from partnership_core.workshop import WorkshopService

    svc = WorkshopService.from_environment(data_dir=data)
    created = svc.create_workshop("Stress", PartnershipType.OTHER, ["three-levels"], _PARTNERS)
    rng = random.Random(args.seed)
    person = 0
    try:
        while tally.clicks < args.clicks:
            context = browser.new_context(viewport={"width": 1280, "height": 1400})
            page = context.new_page()
            link = join_workshop(
                page, base, created.join_code, _PARTNERS[person % 2], f"Person {person:04d}"
            )
            token = re.search(r"[?&]p=([^&]+)", link).group(1)
            prefix = "pfq-" + _sanitised(f"pf_ws_q_{svc.participant(token).respondent.id}-")

            def stored(token: str = token, prefix: str = prefix) -> dict[str, int]:
                answers = svc.participant(token).own_answers
                return {prefix + _sanitised(q): a.rating for q, a in answers.items()}

            _answer_or_abandon(Driver(page, rng, tally, stored))
            context.close()
            person += 1
            print(f"{person} people, {tally.clicks} clicks, {tally.lost} lost", flush=True)
    finally:
        svc.close()


def _solo_rounds(browser, base: str, args, tally: Tally) -> None:  # noqa: ANN001
    rng = random.Random(args.seed)
    rounds = 0
    while tally.clicks < args.clicks:
        context = browser.new_context(viewport={"width": 1280, "height": 1400})
        page = context.new_page()
        page.goto(f"{base}/setup")
        page.get_by_role("heading", name="Set up the assessment").wait_for()
        driver = Driver(page, rng, tally)
        for label, value in (
            ("Name of the partnership", "Stress"),
            ("Partner 1", _PARTNERS[0]),
            ("Partner 2", _PARTNERS[1]),
            ("Your name or role", "Amara"),
        ):
            box = page.get_by_label(label)
            box.fill(value)
            box.press("Tab")
            driver.idle()
        page.get_by_role("button", name="Start the questionnaire").click()
        page.locator(f'div[class*="st-key-pfq-"]{_LIVE}').first.wait_for(timeout=60_000)
        driver.idle()
        _answer_or_abandon(driver)
        context.close()
        rounds += 1
        print(f"{rounds} rounds, {tally.clicks} clicks, {tally.lost} lost", flush=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.app_server import AppServer, free_port, launch_browser, missing_browser

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=3000, help="clicks to make (at least)")
    parser.add_argument("--flow", choices=("workshop", "solo"), default="workshop")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--trace", type=Path, help="write the server's trace here")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        raise SystemExit(reason)
    data = Path(tempfile.mkdtemp(prefix="pf-stress-"))
    app_dir = args.app_dir.resolve()
    env = {
        "PARTNERSHIP_FIT_DATA_DIR": str(data),
        "PARTNERSHIP_FIT_DATABASE_URL": "",
        "PYTHONPATH": f"{app_dir}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    if args.trace:
        env[TRACE_ENV] = str(args.trace.resolve())
    server = AppServer(free_port(), env=env, log_path=data / "server.log", launcher=Path(__file__))
    tally = Tally()
    started = time.perf_counter()
    with _served_from(server, app_dir), sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            if args.flow == "workshop":
                _workshop_rounds(browser, server.base, data, args, tally)
            else:
                _solo_rounds(browser, server.base, args, tally)
        finally:
            browser.close()
            _report(tally, args, time.perf_counter() - started)


@contextmanager
def _served_from(server, app_dir: Path):  # noqa: ANN001, ANN202
    """The server started from `app_dir` (its app.py and packages), stopped at the end."""
    import benchmarks.app_server as app_server

    original = app_server.ROOT
    app_server.ROOT = app_dir
    try:
        server.start(timeout=60)
    finally:
        app_server.ROOT = original
    try:
        yield server
    finally:
        server.stop()


def _report(tally: Tally, args, seconds: float) -> None:  # noqa: ANN001
    print(f"app: {args.app_dir}  flow: {args.flow}  seed: {args.seed}  {seconds:.0f} s")
    print(f"clicks made: {tally.clicks} on {tally.steps} steps")
    print(f"clicks lost (shown as chosen, not on the server): {tally.lost}")
    print(f"'not answered yet' on Next: {tally.asked_on_next}")
    print(f"steps whose progress count was behind the browser: {tally.count_behind}")
    print(f"step changes that did not end on the next step: {tally.went_back}")
    print(f"questionnaires abandoned (the page changed under the clicks): {tally.aborted}")
    print(f"clicks the browser did not show: {tally.not_shown}")
    for line in tally.details[:40]:
        print(f"  {line}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        _serve()  # the server process: app_dir's packages come first (PYTHONPATH)
    else:
        sys.path[:0] = [str(ROOT)]
        main()
