"""The command line, run in-process through `main([...])` (plus one real pipe)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from partnership_core.assessment import (
    Answer,
    Assessment,
    Partner,
    Respondent,
    dump_assessment,
    parse_assessment,
)
from partnership_core.bank import QUESTIONS_DIR, PartnershipType, load_bank_set, load_banks
from partnership_core.cli import main
from partnership_core.errors import QuestionBankError
from partnership_core.example import example_assessment
from partnership_core.results import AssessmentResult

ROOT = Path(__file__).resolve().parents[2]
BAD_BANKS = Path(__file__).resolve().parent / "fixtures" / "bad_banks"


def _fails_cleanly(capsys: pytest.CaptureFixture[str], argv: list[str], *needles: str) -> str:
    """Run a command that must fail: exit 2, one message on stderr naming `needles`."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    err = " ".join(captured.err.split())  # the message is wrapped at 88 columns
    assert err.startswith("partnership-fit: error: ")
    for needle in needles:
        assert needle in err
    return err


# ---------------------------------------------------------------------------- validate


def test_validate_banks_folder_and_assessment(
    capsys: pytest.CaptureFixture[str], example_file: Path
) -> None:
    assert main(["validate", str(QUESTIONS_DIR), str(example_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    banks = load_banks()
    assert len(out) == len(banks) + 1
    assert all(line.startswith("OK   ") for line in out)
    spine = next(line for line in out if "three-levels.yaml" in line)
    assert f"{len(banks['three-levels'].statements)} statements" in spine
    assert "2 partners, 6 respondents" in out[-1]


@pytest.mark.parametrize(
    "bad, needles",
    [
        ("invalid_syntax.yaml", ["invalid_syntax.yaml", "line"]),
        ("missing_band_advice.yaml", ["band_advice"]),
        ("non_utf8.yaml", ["UTF-8"]),
    ],
)
def test_validate_bad_bank(
    capsys: pytest.CaptureFixture[str], bad: str, needles: list[str]
) -> None:
    _fails_cleanly(capsys, ["validate", str(BAD_BANKS / bad)], *needles)


def test_validate_reports_every_bad_file_and_still_checks_the_good_ones(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"format": "partnership-fit/assessment", "name": ', encoding="utf-8")
    assert main(["validate", str(damaged), str(example_file), str(tmp_path / "gone.yaml")]) == 2
    captured = capsys.readouterr()
    assert "OK   " in captured.out and "example.json" in captured.out
    err = captured.err.replace("\n", " ")
    assert err.count("partnership-fit: error:") == 2
    assert f"{damaged}, line 1" in err and "not valid JSON" in err
    assert f"{tmp_path / 'gone.yaml'}: cannot be read" in err


def test_validate_flags_answers_to_statements_the_bank_lacks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_text: str
) -> None:
    data = json.loads(example_text)
    data["answers"][3]["statement"] = "three-levels:no-such-statement"
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _fails_cleanly(capsys, ["validate", str(path)], "answers.3.statement", "no-such-statement")


def test_validate_refuses_two_banks_with_one_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spine = QUESTIONS_DIR / "three-levels.yaml"
    (tmp_path / "a.yaml").write_bytes(spine.read_bytes())
    (tmp_path / "b.yml").write_bytes(spine.read_bytes())  # the app loads .yml banks too
    assert main(["validate", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "a.yaml" in captured.out  # the first one is fine on its own
    err = captured.err.replace("\n", " ")
    assert f"{tmp_path / 'b.yml'}: id 'three-levels' is already used by" in err
    assert "Rename one of them" in err
    with pytest.raises(QuestionBankError, match="used by another bank"):
        load_banks(tmp_path)


def test_validate_unknown_file_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    _fails_cleanly(capsys, ["validate", str(path)], "notes.txt", ".yaml", ".json")


# ---------------------------------------------------------------------------- score


def test_score_text_leads_with_the_verdict(
    capsys: pytest.CaptureFixture[str], example_file: Path
) -> None:
    assert main(["score", str(example_file)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == example_assessment().name
    assert lines[2].startswith("Verdict: ")
    assert out.index("ENTRY LEVEL") < out.index("DECISION LEVEL") < out.index("OPERATIONAL LEVEL")
    assert "Driving force: " in out and "[red flag]" in out
    assert "Northfield Regional Food Bank " in out and "alignment " in out
    agenda = out[out.index("Agenda") : out.index("Coverage")]
    assert [f"  {n}. " in agenda for n in range(1, 7)] == [True] * 5 + [False]
    assert "not sure" in out[out.index("Coverage") :]


def test_score_json_is_the_full_result(
    capsys: pytest.CaptureFixture[str], example_file: Path
) -> None:
    assert main(["score", str(example_file), "--json"]) == 0
    result = AssessmentResult.model_validate_json(capsys.readouterr().out)
    assert result.partnership == example_assessment().name
    assert len(result.levels) == 3 and len(result.characteristics) == 11


@pytest.mark.parametrize(
    "content, needles",
    [
        (None, ["missing.json", "cannot be read"]),
        ('{"format": "partnership-fit/assessment",\n "name": "x",,}', ["line 2", "not valid JSON"]),
        ('{"format": "something-else", "name": "x"}', ["not a Partnership Fit assessment"]),
        (
            '{"format": "partnership-fit/assessment", "format_version": 1, "name": "x", '
            '"partners": [{"id": "a", "name": "A"}]}',
            ["partners", "at least 2"],
        ),
    ],
    ids=["missing", "damaged-json", "wrong-format", "one-partner"],
)
def test_score_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, needles: list[str]
) -> None:
    path = tmp_path / "missing.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    _fails_cleanly(capsys, ["score", str(path)], *needles)


def test_score_with_an_unknown_bank(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_text: str
) -> None:
    data = json.loads(example_text)
    data["banks"] = ["three-levels", "no-such-bank"]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _fails_cleanly(capsys, ["score", str(path)], "no-such-bank", "available")


def test_score_with_a_broken_questions_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_file: Path
) -> None:
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "broken.yaml").write_bytes((BAD_BANKS / "missing_field.yaml").read_bytes())
    _fails_cleanly(capsys, ["--questions", str(folder), "score", str(example_file)], "broken.yaml")


# ---------------------------------------------------------------------------- other commands


def test_schema_is_json_schema_of_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"partners", "answers", "format"} <= set(schema["properties"])


def test_example_to_stdout_and_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_text: str
) -> None:
    assert main(["example"]) == 0
    assert capsys.readouterr().out.strip() == example_text
    out = tmp_path / "ex.json"
    assert main(["example", "--workshop", "-o", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().err
    written = parse_assessment(out.read_text(encoding="utf-8"))
    assert written.workshop is not None and len(written.workshop.actions) == 2
    _fails_cleanly(capsys, ["example", "-o", str(tmp_path / "no" / "dir" / "x.json")], "x.json")


def test_banks_lists_every_bank_with_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["banks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    banks = load_banks()
    assert [line.split()[0] for line in lines] == list(banks)
    for line, bank in zip(lines, banks.values(), strict=True):
        assert f"{len(bank.statements)} statements" in line and bank.title in line


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["score"]) == 2
    assert main(["report", "x.json"]) == 2  # -o is required
    assert "Traceback" not in capsys.readouterr().err
    assert main(["--help"]) == 0


# ---------------------------------------------------------------------------- report hook


def test_report_rejects_other_suffixes(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path
) -> None:
    _fails_cleanly(
        capsys, ["report", str(example_file), "-o", str(tmp_path / "r.docx")], ".pdf or .html"
    )


def test_report_writes_html(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path
) -> None:
    pytest.importorskip("partnership_core.report")
    out = tmp_path / "report.html"
    assert main(["report", str(example_file), "-o", str(out), "--paper", "Letter"]) == 0
    assert out.stat().st_size > 1000
    assert "Northfield Regional Food Bank" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- real process


def test_module_pipe_example_into_score() -> None:
    """`python -m partnership_core example | python -m partnership_core score -`."""
    cmd = [sys.executable, "-m", "partnership_core"]
    example = subprocess.run(
        [*cmd, "example"], capture_output=True, cwd=ROOT, timeout=60, check=True
    )
    scored = subprocess.run(
        [*cmd, "score", "-"], input=example.stdout, capture_output=True, cwd=ROOT, timeout=60
    )
    assert scored.returncode == 0, scored.stderr.decode()
    assert scored.stdout.decode("utf-8").splitlines()[2].startswith("Verdict: ")
    bad = subprocess.run(
        [*cmd, "score", "-"], input=b"{not json", capture_output=True, cwd=ROOT, timeout=60
    )
    assert bad.returncode == 2
    assert b"Traceback" not in bad.stderr and b"standard input, line 1" in bad.stderr


# ---------------------------------------------------------------------------- why and agenda


def mixed_assessment() -> Assessment:
    """Three partners: one apart on driving force (and misread there), one split inside on
    roles, a shared gap on how to end the partnership, and one person who answered 4 to all."""
    banks = load_bank_set(["three-levels"])
    partners = [
        Partner(id="shelter", name="Shelter Now"),
        Partner(id="trust", name="Civic Trust"),
        Partner(id="fresh", name="FreshMart Supermarkets"),
    ]
    people = {
        "shelter": ("Ana", "Ben"),
        "trust": ("Chloé", "Dev"),
        "fresh": ("Eli", "Farah", "Gus"),
    }
    respondents = [
        Respondent(id=f"{p.id}{j}", name=name, partner=p.id)
        for p in partners
        for j, name in enumerate(people[p.id])
    ]

    def ready_rating(respondent: str, short: str) -> int:
        if respondent.startswith("fresh") and short in ("df-reason", "df-benefits"):
            return 2
        if short == "sc-roles":
            return {"trust0": 5, "trust1": 1}.get(respondent, 4)
        if short in ("tm-process", "tm-assets"):
            return 2 if respondent.startswith("fresh") else 1
        return 5

    answers = []
    for r in respondents:
        for qid in banks.applicable(PartnershipType.OTHER):
            _, statement = banks.statements[qid]
            good = ready_rating(r.id, statement.id)
            rating = 4 if r.id == "fresh2" else 6 - good if statement.reverse else good
            predicts = r.id.startswith("shelter") and statement.id == "df-reason"
            answers.append(
                Answer(
                    respondent=r.id,
                    statement=qid,
                    rating=rating,
                    prediction=5 if predicts else None,
                )
            )
    return Assessment(
        name="Warm Homes coalition",
        banks=["three-levels"],
        partners=partners,
        respondents=respondents,
        answers=answers,
    )


def test_score_text_says_why_and_gives_a_short_agenda(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(dump_assessment(mixed_assessment()), encoding="utf-8")
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert out.index("Why this verdict") < out.index("ENTRY LEVEL") < out.index("Agenda")
    assert "FreshMart Supermarkets stands apart" in flat
    assert "people inside one partner are 3 or more steps apart" in flat
    assert "Civic Trust's people answered" in flat
    assert "FreshMart Supermarkets' people" in flat
    assert "Civic Trust and Shelter Now disagreed with" in flat
    every = len(load_bank_set(["three-levels"]).applicable(PartnershipType.OTHER))
    assert f"Gus (FreshMart Supermarkets) gave all {every} ratings as 4" in flat
    assert "Then, by characteristic" in out and "minutes)" in out
    assert "level level" not in flat and "Supermarkets's" not in flat and "(s)" not in flat


def test_score_json_carries_the_findings_and_the_agenda(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(dump_assessment(mixed_assessment()), encoding="utf-8")
    assert main(["score", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] and data["findings"][0]["rule_text"]
    assert 1 <= len(data["talk_first"]) <= 5 and data["talk_first_minutes"] > 0
    assert data["stands_apart"] == "fresh"
    assert data["flagged_respondents"][0]["name"] == "Gus"
    assert any(f["rule"] == "misreading" for f in data["findings"])
