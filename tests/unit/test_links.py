"""The one link builder and the partner markers shared by every view."""

from __future__ import annotations

from partnership_core.links import (
    PUBLIC_URL_ENV,
    app_base_url,
    draft_link,
    facilitator_link,
    join_link,
    resume_link,
)
from partnership_core.palette import PARTNER_GLYPHS, PARTNER_SYMBOLS, partner_glyph
from partnership_core.results import AssessmentResult
from partnership_ui.widgets.result_view import partner_label


def test_base_url_drops_the_page_and_keeps_a_prefix() -> None:
    assert app_base_url("https://x.test/app/join?code=A", {}) == "https://x.test/app"
    assert app_base_url("https://x.test/results", {}) == "https://x.test"
    assert app_base_url("https://x.test/app/", {}) == "https://x.test/app"
    assert app_base_url(None, {}) == "http://localhost:8501"
    assert app_base_url("https://x.test/join", {PUBLIC_URL_ENV: " https://pf.org/ "}) == (
        "https://pf.org"
    )


def test_links_name_their_page_and_parameter() -> None:
    base = "https://pf.org"
    assert draft_link(base, "a b") == "https://pf.org/?draft=a%20b"
    assert join_link(base, "abcdefghjk").startswith("https://pf.org/join?code=")
    assert resume_link(base, "tok") == "https://pf.org/join?p=tok"
    assert facilitator_link(base, "tok") == "https://pf.org/facilitator?t=tok"


def test_partner_five_has_one_marker_everywhere() -> None:
    assert len(PARTNER_GLYPHS) == len(PARTNER_SYMBOLS)
    assert PARTNER_SYMBOLS[4] == "x" and partner_glyph(4) == "✕"
    names = {f"p{i}": f"Org {i}" for i in range(6)}
    result = AssessmentResult.model_construct(partner_names=names)
    assert partner_label(result, "p4") == "✕ Org 4"
    assert partner_label(result, "unknown") == "unknown"


def test_the_ui_layer_has_no_import_cycle_and_widgets_stand_alone() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "partnership_ui"
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
                targets.add(name)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "partnership_ui"
            ):
                targets.add(node.module or "")
        graph[module] = targets

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " -> ".join((*trail, module))
        for target in graph.get(module, ()):
            visit(target, (*trail, module))

    for module in graph:
        visit(module, ())
    # Shared widgets know nothing of the page bodies or the solo flow that use them.
    for module, targets in graph.items():
        if module.startswith("partnership_ui.widgets"):
            assert not {t for t in targets if ".views" in t or t.endswith(("session", "autosave"))}
