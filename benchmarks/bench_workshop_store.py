"""How fast does the workshop store save answers when a whole room answers at once?

N participants (threads in one process, like one Streamlit server, or separate processes,
like several workers) join one workshop and answer every statement as fast as they can.
Each `save_answer` call is timed from the call to its committed return (answer -> saved).

    python benchmarks/bench_workshop_store.py                       # SQLite, 30 threads
    python benchmarks/bench_workshop_store.py -n 60 --mode processes
    python benchmarks/bench_workshop_store.py --postgres-url postgresql+psycopg://...

Prints, per database: answers saved, errors, median / p95 / max latency, throughput.
SQLite runs in a temp folder; for PostgreSQL a throwaway database is created (and dropped)
when the user may, else the given database is used as it is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from partnership_core.assessment import Answer  # noqa: E402
from partnership_core.errors import PartnershipFitError  # noqa: E402
from partnership_core.workshop import WorkshopService  # noqa: E402

_services: dict[str, WorkshopService] = {}


def _service(url: str) -> WorkshopService:
    # One service (one engine and pool) per process, shared by its threads, as in the app.
    if url not in _services:
        _services[url] = WorkshopService(url)
    return _services[url]


def _answer_all(
    url: str, token: str, statements: list[str], start_at: float, seed: int
) -> tuple[list[float], int]:
    svc = _service(url)
    time.sleep(max(0.0, start_at - time.time()))
    latencies: list[float] = []
    errors = 0
    for i, q in enumerate(statements):
        answer = Answer(respondent="x", statement=q, rating=1 + (seed + i) % 5, prediction=3)
        began = time.perf_counter()
        try:
            svc.save_answer(token, answer)
        except PartnershipFitError:
            errors += 1
            continue
        latencies.append(time.perf_counter() - began)
    return latencies, errors


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(url: str, label: str, participants: int, mode: str) -> dict[str, float]:
    svc = _service(url)
    names = [f"Partner {i + 1}" for i in range(4)]
    created = svc.create_workshop("Benchmark", "other", ["three-levels"], names)
    statements = svc.lookup_code(created.join_code, "bench").statements
    tokens = [
        svc.join(created.join_code, f"p{i % 4 + 1}", f"Person {i}", "bench").participant_token
        for i in range(participants)
    ]
    start_at = time.time() + (2.0 if mode == "processes" else 0.3)
    pool_cls = ProcessPoolExecutor if mode == "processes" else ThreadPoolExecutor
    with pool_cls(max_workers=participants) as pool:
        futures = [
            pool.submit(_answer_all, url, token, statements, start_at, i)
            for i, token in enumerate(tokens)
        ]
        results = [f.result() for f in futures]
    wall = time.time() - start_at
    latencies = [x for lat, _ in results for x in lat]
    errors = sum(e for _, e in results)
    board = svc.dashboard(created.facilitator_token)
    stored = sum(p.answered for p in board.participants)
    figures = {
        "saved": len(latencies),
        "stored": stored,
        "errors": errors,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": _percentile(latencies, 0.95) * 1000,
        "max_ms": max(latencies) * 1000,
        "per_second": len(latencies) / wall,
        "wall_s": wall,
    }
    print(
        f"{label:<10} {mode:<9} {participants:>3} participants x {len(statements)} statements: "
        f"{figures['saved']} saved ({stored} in the database), {errors} errors; "
        f"latency median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
        f"max {figures['max_ms']:.1f} ms; {figures['per_second']:.0f} answers/s "
        f"({wall:.2f} s)",
        flush=True,
    )
    if stored != participants * len(statements) - errors:
        print(f"  MISMATCH: expected {participants * len(statements) - errors} stored answers")
    return figures


def _throwaway_pg(url: str) -> tuple[str, str | None]:
    name = f"pf_bench_{uuid4().hex[:10]}"
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - no rights: use the database as given
        print(f"(cannot create a throwaway database: {exc}; using {url} as it is)")
        return url, None
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


def _drop_pg(url: str, name: str) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--participants", type=int, default=30)
    parser.add_argument("--mode", choices=["threads", "processes"], default="threads")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PARTNERSHIP_FIT_TEST_POSTGRES_URL"),
        help="also run against this PostgreSQL server "
        "(default: $PARTNERSHIP_FIT_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.sqlite3", "SQLite", args.participants, args.mode)
            for svc in _services.values():
                svc.close()
            _services.clear()
    if args.postgres_url:
        url, name = _throwaway_pg(args.postgres_url)
        try:
            run(url, "PostgreSQL", args.participants, args.mode)
        finally:
            for svc in _services.values():
                svc.close()
            _services.clear()
            if name:
                _drop_pg(args.postgres_url, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
