"""Load benchmark of a workshop: N participants join and answer at the same time.

Each participant is a separate browser context (390 px, a phone) in one headless Chromium,
driven concurrently with Playwright's async API against a real `streamlit run app.py`
server. A participant joins through the join link, then rates the statements of the first
`--steps` questionnaire steps, clicking the next statement once the page shows the previous
one was taken in (as a person would).

Measured per level N (default 5, 10, 20, 30):
- every answer saved: the database, read through `WorkshopService`, holds exactly the
  answers clicked, for every participant;
- click-to-saved latency: from the click to the moment the database counts the answer
  (a poller reads the facilitator dashboard every 25 ms), median and p95;
- time to join (open join link -> personal link shown), median.

Run:  python benchmarks/bench_workshop_load.py [--levels 5,10,20,30] [--steps 2]
By default it starts its own server on a temporary SQLite folder; `--database-url` runs it
on PostgreSQL instead. Prints one line per level and the largest N held.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402

from benchmarks.app_server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE_SCRIPT,
    AppServer,
    free_port,
)
from benchmarks.workshop_driver import LIVE_RADIOS, RATING_LABELS  # noqa: E402
from partnership_core.bank import PartnershipType, load_bank_set  # noqa: E402
from partnership_core.workshop import WorkshopService  # noqa: E402
from partnership_ui.widgets.questionnaire import questionnaire_pages  # noqa: E402

PARTNERS = ["Northfield Food Bank", "Harvest Market Grocers"]


@dataclass
class Participant:
    name: str
    partner: str
    clicks: list[float] = field(default_factory=list)
    join_seconds: float | None = None
    error: str | None = None


@dataclass
class LevelResult:
    n: int
    joined: int
    clicked: int
    stored: int
    all_saved: bool
    median_ms: float | None
    p95_ms: float | None
    join_median_s: float | None
    wall_s: float
    errors: list[str]

    def line(self) -> str:
        def f(v: float | None, unit: str) -> str:
            return "-" if v is None else f"{v:.0f}{unit}" if unit == "ms" else f"{v:.1f}{unit}"

        return (
            f"N={self.n:>3}  joined {self.joined:>3}/{self.n:<3} answers stored "
            f"{self.stored:>4}/{self.clicked:<4} {'ALL SAVED' if self.all_saved else 'LOST':<9} "
            f"click->saved median {f(self.median_ms, 'ms'):>6} p95 {f(self.p95_ms, 'ms'):>6}  "
            f"join median {f(self.join_median_s, 's'):>5}  wall {self.wall_s:.0f}s"
        )


async def _idle(page: Page) -> None:
    for _ in range(2):
        await page.wait_for_timeout(120)
        await page.wait_for_function(IDLE_SCRIPT, timeout=120_000)


async def _answered(page: Page) -> int:
    import re

    text = await page.get_by_text(re.compile(r"^\d+ of \d+ statements answered")).inner_text()
    return int(text.split(" ", 1)[0])


async def _run_participant(
    browser: Browser, base: str, code: str, who: Participant, steps: int, timeout_ms: int
) -> None:
    import re

    context = await browser.new_context(viewport={"width": 390, "height": 1400})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(f"{base}/join?code={code}", timeout=timeout_ms)
        await page.get_by_text("Which organisation do you answer for?").wait_for(timeout=timeout_ms)
        await page.locator('[data-testid="stRadio"]').get_by_text(who.partner, exact=True).click()
        await page.get_by_label("Your name (as the others will see it)").fill(who.name)
        await page.get_by_role("button", name="Join", exact=True).click()
        await page.get_by_text("Your personal link").wait_for(timeout=timeout_ms)
        who.join_seconds = time.perf_counter() - start
        for step in range(steps):
            radios = page.locator(LIVE_RADIOS).filter(has_text="Strongly agree")
            await radios.first.wait_for(timeout=timeout_ms)
            await _idle(page)
            heading = await page.locator("h3").first.inner_text()
            labels = [
                (await radios.nth(i).locator('[data-testid="stWidgetLabel"]').inner_text()).strip()
                for i in range(await radios.count())
            ]
            answered = await _answered(page)
            for i, text in enumerate(labels):
                rating = RATING_LABELS[(len(who.clicks) + i + len(who.name)) % 5 + 1]
                radio = page.locator(LIVE_RADIOS).filter(
                    has=page.locator('[data-testid="stWidgetLabel"]', has_text=text)
                )
                option = radio.first.locator("label").filter(has_text=rating)
                await option.click()
                who.clicks.append(time.perf_counter())
                answered += 1
                await expect(
                    page.get_by_text(re.compile(rf"^{answered} of \d+ statements answered"))
                ).to_be_visible(timeout=timeout_ms)
            if step < steps - 1:
                await page.locator("button").filter(has_text=re.compile("Next →")).click()
                await expect(page.locator("h3").first).not_to_have_text(heading, timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001 - recorded and reported per participant
        who.error = f"{who.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    finally:
        await context.close()


class _Poller(threading.Thread):
    """Reads the dashboard every `interval` s; notes when each answer count was first seen."""

    def __init__(self, svc: WorkshopService, token: str, interval: float = 0.025) -> None:
        super().__init__(daemon=True)
        self.svc, self.token, self.interval = svc, token, interval
        self.first_seen: dict[str, dict[int, float]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                dash = self.svc.dashboard(self.token)
            except Exception:  # noqa: BLE001 - a busy database: try again next tick
                time.sleep(self.interval)
                continue
            now = time.perf_counter()
            for p in dash.participants:
                seen = self.first_seen.setdefault(p.name, {})
                for k in range(1, p.answered + 1):
                    seen.setdefault(k, now)
            time.sleep(self.interval)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def run_level(
    n: int, base: str, svc: WorkshopService, steps: int, timeout_ms: int
) -> LevelResult:
    created = svc.create_workshop(
        f"Load test with {n} people",
        PartnershipType.OTHER,
        ["three-levels"],
        PARTNERS,
        ask_predictions=True,
    )
    people = [Participant(name=f"Person {i:02d}", partner=PARTNERS[i % 2]) for i in range(n)]
    poller = _Poller(svc, created.facilitator_token)
    poller.start()
    start = time.perf_counter()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await asyncio.gather(
            *(
                _run_participant(browser, base, created.join_code, p, steps, timeout_ms)
                for p in people
            )
        )
        await browser.close()
    wall = time.perf_counter() - start
    await asyncio.sleep(1.0)  # let the poller see the last writes
    poller.stop.set()
    poller.join()

    dash = svc.dashboard(created.facilitator_token)
    stored = {p.name: p.answered for p in dash.participants}
    latencies: list[float] = []
    for p in people:
        seen = poller.first_seen.get(p.name, {})
        for k, clicked_at in enumerate(p.clicks, start=1):
            if k in seen:
                latencies.append(max(seen[k] - clicked_at, 0.0) * 1000)
    clicked = sum(len(p.clicks) for p in people)
    errors = [p.error for p in people if p.error]
    banks = load_bank_set(dash.workshop.banks)
    expected = sum(
        len(s.statement_ids)
        for s in questionnaire_pages(banks, list(dash.workshop.statements))[:steps]
    )
    all_saved = (
        not errors
        and len(stored) == n
        and all(len(p.clicks) == expected == stored.get(p.name) for p in people)
    )
    joins = [p.join_seconds for p in people if p.join_seconds is not None]
    return LevelResult(
        n=n,
        joined=len(stored),
        clicked=clicked,
        stored=sum(stored.values()),
        all_saved=all_saved,
        median_ms=statistics.median(latencies) if latencies else None,
        p95_ms=_percentile(latencies, 0.95) if latencies else None,
        join_median_s=statistics.median(joins) if joins else None,
        wall_s=wall,
        errors=errors[:5],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="5,10,20,30", help="participant counts to try")
    parser.add_argument("--steps", type=int, default=2, help="questionnaire steps each answers")
    parser.add_argument("--database-url", default="", help="e.g. postgresql+psycopg://...")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per page action")
    parser.add_argument("--json", action="store_true", help="also print one JSON line per level")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="pf-bench-") as tmp:
        env = {"PARTNERSHIP_FIT_DATA_DIR": tmp, "PARTNERSHIP_FIT_DATABASE_URL": args.database_url}
        server = AppServer(free_port(), env, Path(tmp) / "server.log").start()
        svc = (
            WorkshopService(args.database_url)
            if args.database_url
            else WorkshopService.from_environment(data_dir=tmp)
        )
        held = 0
        try:
            for n in (int(x) for x in args.levels.split(",")):
                result = asyncio.run(
                    run_level(n, server.base, svc, args.steps, int(args.timeout * 1000))
                )
                print(result.line(), flush=True)
                for error in result.errors:
                    print(f"    {error}", flush=True)
                if args.json:
                    print(json.dumps(result.__dict__), flush=True)
                if result.all_saved:
                    held = max(held, n)
        finally:
            svc.close()
            server.kill()
    print(f"largest N held with every answer saved: {held}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
