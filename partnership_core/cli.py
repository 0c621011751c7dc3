"""Command line: ``partnership-fit`` (or ``python -m partnership_core``).

Commands: validate, score, schema, example, banks, report. Every user error ends with exit
code 2 and one paragraph on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from .assessment import (
    MAX_ASSESSMENT_BYTES,
    Assessment,
    assessment_json_schema,
    dump_assessment,
    load_assessment,
)
from .assessment import parse_assessment as _parse_assessment
from .bank import QUESTIONS_DIR, BankSet, load_bank, load_bank_set, load_banks
from .errors import AssessmentFileError, PartnershipFitError, QuestionBankError
from .files import display_name
from .frameworks import FrameworkView, framework_views, row_sentence
from .results import AssessmentResult, Verdict
from .text import format_score, plural

__all__ = ["main", "run", "build_parser", "format_result"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
_WIDTH = 88


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="partnership-fit",
        description="Find out, level by level, whether prospective partners are ready to partner.",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        default=QUESTIONS_DIR,
        metavar="DIR",
        help="folder of question banks (default: the shipped banks)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check question banks (.yaml, folders) and assessments")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("score", help="score an assessment file and print the result")
    p.add_argument("file", metavar="FILE", help="assessment .json file, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(handler=_cmd_score)

    p = sub.add_parser("schema", help="print the JSON Schema of the assessment file")
    p.set_defaults(handler=_cmd_schema)

    p = sub.add_parser("example", help="write the worked example assessment as JSON")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--workshop", action="store_true", help="include a workshop record")
    p.set_defaults(handler=_cmd_example)

    p = sub.add_parser("banks", help="list the available question banks")
    p.set_defaults(handler=_cmd_banks)

    # ------------------------------------------------------------------ report hook
    # The report itself lives in `partnership_core.report` (written separately) and is
    # imported only when this command runs, so every other command works without it.
    p = sub.add_parser("report", help="write the summary report as PDF or HTML")
    p.add_argument("file", metavar="FILE", help="assessment .json file, or - for stdin")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="output file; its suffix (.pdf or .html) chooses the format",
    )
    p.add_argument("--paper", choices=("A4", "Letter"), default="A4", help="paper size")
    p.set_defaults(handler=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has already printed the usage error
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except BrokenPipeError:  # e.g. `partnership-fit schema | head`: the reader left early
        _silence_stdout()
        return EXIT_OK
    except (PartnershipFitError, OSError) as exc:
        _error(_describe(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def run() -> NoReturn:
    """The command line as a process of its own (`partnership-fit`, `python -m
    partnership_core`): `main` without the cyclic garbage collector; exits with its code.

    One command is a short run whose objects (fonts, pages, the report model) nearly all
    live to its end, so the collector's walks over them freed almost nothing: without them
    the benchmark report's process peaked 1 MB higher and ended 0.1-0.2 s sooner, most of it
    saved at shutdown.
    """
    gc.disable()
    try:
        code = main()
    finally:
        # Python still makes full collections while it shuts down; frozen objects are
        # skipped. What is alive at the end is freed with the process.
        gc.freeze()
    sys.exit(code)


def _silence_stdout() -> None:
    # Python flushes stdout again at exit; point it at devnull so that does not fail too.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, PartnershipFitError):
        where = f"{display_name(exc.filename)}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}. Check the path and permissions."
    return str(exc)


def _error(message: str) -> None:
    # Never break inside a word or at a hyphen: paths in the message must stay copyable.
    # display_name: whatever a message quotes reaches the terminal as text, never as bytes
    # that fail to encode or as escape sequences.
    text = textwrap.fill(
        f"partnership-fit: error: {display_name(message)}",
        _WIDTH,
        break_long_words=False,
        break_on_hyphens=False,
    )
    print(text, file=sys.stderr)


# ---------------------------------------------------------------------------- loading


def _read_assessment(file: str) -> Assessment:
    if file == "-":
        # One byte over the cap is enough for parse_assessment to refuse it (`- < /dev/zero`).
        data = sys.stdin.buffer.read(MAX_ASSESSMENT_BYTES + 1)
        return _parse_assessment(data, source="standard input")
    return load_assessment(file)


def _banks_for(assessment: Assessment, questions: Path, source: str) -> BankSet:
    """The assessment's bank set, checking that every answered statement exists in it."""
    banks = load_bank_set(assessment.banks, questions)
    for i, answer in enumerate(assessment.answers):
        if answer.statement not in banks.statements:
            raise AssessmentFileError(
                f"{source}: answers.{i}.statement: '{answer.statement}' is not a statement of "
                f"the bank(s) {', '.join(assessment.banks)}; the file may come from another "
                "version of the question bank."
            )
    return banks


def _score(assessment: Assessment, banks: BankSet) -> AssessmentResult:
    from .scoring import score_assessment  # imported here: scoring is heavier than the CLI

    return score_assessment(assessment, banks)


# ---------------------------------------------------------------------------- commands


def _cmd_validate(args: argparse.Namespace) -> int:
    failures = 0
    bank_files: dict[str, Path] = {}  # bank id -> the first file that used it
    for path in args.paths:
        files = _expand(path)
        if not files:
            _error(f"{display_name(path)}: no .yaml or .json files found.")
            failures += 1
        for file in files:
            try:
                summary, bank_id = _validate_one(file, args.questions)
                if bank_id is not None:
                    if bank_id in bank_files:
                        # The app loads a folder's banks together and refuses a repeated id.
                        raise QuestionBankError(
                            f"{display_name(file)}: id '{bank_id}' is already used by "
                            f"{display_name(bank_files[bank_id])}; "
                            "every question bank needs an id of its own. Rename one of them."
                        )
                    bank_files[bank_id] = file
                print(f"OK   {display_name(file)}  ({display_name(summary)})")
            except (PartnershipFitError, OSError) as exc:
                failures += 1
                _error(_describe(exc))
    return EXIT_BAD_INPUT if failures else EXIT_OK


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    return [path]


def _validate_one(file: Path, questions: Path) -> tuple[str, str | None]:
    """A one-line summary of a valid file, and its bank id when it is a question bank."""
    if file.suffix in (".yaml", ".yml"):
        bank = load_bank(file)
        return f"question bank '{bank.id}', {len(bank.statements)} statements", bank.id
    if file.suffix == ".json":
        assessment = load_assessment(file)
        _banks_for(assessment, questions, display_name(file))
        summary = (
            f"assessment '{assessment.name}', {len(assessment.partners)} partners, "
            f"{len(assessment.respondents)} respondents, {len(assessment.answers)} answers"
        )
        return summary, None
    if not file.exists():
        raise QuestionBankError(f"{display_name(file)}: no such file.")
    raise PartnershipFitError(
        f"{display_name(file)}: unknown kind of file; give a question bank (.yaml) or an "
        "assessment (.json)."
    )


def _cmd_score(args: argparse.Namespace) -> int:
    assessment = _read_assessment(args.file)
    source = "standard input" if args.file == "-" else display_name(args.file)
    banks = _banks_for(assessment, args.questions, source)
    result = _score(assessment, banks)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        format_result(result, sys.stdout)
        format_frameworks(framework_views(assessment, banks, result), result, sys.stdout)
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(assessment_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_example(args: argparse.Namespace) -> int:
    from .example import example_assessment, example_workshop_assessment

    make = example_workshop_assessment if args.workshop else example_assessment
    if args.output is not None:
        _check_output(args.output, None)
    banks = load_bank_set(["three-levels"], args.questions)
    text = dump_assessment(make(args.seed, banks))
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"Wrote {display_name(args.output)}", file=sys.stderr)
    return EXIT_OK


def _cmd_banks(args: argparse.Namespace) -> int:
    banks = load_banks(args.questions)
    if not banks:
        raise QuestionBankError(f"{args.questions}: no question banks (*.yaml) found.")
    width = max(len(b) for b in banks)
    for bank in banks.values():
        print(
            f"{bank.id:<{width}}  {len(bank.statements):>3} statements  "
            f"{len(bank.characteristics):>2} characteristics  v{bank.version}  {bank.title}"
        )
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    _check_report_suffix(args.output)
    _check_output(args.output, None if args.file == "-" else args.file)
    assessment = _read_assessment(args.file)
    source = "standard input" if args.file == "-" else display_name(args.file)
    banks = _banks_for(assessment, args.questions, source)
    try:
        from .report import write_report
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("partnership_core.report"):
            raise PartnershipFitError(
                "the report module is not installed in this version; use `score` instead."
            ) from None
        raise PartnershipFitError(
            f"the report needs the Python package '{exc.name}'; install it and try again."
        ) from None
    write_report(assessment, banks, args.output, paper=args.paper)
    print(f"Wrote {display_name(args.output)}", file=sys.stderr)
    return EXIT_OK


_REPORT_SUFFIXES = (".pdf", ".html")


def _check_report_suffix(output: Path) -> None:
    name = display_name(output)
    if output.name.lower() in _REPORT_SUFFIXES:
        # Path(".pdf").suffix is "": the file is all suffix and no name.
        raise PartnershipFitError(
            f"{name}: give the report a file name before the suffix, e.g. report{output.name}."
        )
    if output.suffix.lower() not in _REPORT_SUFFIXES:
        raise PartnershipFitError(
            f"{name}: the output must end in .pdf or .html; the suffix chooses the format."
        )


def _check_output(output: Path, source: str | None) -> None:
    """Refuse, before any work, an output that would replace the input or cannot be written."""
    name = display_name(output)
    replaces_input = source is not None and os.path.exists(source) and output.exists()
    if replaces_input and os.path.samefile(source, output):
        raise PartnershipFitError(
            f"{name}: is the input file; writing there would replace it. Choose another name."
        )
    if output.is_dir():
        raise PartnershipFitError(f"{name}: is a folder; give a file name inside it.")
    if output.exists() and not output.is_file():
        raise PartnershipFitError(f"{name}: is not a regular file; choose another name.")
    folder = output.parent
    if not folder.is_dir():
        raise PartnershipFitError(
            f"{name}: the folder {display_name(folder)} does not exist; create it first."
        )
    if not os.access(output if output.exists() else folder, os.W_OK):
        raise PartnershipFitError(
            f"{name}: cannot be written (permission denied); choose another place."
        )


# ---------------------------------------------------------------------------- text output

_DETAILS_SHOWN = 3


class _Writer:
    """Wrapped paragraphs at the CLI width, so the text reads the same on any terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def para(self, text: str, indent: str = "", hanging: str | None = None) -> None:
        rest = indent if hanging is None else hanging
        self.line(textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=rest))


def format_result(result: AssessmentResult, out: TextIO) -> None:
    """Write a scored assessment as plain text a facilitator can read aloud: the verdict, why,
    level by level, the short agenda, then coverage and warnings."""
    w = _Writer(out)
    w.line(result.partnership)
    w.line("=" * min(len(result.partnership), _WIDTH))
    w.para(f"Verdict: {result.overall_label}. {result.headline}")
    w.para(f"Next step: {result.next_step}")
    if result.uses_estimates:
        w.para("Some partners' answers are estimates made by someone else; confirm them.")
    _write_why(w, result)
    _write_levels(w, result)
    _write_agenda(w, result)
    _write_coverage(w, result)


def format_frameworks(
    views: tuple[FrameworkView, ...], result: AssessmentResult, out: TextIO
) -> None:
    """Each further framework by its own characteristics (scores 0-100 per partner)."""
    w = _Writer(out)
    for view in views:
        w.line()
        w.line(f"{view.title}, by its own characteristics (0-100 per partner)")
        for row in view.rows:
            w.para(row_sentence(row, dict(result.partner_names)), "  - ", "    ")


def _write_why(w: _Writer, result: AssessmentResult) -> None:
    verdicts = {lv.id: lv.verdict for lv in result.levels}
    deciding = [
        f
        for f in result.findings
        if f.effect in (Verdict.STOP, Verdict.PAUSE) or (f.effect and f.effect == verdicts[f.level])
    ]
    if not deciding:
        return
    w.line()
    w.line("Why this verdict")
    for finding in deciding:
        w.para(finding.sentence, "  - ", "    ")
        for detail in finding.details[:_DETAILS_SHOWN]:
            w.para(detail, "      ", "        ")
        hidden = len(finding.details) - _DETAILS_SHOWN
        if hidden > 0:
            w.para(f"and {plural(hidden, 'more statement')}", "      ")


def _write_levels(w: _Writer, result: AssessmentResult) -> None:
    names = result.partner_names
    for level in sorted(result.levels, key=lambda lv: lv.order):
        w.line()
        w.line(f"{level.name.upper()}: {level.verdict_label}")
        w.para(level.explanation, "  ")
        for ch in level.characteristics:
            if not ch.assessed:
                w.line(f"  - {ch.name}: not assessed by the chosen question banks")
                continue
            flag = "  [red flag]" if ch.red_flag else ""
            w.line(
                f"  - {ch.name}: {ch.band_label} (fit {format_score(ch.compatibility)}, "
                f"alignment {format_score(ch.alignment)}){flag}"
            )
            readiness = "; ".join(
                f"{names.get(s.partner, s.partner)} {format_score(s.readiness)}"
                for s in ch.partners
            )
            w.para(f"readiness: {readiness}", "      ")


def _write_agenda(w: _Writer, result: AssessmentResult) -> None:
    if not result.talk_first:
        return
    w.line()
    w.line(f"Agenda: talk these through first (about {result.talk_first_minutes} minutes)")
    for item in result.talk_first:
        w.para(
            f"{item.characteristic_name}: {item.text} {item.reason}", f"  {item.rank}. ", "     "
        )
        for prompt in item.prompts[:1]:
            w.para(f"Ask: {prompt}", "     ")
    if result.agenda_groups:
        w.line()
        rest = sum(len(g.items) for g in result.agenda_groups)
        w.line(f"Then, by characteristic ({plural(rest, 'more statement')})")
        for group in result.agenda_groups:
            texts = "; ".join(item.text.rstrip(".") for item in group.items)
            w.para(f"{group.characteristic_name}: {texts}.", "  - ", "    ")


def _write_coverage(w: _Writer, result: AssessmentResult) -> None:
    names = result.partner_names
    w.line()
    w.line("Coverage")
    for cov in result.coverage:
        w.line(
            f"  {names.get(cov.partner, cov.partner)}: {cov.rated}/{cov.expected} rated, "
            f"{cov.not_sure} not sure, {cov.unanswered} unanswered"
        )
    if result.warnings:
        w.line()
        w.line("Warnings")
        for warning in result.warnings:
            w.para(warning, "  - ", "    ")
