"""Time the summary report: a two-partner workshop assessment, 6 respondents per partner,
every statement of every shipped bank.

The PDF is timed as a whole process (`python -m partnership_core report ...`: start-up,
imports, font loading, scoring and rendering), because that is what a user waits for. In the
same run, and interleaved with it so that a busy machine slows all alike, two floors are timed:
`python -c pass` (the interpreter alone) and `python -c "import partnership_core"` (the package
alone); the PDF is reported beside both, as medians and ratios. The processes run as an
installed package does, from compiled bytecode (written once, to a temporary folder, in an
untimed first round); `--no-bytecode` keeps the environment's setting instead, and with
PYTHONDONTWRITEBYTECODE=1 every run then compiles the checkout's modules afresh.
`--baseline DIR` times the PDF and the floor of another checkout too (e.g. a worktree of
main), in the same rounds, for a before/after on one machine. The HTML is timed in-process
(model + render), as the app produces it.

Run: python benchmarks/bench_report.py [--repeat 9] [--no-bytecode] [--baseline DIR]
Targets: PDF < 0.8 s median as a process, HTML < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

# This checkout, here and in the timed processes (not whichever copy is installed).
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnership_core.assessment import (  # noqa: E402
    Action,
    AgreedItem,
    Answer,
    Assessment,
    Partner,
    Respondent,
    WorkshopRecord,
    dump_assessment,
)
from partnership_core.bank import (  # noqa: E402
    BankSet,
    PartnershipType,
    load_bank_set,
    load_banks,
)
from partnership_core.report import build_report_model, render_html  # noqa: E402

PDF_TARGET_S = 0.8
HTML_TARGET_S = 0.5
FLOOR = "import partnership_core"
BASELINE = "(baseline)"


def build(seed: int = 1) -> tuple[Assessment, BankSet]:
    """Two partners x 6 respondents, all banks, predictions, comments and a workshop."""
    rng = random.Random(seed)
    bank_ids = list(load_banks())
    banks = load_bank_set(bank_ids)
    ptype = PartnershipType.BUSINESS_NONPROFIT
    partners = [
        Partner(id="fb", name="Northfield Regional Food Bank"),
        Partner(id="gm", name="Harvest Market Grocers"),
    ]
    respondents = [
        Respondent(id=f"{p.id}{j}", name=f"Person {p.id.upper()}{j}", partner=p.id)
        for p in partners
        for j in range(6)
    ]
    comments = [
        None,
        None,
        None,
        None,
        "We need to talk about this — soon; “who pays” is still open.",
        "Привет: the board wants this settled before the contract draft. " * 3,
    ]
    qids = banks.applicable(ptype)
    answers = [
        Answer(
            respondent=r.id,
            statement=q,
            rating=rng.choice([1, 2, 3, 4, 5, 5, 4, 4, "not_sure"]),
            importance=rng.choice([None, "low", "medium", "high"]),
            prediction=rng.choice([None, None, 2, 3, 4]),
            comment=rng.choice(comments),
        )
        for r in respondents
        for q in qids
    ]
    workshop = WorkshopRecord(
        agreed=[
            AgreedItem(
                statement=q,
                agreed_rating=rng.randint(1, 5),
                disagreement=rng.random() < 0.2,
                notes=rng.choice(["", "Agreed after discussion; to be written into the MOU."]),
            )
            for q in rng.sample(qids, 12)
        ],
        actions=[
            Action(
                title=f"Follow up point {i}",
                owner=rng.choice(["Amara Okafor", "Priya Raman"]),
                due=date(2025, 5, 1 + i),
                statement=rng.choice(qids),
            )
            for i in range(8)
        ],
        revealed_at=datetime(2025, 4, 1, 10, tzinfo=UTC),
    )
    assessment = Assessment(
        name="Benchmark partnership",
        partnership_type=ptype,
        banks=bank_ids,
        partners=partners,
        respondents=respondents,
        answers=answers,
        workshop=workshop,
    )
    return assessment, banks


def child_env(pycache: Path | None) -> dict[str, str]:
    """The environment of the timed processes. With `pycache`, they run as an installed
    package does (pip compiles the bytecode at install): bytecode is written once, to that
    temporary folder rather than into the checkout, and read on every later run."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def time_processes(
    commands: dict[str, list[str]],
    repeat: int,
    env: dict[str, str],
    folders: dict[str, Path] | None = None,
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU (user + system) seconds of each command, `repeat` rounds after one
    untimed round, the commands taking turns in every round. CPU time shows the work when
    other jobs share the machine. Each command runs in its folder of `folders` (the
    checkout it imports), this checkout by default."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for round_no in range(repeat + 1):
        for name, cmd in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            cwd = (folders or {}).get(name, ROOT)
            subprocess.run(cmd, check=True, capture_output=True, cwd=cwd, env=env)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_no:
                times[name][0].append(wall)
                times[name][1].append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
    return times


def _pdf_summary(walls: dict[str, float], cpus: dict[str, float], suffix: str) -> str:
    """The PDF's median beside its floors, for this checkout (`suffix` "") or the baseline."""
    pdf, floor = walls["PDF report" + suffix], FLOOR + suffix
    return (
        f"median {pdf:.3f} s; {pdf / walls[floor]:.2f}x the package import "
        f"(CPU {cpus['PDF report' + suffix] / cpus[floor]:.2f}x), "
        f"{pdf / walls['python -c pass']:.2f}x the bare interpreter; "
        f"target < {PDF_TARGET_S} s: {'ok' if pdf < PDF_TARGET_S else 'MISSED'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="runs per measurement (>= 7)")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep the environment's bytecode setting (PYTHONDONTWRITEBYTECODE=1 compiles "
        "every module of the checkout on every run)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="another checkout whose PDF and package import are timed in the same rounds",
    )
    args = parser.parse_args()
    repeat = max(7, args.repeat)
    assessment, banks = build()
    print(
        f"{len(assessment.partners)} partners, {len(assessment.respondents)} respondents, "
        f"{len(assessment.answers)} answers, banks: {', '.join(assessment.banks)}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "assessment.json"
        source.write_text(dump_assessment(assessment), encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        floor_cmd = [sys.executable, "-c", "import partnership_core"]
        pdf_cmd = [sys.executable, "-m", "partnership_core", "report", str(source), "-o"]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import partnership_core": floor_cmd,
            "PDF report": [*pdf_cmd, str(out)],
        }
        folders = {}
        if args.baseline:
            commands[f"{FLOOR} {BASELINE}"] = floor_cmd
            commands[f"PDF report {BASELINE}"] = [*pdf_cmd, str(Path(tmp) / "baseline.pdf")]
            folders = {name: args.baseline.resolve() for name in commands if BASELINE in name}
        pycache = None if args.no_bytecode else Path(tmp) / "pycache"
        process_times = time_processes(commands, repeat, child_env(pycache), folders)
        size = out.stat().st_size

    html_times, render_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        data = build_report_model(assessment, banks)
        mid = time.perf_counter()
        page = render_html(data)
        end = time.perf_counter()
        html_times.append(end - start)
        render_times.append(end - mid)

    walls = {name: statistics.median(wall) for name, (wall, _) in process_times.items()}
    cpus = {name: statistics.median(cpu) for name, (_, cpu) in process_times.items()}
    bytecode = "from source" if args.no_bytecode else "with bytecode, as installed"
    print(
        f"Whole processes ({bytecode}), median of {repeat} interleaved runs "
        "(wall; CPU user + system):"
    )
    width = max(map(len, process_times))
    for name, (wall, _) in process_times.items():
        print(
            f"  {name:<{width}} {walls[name]:.3f} s (min {min(wall):.3f}, max {max(wall):.3f}); "
            f"CPU {cpus[name]:.3f} s"
        )
    pdf_median = walls["PDF report"]
    print(f"PDF as a process:  {_pdf_summary(walls, cpus, '')}, {size / 1024:.0f} KB")
    if args.baseline:
        print(f"Baseline {args.baseline}: {_pdf_summary(walls, cpus, ' ' + BASELINE)}")
    html_median = statistics.median(html_times)
    print(
        f"HTML in-process:   median {html_median:.3f} s (scoring + model + render; render alone "
        f"{statistics.median(render_times):.3f} s), {len(page) / 1024:.0f} KB; "
        f"target < {HTML_TARGET_S} s: {'ok' if html_median < HTML_TARGET_S else 'MISSED'}"
    )
    return 0 if pdf_median < PDF_TARGET_S and html_median < HTML_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
