"""Time scoring of 6 partners x 5 respondents x every statement of all banks.

Run: python benchmarks/bench_scoring.py [--repeat 15]
Prints medians, so a noisy shared machine moves the figures less than a mean would, and the
process's CPU time beside the wall time: on a shared machine the wall time also counts the
time other processes held the CPU.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import PartnershipType, load_bank_set, load_banks
from partnership_core.scoring import score_assessment


def build(partnership_type: PartnershipType, seed: int = 1) -> tuple[Assessment, object]:
    rng = random.Random(seed)
    bank_ids = list(load_banks())
    banks = load_bank_set(bank_ids)
    partners = [Partner(id=f"p{i}", name=f"Organisation {i}") for i in range(6)]
    respondents = [
        Respondent(id=f"p{i}r{j}", name=f"Person {i}.{j}", partner=f"p{i}")
        for i in range(6)
        for j in range(5)
    ]
    answers = [
        Answer(
            respondent=r.id,
            statement=q,
            rating=rng.choice([1, 2, 3, 4, 5, 5, 4, "not_sure"]),
            importance=rng.choice([None, "low", "medium", "high"]),
            prediction=rng.choice([None, 2, 3, 4]),
            comment=rng.choice([None, None, None, "We need to talk about this — soon."]),
        )
        for r in respondents
        for q in banks.applicable(partnership_type)
    ]
    assessment = Assessment(
        name="Benchmark",
        partnership_type=partnership_type,
        banks=bank_ids,
        partners=partners,
        respondents=respondents,
        answers=answers,
    )
    return assessment, banks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(
        f"{'partnership type':<24}{'statements':>11}{'answers':>9}{'median ms':>11}{'min ms':>9}"
        f"{'cpu median ms':>15}"
    )
    for ptype in PartnershipType:
        assessment, banks = build(ptype)
        times, cpu = [], []
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            score_assessment(assessment, banks)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        n_statements = len(banks.applicable(ptype))
        print(
            f"{ptype.value:<24}{n_statements:>11}{len(assessment.answers):>9}"
            f"{statistics.median(times):>11.1f}{min(times):>9.1f}{statistics.median(cpu):>15.1f}"
        )


if __name__ == "__main__":
    main()
