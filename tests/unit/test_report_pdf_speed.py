"""What keeps the summary PDF quick without changing it: the report imports fpdf2 only for a
PDF, and without the packages it never uses; its tables are drawn in one pass; the command
line's process runs without the cyclic garbage collector."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from pypdf import PdfReader

from partnership_core.report.pdf_canvas import ReportCanvas

# The checkout holding this test (whichever folder of tests/ it sits in).
ROOT = next(p for p in Path(__file__).resolve().parents if (p / "partnership_core").is_dir())


def _run(code: str) -> dict[str, object]:
    """Run `code` in a fresh interpreter of this checkout; it prints one JSON object."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60, check=True
    )
    return json.loads(done.stdout.decode().splitlines()[-1])


def test_the_report_package_and_its_html_need_no_fpdf():
    seen = _run(
        "import json, sys\n"
        "import partnership_core.report as report\n"
        "before = 'fpdf' in sys.modules\n"
        "html = report.render_html\n"
        "after_html = 'fpdf' in sys.modules\n"
        "pdf = report.render_pdf\n"
        "print(json.dumps({'before': before, 'html': after_html, 'pdf': 'fpdf' in sys.modules,"
        " 'callable': callable(pdf) and callable(html)}))"
    )
    assert seen == {"before": False, "html": False, "pdf": True, "callable": True}


def test_fpdf_is_imported_without_unused_packages_and_they_stay_importable():
    seen = _run(
        "import json, sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "import partnership_core.report.pdf\n"
        "skipped = sorted(n for n in ('numpy', 'PIL', 'cryptography', 'asyncio',"
        " 'unittest.mock') if n in sys.modules)\n"
        "import numpy, PIL, unittest.mock\n"
        "import fpdf.sign\n"
        "later = fpdf.sign.patch('os.getcwd', lambda: 'x')\n"
        "print(json.dumps({'loaded': skipped, 'numpy': numpy.__name__,"
        " 'mock': unittest.mock.__file__ is not None,"
        " 'patch': type(later).__module__}))"
    )
    assert seen == {"loaded": [], "numpy": "numpy", "mock": True, "patch": "unittest.mock"}


def test_with_other_threads_running_fpdf_is_imported_as_it_is():
    seen = _run(
        "import json, sys, threading\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
        "import partnership_core.report.pdf\n"
        "stop.set()\n"
        "print(json.dumps({'numpy': 'numpy' in sys.modules,"
        " 'mock': 'unittest.mock' in sys.modules}))"
    )
    assert seen == {"numpy": True, "mock": True}


def _table_pdf(rows: int, cell: str) -> list[str]:
    pdf = ReportCanvas(SimpleNamespace(title="T", partnership="P", generated_on="today"), "A4")
    pdf.cover_done = True
    pdf.add_page()
    pdf.table_(
        ["Statement", "Rating"],
        [[f"Row {i}: {cell}", (f"{i % 5 + 1}", "#1A9850")] for i in range(rows)],
        [140, 34],
        heading_colours=[None, "#B2182B"],
        align=["LEFT", "CENTER"],
    )
    pdf.para("After the table")
    return [page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.output()))).pages]


def test_a_long_table_repeats_its_heading_and_never_splits_a_row():
    cell = "a statement long enough to wrap onto a second line of its column " * 2
    pages = _table_pdf(60, cell.strip())
    assert len(pages) >= 3
    for text in pages:
        assert text.count("Statement") == 1 and text.count("Rating") == 1
    whole = "\n".join(pages)
    for i in range(60):
        # Every row once, its wrapped lines together on one page.
        assert whole.count(f"Row {i}: ") == 1
        page = next(t for t in pages if f"Row {i}: " in t)
        row_text = page.split(f"Row {i}: ", 1)[1].split("Row ", 1)[0]
        assert " ".join(row_text.split()).startswith(" ".join(cell.split()))
    assert "After the table" in pages[-1]


def test_a_cell_wider_than_its_column_wraps_inside_it():
    pages = _table_pdf(1, "word " * 60)
    lines = [ln for ln in pages[0].splitlines() if ln.strip().startswith("word")]
    assert len(lines) >= 2
    assert sum(ln.split().count("word") for ln in pages[0].splitlines()) == 60


def _process(argv: list[str]) -> tuple[int, dict[str, object]]:
    """Run the command line's process entry with `argv`; its exit code, and the collector's
    state seen at exit."""
    code = (
        "import atexit, gc, json, sys\n"
        "from partnership_core import cli\n"
        "atexit.register(lambda: print(json.dumps({'collecting': gc.isenabled(),"
        " 'frozen': gc.get_freeze_count() > 0})))\n"
        f"sys.argv = ['partnership-fit', *{argv!r}]\n"
        "cli.run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60, check=False
    )
    return done.returncode, json.loads(done.stdout.decode().splitlines()[-1])


def test_the_command_line_process_runs_without_collections_and_exits_with_mains_code(tmp_path):
    assert _process(["banks"]) == (0, {"collecting": False, "frozen": True})
    missing = str(tmp_path / "missing.json")
    code, _ = _process(["report", missing, "-o", str(tmp_path / "r.pdf")])
    assert code == 2


def test_both_ways_of_starting_the_command_line_use_the_process_entry():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["partnership-fit"] == "partnership_core.cli:run"
    main_module = (ROOT / "partnership_core" / "__main__.py").read_text(encoding="utf-8")
    assert "run()" in main_module
