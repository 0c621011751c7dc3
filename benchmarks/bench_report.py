"""Time the summary report: a two-partner workshop assessment, 6 respondents per partner,
every statement of every shipped bank.

The PDF is timed as a whole process (`python -m partnership_core report ...`: start-up,
imports, font loading, scoring and rendering), because that is what a user waits for; the
HTML is timed in-process (model + render), as the app produces it. Prints medians.

Run: python benchmarks/bench_report.py [--repeat 9]
Targets: PDF < 2 s median as a process, HTML < 0.5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from partnership_core.assessment import (
    Action,
    AgreedItem,
    Answer,
    Assessment,
    Partner,
    Respondent,
    WorkshopRecord,
    dump_assessment,
)
from partnership_core.bank import BankSet, PartnershipType, load_bank_set, load_banks
from partnership_core.report import build_report_model, render_html

PDF_TARGET_S = 2.0
HTML_TARGET_S = 0.5


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="runs per measurement (>= 7)")
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
        cmd = [sys.executable, "-m", "partnership_core", "report", str(source), "-o", str(out)]
        pdf_times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            pdf_times.append(time.perf_counter() - start)
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

    pdf_median = statistics.median(pdf_times)
    html_median = statistics.median(html_times)
    print(
        f"PDF as a process:  median {pdf_median:.3f} s over {repeat} runs "
        f"(min {min(pdf_times):.3f}, max {max(pdf_times):.3f}), {size / 1024:.0f} KB; "
        f"target < {PDF_TARGET_S} s: {'ok' if pdf_median < PDF_TARGET_S else 'MISSED'}"
    )
    print(
        f"HTML in-process:   median {html_median:.3f} s (scoring + model + render; render alone "
        f"{statistics.median(render_times):.3f} s), {len(page) / 1024:.0f} KB; "
        f"target < {HTML_TARGET_S} s: {'ok' if html_median < HTML_TARGET_S else 'MISSED'}"
    )
    return 0 if pdf_median < PDF_TARGET_S and html_median < HTML_TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
