"""Capacity of one server: N participants at a person's pace, spoken in Streamlit's protocol.

Each participant is a `ProtocolSession` (benchmarks/st_protocol.py): a websocket client that
sends the frontend's `BackMsg`s and reads the `ForwardMsg`s, so one asyncio process drives
hundreds of them from one CPU, where as many Chromium tabs would measure the browsers.

Per level N, against a fresh `streamlit run app.py` (benchmarks/app_server.py, through
benchmarks/serve_app.py) and a fresh database:

1. warm-up: a facilitator and one participant of another workshop open their pages once;
   then, with the facilitator's page closed and nothing else running, that participant
   rates three batches of `_ALONE_BATCH` statements one after the other (one batch a step):
   the median batch's server CPU per click is "CPU per click alone";
2. the facilitator opens the dashboard of the measured workshop (created through
   `WorkshopService`, same database) and keeps it open, honouring its `auto_rerun` fragment;
3. join: N participants open `/join?code=...` together, fill the organisation radio and the
   name field found by their labels in the deltas, and press Join (one form submission);
4. answer: once all have joined, each rates `--answers` statements (default all), one click
   every `--pace` s (uniform jitter of +-50 %), presses Next between steps and hands in
   (jumping to the last step and confirming when it answers fewer than all);
5. wait: every participant sits on the waiting screen, whose fragment reruns at its interval
   (the fallback poll, `partnership_ui.push.fallback_poll`) and whenever the server pushes a
   room change to it; the server's CPU is measured for `--wait-seconds`; then the
   facilitator presses "Reveal the answers" on the dashboard (`--reveal-via page`: the
   server pushes the reveal to the waiting screens) or the reveal is written through the
   service of this process (`--reveal-via service`: as from another app process, the
   screens see it on their poll), and the time from the click (or the commit) until every
   waiting screen shows the results is measured.

Reported per level: click -> saved p50/p95/max (from sending the rating click to the end of
its rerun, counted only when that rerun's progress text has gone up by one and no
"NOT saved" warning shows: the page's callback writes the answer before it redraws), answers
lost (clicks the client saw saved, against the answers the database holds, read through
`WorkshopService.dashboard`), server CPU per answer (utime+stime of the server process from
/proc/PID/stat over the answer phase, which also holds the Next clicks, the hand-ins and
the facilitator's refreshes, divided by answers saved; CPU per run divides it by every run
the clients asked for instead), server CPU per join, CPU share while the N finished
participants wait (the facilitator's dashboard refresh included), waiting poll p50/p95,
dashboard refresh p50/p95, RSS per session, the CPU time of full collections and the number
of young ones (`PARTNERSHIP_FIT_GC_STATS`, see partnership_ui/gc_tuning.py) and this
process's own CPU share (it must stay well below 100 %, or the figures measure the clients).

Each level runs once per `--variants` entry (see VARIANTS): `stock` as app.py is now,
`freeze` with `gc_tuning.freeze_after_warm_up()` after every run.

Run:   python benchmarks/bench_capacity.py --pin                  (25,50,100,200; stock+freeze)
       python benchmarks/bench_capacity.py --quick --pin          (N=10, about a minute a server)
       python benchmarks/bench_capacity.py --levels 50 --variants freeze --postgres URL
       python benchmarks/bench_capacity.py --summarise out.txt    (tables of earlier --json runs)
`--pin` puts the server on CPU 0 and this process on CPU 1; it does not keep other processes
off CPU 0, so on a shared machine the latencies are noisier than the CPU figures. Every loop
is bounded (`--max-seconds` per level); all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from benchmarks.app_server import AppServer, free_port  # noqa: E402
from benchmarks.serve_app import FREEZE_ENV, THRESHOLDS_ENV  # noqa: E402
from benchmarks.st_protocol import NoRunError, ProtocolSession, ScriptError  # noqa: E402
from partnership_core.bank import PartnershipType  # noqa: E402
from partnership_core.workshop import WorkshopService  # noqa: E402
from partnership_ui.gc_tuning import GC_STATS_ENV  # noqa: E402

PARTNERS = ["Northfield Food Bank", "Harvest Market Grocers"]
ORGANISATION = "Which organisation do you answer for?"
NAME = "Your name (as the others will see it)"
IMPORTANCE = "How much does "  # … <characteristic> matter to you?", once per characteristic
SWITCH = "Answer for"  # the wrong-organisation switch, offered before the first answer
JUMP = "Jump to a step"
FINISH = "Finish and hand in"
THANKS = "your answers are in"
REVEALED = "The facilitator has revealed the results."
REVEAL = "Reveal the answers"
REVEAL_ANYWAY = "Reveal although"
SERVE = Path(__file__).resolve().parent / "serve_app.py"
_TICK = os.sysconf("SC_CLK_TCK")
# What the server is started with: as shipped; with gc_tuning's freeze after every run (the
# line the lead adds to app.py); the freeze without Streamlit's full collection after every
# run (`runner.postScriptGC`, through Streamlit's environment variable for it).
VARIANTS = {
    "stock": {FREEZE_ENV: "0"},
    "freeze": {FREEZE_ENV: "1"},
    "freeze-no-post-gc": {FREEZE_ENV: "1", "STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"},
    # Python's own collector thresholds, against what gc_tuning.THRESHOLDS sets.
    "default-thresholds": {THRESHOLDS_ENV: "700,10,10"},
}


# --------------------------------------------------------------------------- the server


_ALONE_BATCHES = 3  # one per step of the default bank
_ALONE_BATCH = 8
# A waiting screen's poll that has had no run this long was dropped (see wait_for_reveal);
# a slow one, queued behind the reveal's redraws, takes well under it.
_POLL_ANSWERED_S = 30.0


def server_cpu(pid: int) -> float:
    """utime + stime of process `pid` in seconds (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def server_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class GcTotals:
    """Running totals of full collections from the server's GC stats file (or zeros)."""

    full: int = 0
    full_ms: float = 0.0
    young: int = 0
    frozen: int = 0
    durations: list[float] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> GcTotals:
        if not path.exists():
            return cls()
        lines = path.read_text().split("\n")
        rows = [line.split() for line in lines if line.count(" ") == 8]
        if not rows:
            return cls()
        last = rows[-1]
        return cls(
            full=int(last[7]),
            full_ms=float(last[8]),
            young=int(last[3]) + int(last[5]),
            frozen=int(last[2]),
            durations=[float(r[1]) for r in rows],
        )

    def since(self, before: GcTotals) -> GcTotals:
        return GcTotals(
            full=self.full - before.full,
            full_ms=self.full_ms - before.full_ms,
            young=self.young - before.young,
            frozen=self.frozen,
            durations=self.durations[len(before.durations) :],
        )


# --------------------------------------------------------------------------- participants


@dataclass
class Person:
    name: str
    partner: str
    join_s: float | None = None
    latencies: list[float] = field(default_factory=list)
    saved: int = 0
    finished: bool = False
    polls: list[float] = field(default_factory=list)
    dropped_polls: int = 0
    revealed_after: float | None = None
    error: str | None = None


@dataclass
class Plan:
    pace: float
    answers: int | None
    deadline: float
    rng: random.Random


def rating_radios(session: ProtocolSession) -> list:  # noqa: ANN401 - radio protos
    return [
        e.radio
        for e in session.shown("radio")
        if e.radio.label not in (ORGANISATION, SWITCH)
        and not e.radio.label.startswith(IMPORTANCE)
        and not e.radio.disabled
    ]


def _answered(session: ProtocolSession) -> int:
    for e in session.shown("progress"):
        if "statements answered" in e.progress.text:
            return int(e.progress.text.split(" ", 1)[0])
    raise ScriptError("no progress text on the page")


async def _pause(plan: Plan) -> None:
    await asyncio.sleep(plan.pace * plan.rng.uniform(0.5, 1.5))


async def join(session: ProtocolSession, who: Person) -> None:
    """Open the join link and join, as a person with the form does."""
    started = time.perf_counter()
    await session.open()
    radio = session.widget("radio", ORGANISATION)
    name = session.widget("text_input", NAME)
    await session.submit_form(
        "Join",
        [
            WidgetState(id=radio.id, string_value=who.partner),
            WidgetState(id=name.id, string_value=who.name),
        ],
    )
    if "p=" not in session.query_string:
        raise ScriptError(f"{who.name} did not join: {session.texts()[:3]}")
    _answered(session)
    who.join_s = time.perf_counter() - started


async def rate_one(session: ProtocolSession, who: Person, radio, plan: Plan) -> str:  # noqa: ANN001
    """Rate one statement and time the click until the page shows it saved; the option."""
    before = _answered(session)
    option = radio.options[plan.rng.randrange(5)]
    result = await session.choose(radio.id, option)
    if _answered(session) != before + 1 or session.has_text("NOT saved"):
        raise ScriptError(f"{who.name}: answer {before + 1} not shown as saved")
    who.saved += 1
    who.latencies.append(result.seconds)
    return option


async def answer(session: ProtocolSession, who: Person, plan: Plan) -> None:
    """Rate statements step by step at the plan's pace, then hand in."""
    target = plan.answers
    while time.monotonic() < plan.deadline:
        for radio in rating_radios(session):
            if target is not None and who.saved >= target:
                break
            await _pause(plan)
            await rate_one(session, who, radio, plan)
        await _pause(plan)
        if target is not None and who.saved >= target:
            await hand_in(session, jump=True)
            break
        if any(e.button.label == FINISH for e in session.shown("button")):
            await hand_in(session, jump=False)
            break
        await session.click("Next →")
    who.finished = session.has_text(THANKS)


async def hand_in(session: ProtocolSession, *, jump: bool) -> None:
    if jump:
        box = session.widget("selectbox", JUMP)
        await session.rerun([WidgetState(id=box.id, string_value=box.options[-1])])
    await session.click(FINISH)
    if not session.has_text(THANKS):  # some statements unanswered: confirm
        await session.click(FINISH)


async def wait_for_reveal(session: ProtocolSession, who: Person, stop_at: float) -> None:
    """The waiting screen: rerun its fragment at its interval, as the browser's timer does,
    until the results show; a run the server makes by itself (a pushed change) restarts
    the interval, as it does in the browser."""
    while time.monotonic() < stop_at and not session.has_text(REVEALED):
        if not session.auto_reruns:  # between the messages of a run the server started
            if await session.server_run(session.timeout):
                continue
            raise ScriptError(f"{who.name}: the waiting screen has no auto-rerun fragment")
        fragment_id, interval = next(iter(session.auto_reruns.items()))
        if await session.server_run(interval):
            continue
        try:
            result = await session.rerun(fragment_id=fragment_id, timeout=_POLL_ANSWERED_S)
        except NoRunError:
            # Sent for a fragment that a pushed whole-page run had just replaced: the server
            # drops it, and the browser's timer, which waits for no answer, fires again.
            who.dropped_polls += 1
            continue
        who.polls.append(result.seconds)
    if session.has_text(REVEALED):
        who.revealed_after = session.finished_at


async def reveal_on_page(facilitator: ProtocolSession) -> None:
    """Press "Reveal the answers" on the dashboard (ticking "Reveal although ..." first when
    someone has not finished), as the facilitator does."""
    unfinished = [
        e.checkbox
        for e in facilitator.shown("checkbox")
        if e.checkbox.label.startswith(REVEAL_ANYWAY)
    ]
    if unfinished:
        await facilitator.rerun([WidgetState(id=unfinished[0].id, bool_value=True)])
    await facilitator.click(REVEAL)


async def facilitator_loop(
    session: ProtocolSession, refreshes: list[float], stop: asyncio.Event
) -> None:
    """The open dashboard: its fragment reruns at its interval (one request at a time)."""
    while not stop.is_set():
        if not session.auto_reruns:
            await asyncio.sleep(0.5)
            continue
        fragment_id, interval = next(iter(session.auto_reruns.items()))
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except TimeoutError:
            result = await session.rerun(fragment_id=fragment_id)
            refreshes.append(result.seconds)


# --------------------------------------------------------------------------- one level


@dataclass
class LevelResult:
    database: str
    variant: str
    n: int
    joined: int = 0
    finished: int = 0
    saved: int = 0
    stored: int = 0
    lost: int = 0
    click_p50_ms: float | None = None
    click_p95_ms: float | None = None
    click_max_ms: float | None = None
    cpu_per_answer_ms: float | None = None
    cpu_per_run_ms: float | None = None
    cpu_per_click_alone_ms: float | None = None
    gc_young_per_answer: float | None = None
    gc_full_per_answer_ms: float | None = None
    gc_full_median_ms: float | None = None
    cpu_per_join_ms: float | None = None
    join_p50_s: float | None = None
    join_p95_s: float | None = None
    wait_cpu_share: float | None = None
    poll_p50_ms: float | None = None
    poll_p95_ms: float | None = None
    refresh_p50_ms: float | None = None
    refresh_p95_ms: float | None = None
    reveal_all_s: float | None = None
    dropped_polls: int = 0
    rss_per_session_mb: float | None = None
    rss_mb: float | None = None
    client_cpu_share: float | None = None
    wall_s: float = 0.0
    errors: list[str] = field(default_factory=list)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _ms(value: float | None) -> float | None:
    return None if value is None else value * 1000


class Level:
    """One run of N participants against one server."""

    def __init__(
        self,
        args: argparse.Namespace,
        n: int,
        server: AppServer,
        svc: WorkshopService,
        gc_path: Path,
        variant: str,
    ) -> None:
        self.args, self.n, self.server, self.svc, self.gc_path = args, n, server, svc, gc_path
        self.variant = variant
        self.pid = server.process.pid if server.process else 0
        self.deadline = time.monotonic() + args.max_seconds
        self.rng = random.Random(args.seed + n)
        self.click_alone_ms: float | None = None
        self.stage = "start"  # named in the error when the level stops early

    def _session(self, page: str, query: str) -> ProtocolSession:
        return ProtocolSession(self.server.base, page, query, timeout=self.args.timeout)

    def start_profiler(self, phase: str) -> subprocess.Popen[bytes] | None:
        """py-spy on the server for one phase (answer, wait), when `--profile FILE` asks."""
        if not self.args.profile:
            return None
        # --gil: only the thread holding the GIL, i.e. where the server spends CPU on Python.
        cmd = ["py-spy", "record", "--pid", str(self.pid), "--format", "raw", "--rate", "200"]
        name = f"{self.args.profile}.{self.n}.{self.variant}.{phase}.txt"
        cmd += ["--gil", "--nonblocking", "--output", name]
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @staticmethod
    def stop_profiler(profiler: subprocess.Popen[bytes] | None) -> None:
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)

    async def warm_up(self) -> None:
        created = self.svc.create_workshop(
            "Warm-up", PartnershipType.OTHER, ["three-levels"], PARTNERS
        )
        fac = self._session("facilitator", f"t={created.facilitator_token}")
        await fac.open()
        person = self._session("join", f"code={created.join_code}")
        who = Person("Warm-up person", PARTNERS[0])
        await join(person, who)
        plan = Plan(0, 1, self.deadline, self.rng)
        await rate_one(person, who, rating_radios(person)[0], plan)
        await fac.close()
        self.click_alone_ms = await self.clicks_alone(person, who, plan)
        await person.close()

    async def clicks_alone(self, person: ProtocolSession, who: Person, plan: Plan) -> float:
        """Server CPU per rating click with nothing else running: the median over batches
        of `_ALONE_BATCH` clicks one after the other (CPU is counted in clock ticks of 10 ms,
        so a batch's mean is the finest figure that is not rounded to a tick)."""
        per_batch = []
        for step in range(1, _ALONE_BATCHES + 1):
            first = 1 if step == 1 else 0  # the warm-up's own answer is the step's first
            radios = rating_radios(person)[first : first + _ALONE_BATCH]
            cpu = server_cpu(self.pid)
            for radio in radios:
                await rate_one(person, who, radio, plan)
            per_batch.append((server_cpu(self.pid) - cpu) * 1000 / len(radios))
            box = person.widget("selectbox", JUMP)
            if step < len(box.options):
                await person.rerun([WidgetState(id=box.id, string_value=box.options[step])])
        return statistics.median(per_batch)

    async def run(self, result: LevelResult) -> None:
        args = self.args
        self.stage = "warm-up"
        await self.warm_up()
        await asyncio.sleep(1.0)
        created = self.svc.create_workshop(
            f"Capacity {self.n}", PartnershipType.OTHER, ["three-levels"], PARTNERS
        )
        facilitator = self._session("facilitator", f"t={created.facilitator_token}")
        self.stage = "facilitator"
        await facilitator.open()
        stop, refreshes = asyncio.Event(), []
        fac_task = asyncio.create_task(facilitator_loop(facilitator, refreshes, stop))
        rss0, cpu0 = server_rss_mb(self.pid), server_cpu(self.pid)
        people = [Person(f"Person {i:03d}", PARTNERS[i % 2]) for i in range(self.n)]
        sessions = [self._session("join", f"code={created.join_code}") for _ in people]
        plan = Plan(args.pace, args.answers, self.deadline, self.rng)

        async def guarded(coro, who: Person) -> None:  # noqa: ANN001
            try:
                await coro
            except Exception as exc:  # noqa: BLE001 - recorded per participant, reported
                who.error = who.error or f"{who.name}: {type(exc).__name__}: {str(exc)[:160]}"

        self.stage = "join"
        await asyncio.gather(
            *(guarded(join(s, p), p) for s, p in zip(sessions, people, strict=True))
        )
        cpu1, gc1 = server_cpu(self.pid), GcTotals.read(self.gc_path)
        everyone = [facilitator, *sessions]
        runs1 = sum(s.runs for s in everyone)
        joined = [(s, p) for s, p in zip(sessions, people, strict=True) if p.join_s is not None]
        profiler = self.start_profiler("answer")
        self.stage = "answer"
        await asyncio.gather(*(guarded(answer(s, p, plan), p) for s, p in joined))
        self.stage = "wait"
        cpu2, gc2 = server_cpu(self.pid), GcTotals.read(self.gc_path)
        runs2 = sum(s.runs for s in everyone)
        self.stop_profiler(profiler)
        rss2 = server_rss_mb(self.pid)

        waiting = [(s, p) for s, p in joined if p.finished and not p.error]
        window = min(args.wait_seconds, max(self.deadline - time.monotonic(), 0))
        wait_tasks = [
            asyncio.create_task(guarded(wait_for_reveal(s, p, self.deadline), p))
            for s, p in waiting
        ]
        await asyncio.sleep(1.0)  # every waiting screen is on its poll cycle
        profiler = self.start_profiler("wait")
        cpu3, t3 = server_cpu(self.pid), time.monotonic()
        await asyncio.sleep(window)
        cpu4, t4 = server_cpu(self.pid), time.monotonic()
        self.stop_profiler(profiler)
        polls_before_reveal = [x for _, p in waiting for x in p.polls]
        self.stage = "reveal"
        stop.set()
        await fac_task  # one request at a time on the facilitator's page
        revealed = time.monotonic()
        if args.reveal_via == "page":
            await reveal_on_page(facilitator)
        else:
            self.svc.reveal(created.facilitator_token)
            revealed = time.monotonic()
        if wait_tasks:  # none when nobody got as far as handing in (errors say why)
            await asyncio.wait(
                wait_tasks, timeout=min(args.reveal_timeout, max(self.deadline - revealed, 1))
            )
        for task in wait_tasks:
            task.cancel()

        dash = self.svc.dashboard(created.facilitator_token)
        stored = {p.name: p.answered for p in dash.participants}
        latencies = [x for p in people for x in p.latencies]
        saved = sum(p.saved for p in people)
        answer_gc = gc2.since(gc1)
        result.joined = len(joined)
        result.finished = len(waiting)
        result.saved, result.stored = saved, sum(stored.values())
        result.lost = sum(max(p.saved - stored.get(p.name, 0), 0) for p in people)
        result.click_p50_ms = _ms(_pct(latencies, 0.5))
        result.click_p95_ms = _ms(_pct(latencies, 0.95))
        result.click_max_ms = _ms(max(latencies)) if latencies else None
        if saved:
            result.cpu_per_answer_ms = (cpu2 - cpu1) * 1000 / saved
            result.cpu_per_run_ms = (cpu2 - cpu1) * 1000 / max(runs2 - runs1, 1)
            result.gc_young_per_answer = answer_gc.young / saved
            result.gc_full_per_answer_ms = answer_gc.full_ms / saved if answer_gc.full else None
        result.cpu_per_click_alone_ms = self.click_alone_ms
        result.gc_full_median_ms = (
            statistics.median(answer_gc.durations) if answer_gc.durations else None
        )
        if joined:
            result.cpu_per_join_ms = (cpu1 - cpu0) * 1000 / len(joined)
            joins = [p.join_s for _, p in joined if p.join_s is not None]
            result.join_p50_s, result.join_p95_s = _pct(joins, 0.5), _pct(joins, 0.95)
            result.rss_per_session_mb = (rss2 - rss0) / len(joined)
        result.rss_mb = rss2
        if t4 - t3 >= 1.0:  # no window when the answer phase used up the level's time
            result.wait_cpu_share = (cpu4 - cpu3) / (t4 - t3)
        result.poll_p50_ms = _ms(_pct(polls_before_reveal, 0.5))
        result.poll_p95_ms = _ms(_pct(polls_before_reveal, 0.95))
        result.refresh_p50_ms = _ms(_pct(refreshes, 0.5))
        result.refresh_p95_ms = _ms(_pct(refreshes, 0.95))
        seen = [p.revealed_after for _, p in waiting if p.revealed_after is not None]
        if waiting and len(seen) == len(waiting):
            result.reveal_all_s = max(seen) - revealed
        result.dropped_polls = sum(p.dropped_polls for p in people)
        result.errors = [p.error for p in people if p.error][:5]
        await asyncio.gather(*(s.close() for s in [facilitator, *sessions]))


def run_level(args: argparse.Namespace, n: int, database: str, variant: str) -> LevelResult:
    """Start a server for this level (stock or with the GC freeze), run it, stop it."""
    kind = "sqlite" if database == "sqlite" else "postgres"
    result = LevelResult(database=kind, variant=variant, n=n)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pf-capacity-") as tmp:
        url = database if database != "sqlite" else f"sqlite:///{tmp}/partnership_fit.sqlite3"
        gc_path = Path(tmp) / "gc.txt"
        env = {
            "PARTNERSHIP_FIT_DATA_DIR": tmp,
            "PARTNERSHIP_FIT_DATABASE_URL": url,
            GC_STATS_ENV: str(gc_path),
            **VARIANTS[variant],
        }
        server = AppServer(
            free_port(),
            env,
            Path(tmp) / "server.log",
            launcher=SERVE,
            cpus="0" if args.pin else None,
        )
        client0 = time.process_time()
        with server.running(), contextlib.closing(WorkshopService(url)) as svc:
            level = Level(args, n, server, svc, gc_path, variant)
            try:
                asyncio.run(asyncio.wait_for(level.run(result), args.max_seconds + 60))
            except (TimeoutError, ScriptError, OSError) as exc:
                result.errors.append(
                    f"level stopped in {level.stage}: {type(exc).__name__}: {str(exc)[:160]}"
                )
        result.wall_s = time.perf_counter() - started
        result.client_cpu_share = (time.process_time() - client0) / max(result.wall_s, 1e-9)
    return result


# --------------------------------------------------------------------------- reporting

COLUMNS = [
    ("db", "database", "{}"),
    ("variant", "variant", "{}"),
    ("N", "n", "{}"),
    ("joined", "joined", "{}"),
    ("saved/stored", None, None),
    ("lost", "lost", "{}"),
    ("click p50 ms", "click_p50_ms", "{:.0f}"),
    ("p95 ms", "click_p95_ms", "{:.0f}"),
    ("max ms", "click_max_ms", "{:.0f}"),
    ("CPU/answer ms", "cpu_per_answer_ms", "{:.1f}"),
    ("CPU/run ms", "cpu_per_run_ms", "{:.1f}"),
    ("CPU/click alone ms", "cpu_per_click_alone_ms", "{:.1f}"),
    ("full GC/answer ms", "gc_full_per_answer_ms", "{:.1f}"),
    ("young GCs/answer", "gc_young_per_answer", "{:.0f}"),
    ("full GC median ms", "gc_full_median_ms", "{:.1f}"),
    ("CPU/join ms", "cpu_per_join_ms", "{:.0f}"),
    ("join p50 s", "join_p50_s", "{:.2f}"),
    ("join p95 s", "join_p95_s", "{:.2f}"),
    ("waiting CPU %", "wait_cpu_share", "{:.0%}"),
    ("poll p50 ms", "poll_p50_ms", "{:.0f}"),
    ("poll p95 ms", "poll_p95_ms", "{:.0f}"),
    ("dashboard p95 ms", "refresh_p95_ms", "{:.0f}"),
    ("reveal to all s", "reveal_all_s", "{:.1f}"),
    ("RSS/session MB", "rss_per_session_mb", "{:.2f}"),
    ("RSS MB", "rss_mb", "{:.0f}"),
    ("client CPU %", "client_cpu_share", "{:.0%}"),
]


def _cell(result: LevelResult, attr: str | None, fmt: str | None) -> str:
    if attr is None:
        return f"{result.saved}/{result.stored}"
    value = getattr(result, attr)
    if value is None:
        return "-"
    return fmt.format(value) if fmt else str(value)


def table(results: list[LevelResult]) -> str:
    head = "| " + " | ".join(c[0] for c in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    rows = ["| " + " | ".join(_cell(r, a, f) for _, a, f in COLUMNS) + " |" for r in results]
    return "\n".join([head, rule, *rows])


SPREAD = [
    ("click p50 ms", "click_p50_ms", "{:.0f}"),
    ("click p95 ms", "click_p95_ms", "{:.0f}"),
    ("click max ms", "click_max_ms", "{:.0f}"),
    ("CPU/answer ms", "cpu_per_answer_ms", "{:.1f}"),
    ("CPU/run ms", "cpu_per_run_ms", "{:.1f}"),
    ("CPU/click alone ms", "cpu_per_click_alone_ms", "{:.1f}"),
    ("full GC median ms", "gc_full_median_ms", "{:.1f}"),
    ("CPU/join ms", "cpu_per_join_ms", "{:.0f}"),
    ("join p95 s", "join_p95_s", "{:.2f}"),
    ("waiting CPU %", "wait_cpu_share", "{:.0%}"),
    ("poll p95 ms", "poll_p95_ms", "{:.0f}"),
    ("reveal to all s", "reveal_all_s", "{:.1f}"),
    ("RSS/session MB", "rss_per_session_mb", "{:.2f}"),
]


def _median_cell(values: list[float | None], fmt: str) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "-"
    median = fmt.format(statistics.median(present))
    if len(present) == 1:
        return median
    return f"{median} ({fmt.format(min(present))}-{fmt.format(max(present))})"


def summary(results: list[LevelResult]) -> str:
    """Median of the repeats of each (database, variant, N), with the range in brackets."""
    groups: dict[tuple[str, str, int], list[LevelResult]] = {}
    for r in results:
        groups.setdefault((r.database, r.variant, r.n), []).append(r)
    head = "| db | variant | N | runs | lost | " + " | ".join(c[0] for c in SPREAD) + " |"
    rule = "|" + "|".join("---" for _ in range(5 + len(SPREAD))) + "|"
    rows = []
    for (db, variant, n), runs in groups.items():
        lost = "+".join(str(r.lost) for r in runs)
        cells = [_median_cell([getattr(r, a) for r in runs], f) for _, a, f in SPREAD]
        rows.append(
            f"| {db} | {variant} | {n} | {len(runs)} | {lost} | " + " | ".join(cells) + " |"
        )
    return "\n".join([head, rule, *rows])


def load_results(path: Path) -> list[LevelResult]:
    """The runs a `--json` output file holds (one JSON object a line among the table)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    known = {f.name for f in fields(LevelResult)}
    runs = [json.loads(line) for line in lines if line.startswith("{")]
    # Files written before a column was renamed still load (the old column is left out).
    return [LevelResult(**{k: v for k, v in run.items() if k in known}) for run in runs]


def _databases(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """ "sqlite" (a fresh file per level) unless --postgres-only, then the PostgreSQL URL."""
    if args.postgres_only and not args.postgres:
        parser.error("--postgres-only needs --postgres URL")
    return ([] if args.postgres_only else ["sqlite"]) + ([args.postgres] if args.postgres else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="25,50,100,200", help="participant counts")
    parser.add_argument("--variants", default="stock,freeze", help=", ".join(VARIANTS))
    parser.add_argument("--repeats", type=int, default=1, help="runs of each level")
    parser.add_argument("--pace", type=float, default=4.0, help="mean seconds between clicks")
    parser.add_argument("--answers", type=int, default=None, help="statements each rates (all)")
    parser.add_argument("--wait-seconds", type=float, default=15.0, help="waiting window")
    parser.add_argument("--reveal-timeout", type=float, default=60.0, help="seconds")
    parser.add_argument(
        "--reveal-via",
        choices=["page", "service"],
        default="page",
        help="the facilitator's button (pushed) or the service (as from another process)",
    )
    parser.add_argument("--max-seconds", type=float, default=600.0, help="cap per level")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--postgres", default="", help="also on this PostgreSQL URL")
    parser.add_argument("--postgres-only", action="store_true", help="no SQLite run")
    parser.add_argument("--pin", action="store_true", help="server on CPU 0, clients on CPU 1")
    parser.add_argument("--quick", action="store_true", help="N=10, 5 answers, 60 s a server")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default="", help="py-spy answering and waiting: FILE.N.*.txt")
    parser.add_argument("--json", action="store_true", help="one JSON line per run as well")
    parser.add_argument("--summarise", nargs="*", default=None, help="tables of --json files")
    args = parser.parse_args(argv)
    if args.summarise is not None:
        earlier = [r for name in args.summarise for r in load_results(Path(name))]
        print(table(earlier), summary(earlier), sep="\n\n")
        return 0
    if args.quick:
        args.levels, args.answers, args.max_seconds, args.wait_seconds = "10", 5, 60.0, 6.0
        args.reveal_timeout = 15.0
    unknown = set(args.variants.split(",")) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variant(s) {sorted(unknown)}; choose from {list(VARIANTS)}")
    if args.pin:
        os.sched_setaffinity(0, {1})
    results: list[LevelResult] = []
    for database in _databases(parser, args):
        for n in (int(x) for x in args.levels.split(",")):
            for _ in range(args.repeats):  # variants alternate, so noise hits both alike
                for variant in args.variants.split(","):
                    result = run_level(args, n, database, variant)
                    results.append(result)
                    print(table([result]).splitlines()[-1], flush=True)
                    for error in result.errors:
                        print(f"    {error}", flush=True)
                    if args.json:
                        print(json.dumps(asdict(result)), flush=True)
    print()
    print(table(results))
    if args.repeats > 1:
        print()
        print(summary(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
