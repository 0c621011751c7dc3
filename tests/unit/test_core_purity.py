"""The core stays free of Streamlit so that it can be tested, scripted and reused alone."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "partnership_core"


def test_core_never_imports_streamlit():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert len(list(CORE.rglob("*.py"))) > 5
    assert offenders == []
