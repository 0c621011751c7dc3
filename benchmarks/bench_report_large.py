"""Time the summary report of a very large assessment: 100,000 answers (800 respondents
in 4 partners x 125 statements of every shipped bank), a comment on every fourth answer.

Times the model, the PDF and the HTML in-process (what the app's "Prepare the summary
report" button waits for) and prints the PDF's page count and size.

Run: python benchmarks/bench_report_large.py [--answers 100000]
"""

from __future__ import annotations

import argparse
import io
import time

from pypdf import PdfReader

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import BankSet, PartnershipType, load_bank_set, load_banks
from partnership_core.report import build_report_model, render_html, render_pdf
from partnership_core.scoring import score_assessment


def build(total_answers: int) -> tuple[Assessment, BankSet]:
    banks = load_bank_set(list(load_banks()))
    ptype = PartnershipType.BUSINESS_NONPROFIT
    qids = banks.applicable(ptype)
    partners = [Partner(id=f"p{i}", name=f"Partner {i}") for i in range(4)]
    people = max(1, total_answers // len(qids))
    respondents = [
        Respondent(id=f"r{j}", name=f"Person {j}", partner=f"p{j % 4}") for j in range(people)
    ]
    answers = [
        Answer(
            respondent=r.id,
            statement=q,
            rating=1 + (j * 7 + k) % 5,
            comment=f"Comment {j}.{k}: we need to talk about this one. 👍" if k % 4 == 0 else None,
        )
        for j, r in enumerate(respondents)
        for k, q in enumerate(qids)
    ]
    assessment = Assessment(
        format="partnership-fit/assessment",
        format_version=1,
        name="A very large assessment",
        partnership_type=ptype,
        banks=list(load_banks()),
        partners=partners,
        respondents=respondents,
        answers=answers,
    )
    return assessment, banks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    assessment, banks = build(args.answers)
    t0 = time.perf_counter()
    result = score_assessment(assessment, banks)
    t1 = time.perf_counter()
    model = build_report_model(assessment, banks, result)
    t2 = time.perf_counter()
    pdf = render_pdf(model)
    t3 = time.perf_counter()
    render_html(model)
    t4 = time.perf_counter()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"{len(assessment.answers)} answers, {len(model.comments)} comments in the model: "
        f"score {t1 - t0:.2f} s, model {t2 - t1:.2f} s, PDF {t3 - t2:.2f} s "
        f"({pages} pages, {len(pdf) / 1e6:.1f} MB), HTML {t4 - t3:.2f} s"
    )


if __name__ == "__main__":
    main()
