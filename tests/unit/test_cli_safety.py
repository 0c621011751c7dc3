"""The command line with hostile or careless paths: it never overwrites its input, refuses an
output it cannot write before doing any work, never blocks on a special file, and prints
any file name safely."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from partnership_core import cli
from partnership_core.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records any attempt to read the input: a refused output must come first."""
    calls: list[str] = []
    monkeypatch.setattr(cli, "load_assessment", lambda path: calls.append(str(path)))
    return calls


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], *needles: str) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = " ".join(captured.err.split())
    assert err.startswith("partnership-fit: error: ") and "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


def _run(
    *args: str, stdin: object = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """The CLI as a real process: stdout and stderr are pipes that must encode what is printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "partnership_core", *args],
        capture_output=True,
        stdin=stdin,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


# ---------------------------------------------------------------------------- outputs


def test_report_never_overwrites_its_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_text: str
) -> None:
    # Before: `report a.html -o a.html` replaced the assessment with its report.
    path = tmp_path / "a.html"
    path.write_text(example_text, encoding="utf-8")
    _fails(capsys, ["report", str(path), "-o", str(path)], f"{path}: is the input file")
    assert path.read_text(encoding="utf-8") == example_text


@pytest.mark.parametrize("alias", ["symlink", "hardlink", "dotted"])
def test_report_refuses_the_input_under_another_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_text: str, alias: str
) -> None:
    path = tmp_path / "a.html"
    path.write_text(example_text, encoding="utf-8")
    other = tmp_path / "b.html"
    if alias == "symlink":
        other.symlink_to(path)
    elif alias == "hardlink":
        os.link(path, other)
    else:
        other = tmp_path / "." / "a.html"
    _fails(capsys, ["report", str(path), "-o", str(other)], "is the input file")
    assert path.read_text(encoding="utf-8") == example_text


def test_report_into_a_missing_folder_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path, no_work: list[str]
) -> None:
    out = tmp_path / "no-such-folder" / "report.pdf"
    _fails(capsys, ["report", str(example_file), "-o", str(out)], "no-such-folder does not exist")
    assert no_work == []


def test_report_onto_a_folder_is_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path, no_work: list[str]
) -> None:
    folder = tmp_path / "looks-like.pdf"
    folder.mkdir()
    _fails(capsys, ["report", str(example_file), "-o", str(folder)], "is a folder")
    assert no_work == []


def test_report_onto_a_special_file_is_refused(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path, no_work: list[str]
) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)  # writing the report into it would block
    _fails(capsys, ["report", str(example_file), "-o", str(fifo)], "is not a regular file")
    assert no_work == []


@pytest.mark.parametrize("bare", [".pdf", ".HTML"])
def test_a_bare_suffix_is_told_to_add_a_name(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path, bare: str
) -> None:
    # Before: "-o .pdf" was told that it must end in .pdf.
    err = _fails(
        capsys,
        ["report", str(example_file), "-o", str(tmp_path / bare)],
        "file name before the suffix",
    )
    assert "must end in" not in err


def test_example_into_a_missing_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "absent" / "example.json"
    _fails(capsys, ["example", "-o", str(out)], "absent does not exist")
    assert not out.exists()


# ---------------------------------------------------------------------------- special inputs


def test_score_dev_zero_is_refused_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(capsys, ["score", "/dev/zero"], "/dev/zero: is a device")


def test_score_of_a_fifo_without_a_writer_returns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(["score", str(fifo)])), daemon=True)
    worker.start()
    worker.join(5.0)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("the CLI blocked on a FIFO without a writer")
    assert codes == [2]
    assert "is a named pipe" in " ".join(capsys.readouterr().err.split())


def test_validate_of_a_fifo_returns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    worker = threading.Thread(target=lambda: main(["validate", str(fifo)]), daemon=True)
    worker.start()
    worker.join(5.0)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("validate blocked on a FIFO without a writer")
    assert "is a named pipe" in " ".join(capsys.readouterr().err.split())


def test_endless_standard_input_is_cut_at_the_cap() -> None:
    with open("/dev/zero", "rb") as endless:
        done = _run("score", "-", stdin=endless)
    assert done.returncode == 2
    assert b"standard input: larger than 20 MB" in done.stderr


# ---------------------------------------------------------------------------- names


def test_ok_line_for_a_file_name_that_is_not_utf8(tmp_path: Path, example_text: str) -> None:
    # Before: UnicodeEncodeError while printing the OK line.
    raw = os.fsencode(tmp_path) + b"/caf\xe9.json"
    with open(raw, "wb") as fh:
        fh.write(example_text.encode("utf-8"))
    done = _run("validate", os.fsdecode(raw))
    assert done.returncode == 0, done.stderr
    assert b"OK   " in done.stdout and b"caf\\xe9.json" in done.stdout
    assert b"Traceback" not in done.stderr


def test_error_for_a_file_name_with_escape_sequences(tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b]0;owned\x07.json"
    path.write_text("{ not json", encoding="utf-8")
    done = _run("validate", str(path))
    assert done.returncode == 2
    assert b"\x1b" not in done.stderr and b"\x07" not in done.stderr
    assert b"evil\\x1b]0;owned\\x07.json" in done.stderr.replace(b"\n", b" ")


def test_missing_questions_folder_is_named(
    capsys: pytest.CaptureFixture[str], example_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "no-banks-here"
    _fails(
        capsys,
        ["--questions", str(folder), "score", str(example_file)],
        f"{folder}: no such folder",
    )
