"""The summary report as one self-contained, printable HTML page, from `ReportData`.

Inline CSS, inline SVG charts (laid out by `charts`, like the PDF's), no external assets, no
scripts. Every piece of text goes through `html.escape`, so markup typed into a name or a
comment shows literally.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ..errors import ReportError
from ..palette import text_on
from ..text import format_score
from . import charts, wording
from .charts import PT, marker_points
from .coverage import CharacteristicCoverageRow
from .model import AgendaRow, LevelSection, ReportData
from .mou import mou_summary
from .why import FindingRow, rules_of

__all__ = ["render_html"]

CHART_WIDTH = 170.0
_PAGE_SIZES = {"A4": "A4", "LETTER": "letter"}
SHORT_FILL = "#FDAE61"  # a coverage share below what is needed to judge

_CSS = """
:root { --ink:#1f1f1f; --muted:#5f5f5f; --accent:#1f3a5f; --line:#d8dde3; --open:#b2182b; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); margin: 0; background: #f3f4f6; line-height: 1.45; font-size: 15px; }
main { max-width: 900px; margin: 0 auto; background: #fff; padding: 0 40px 40px; }
h1, h2, h3 { color: var(--accent); line-height: 1.25; break-after: avoid; page-break-after: avoid; }
h2 { font-size: 1.55rem; margin: 2.2rem 0 .6rem; padding-bottom: .3rem;
  border-bottom: 3px solid var(--accent); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
.cover-band { background: var(--accent); color: #fff; margin: 0 -40px; padding: 28px 40px; }
.cover-band .kicker { letter-spacing: .12em; font-weight: bold; font-size: .85rem; }
.cover-band .title { font-size: 1.8rem; font-weight: bold; }
.partnership { font-size: 2rem; font-weight: bold; margin: 1.4rem 0 .2rem; }
.muted { color: var(--muted); }
.small { font-size: .85rem; }
.label { font-size: .8rem; font-weight: bold; color: var(--muted); text-transform: uppercase;
  letter-spacing: .05em; margin: 1.2rem 0 .3rem; }
.badge { display: inline-block; padding: .15rem .6rem; font-weight: bold; border-radius: 3px; }
.verdict-box { padding: .7rem 1rem; font-size: 1.3rem; font-weight: bold; border-radius: 3px; }
.partners { list-style: none; padding: 0; margin: 0; }
.partners li { display: flex; gap: .6rem; align-items: baseline; padding: .2rem 0; }
.partners .name { font-weight: bold; min-width: 45%; }
.note { border-left: 6px solid #fdae61; background: #fff8ef; padding: .6rem .9rem; margin: 1rem 0; }
.note.grey { border-color: #bdbdbd; background: #f6f6f6; }
nav.toc ol { padding-left: 1.4rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .9rem;
  break-inside: avoid; page-break-inside: avoid; }
th { text-align: left; color: var(--accent); background: #eef1f5; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: center; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.chip { display: inline-block; width: .8em; height: .8em; border: 1px solid #777;
  vertical-align: baseline; margin-right: .35em; }
.open { background: var(--open); color: #fff; font-weight: bold; font-size: .75rem;
  padding: .05rem .35rem; border-radius: 2px; margin-right: .35rem; }
.open-text { color: var(--open); font-weight: bold; }
.finding { margin: .8rem 0 1rem; }
ul.ranked { list-style: none; padding-left: .6rem; }
.finding p { margin: .3rem 0 .2rem; }
.agenda-item { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
.rank { display: inline-block; min-width: 1.6rem; text-align: center; background: var(--accent);
  color: #fff; font-weight: bold; margin-right: .4rem; }
.comment { margin: .5rem 0 .9rem; break-inside: avoid; page-break-inside: avoid; }
.comment .text { margin: .15rem 0 0 1rem; white-space: pre-wrap; overflow-wrap: anywhere; }
p, li, td { overflow-wrap: break-word; }
.band { white-space: nowrap; }
figure { margin: .6rem 0 1rem; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: bold; color: var(--muted); font-size: .9rem; margin-bottom: .2rem; }
svg { width: 100%; height: auto; display: block; }
section.level, section.page { break-before: page; page-break-before: always; }
@media print {
  @page { size: %PAGE%; margin: 16mm 15mm 18mm; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .cover-band { margin: 0; }
  a { color: inherit; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _badge(text: str, colour: str) -> str:
    return (
        f'<span class="badge" style="background:{_e(colour)};color:{text_on(colour)}">'
        f"{_e(text)}</span>"
    )


def _marker_svg(symbol: str, colour: str, size: float = 12) -> str:
    r = size / 2 - 1
    pts = " ".join(f"{x:.2f},{y:.2f}" for x, y in marker_points(symbol, size / 2, size / 2, r))
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true" '
        f'style="width:{size}px;height:{size}px;display:inline-block;vertical-align:middle">'
        f'<polygon points="{pts}" fill="{_e(colour)}"/></svg>'
    )


class _SvgPainter:
    """Writes a laid-out chart's items as SVG elements (the viewBox is in mm)."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def rect(self, item: charts.Rect) -> None:
        fill = _e(item.fill) if item.fill else "none"
        stroke = f' stroke="{_e(item.stroke)}" stroke-width="0.15"' if item.stroke else ""
        self.out.append(
            f'<rect x="{item.x:.2f}" y="{item.y:.2f}" width="{item.w:.2f}" '
            f'height="{item.h:.2f}" fill="{fill}"{stroke}/>'
        )

    def line(self, item: charts.Line) -> None:
        self.out.append(
            f'<line x1="{item.x1:.2f}" y1="{item.y1:.2f}" x2="{item.x2:.2f}" '
            f'y2="{item.y2:.2f}" stroke="{_e(item.colour)}" stroke-width="{item.width}"/>'
        )

    def marker(self, item: charts.Marker) -> None:
        points = marker_points(item.symbol, item.x, item.y, item.size)
        pts = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
        edge = "#fff" if item.colour.upper() != "#FFFFFF" else "#222"
        self.out.append(
            f'<polygon points="{pts}" fill="{_e(item.colour)}" stroke="{edge}" stroke-width="0.2"/>'
        )

    def text(self, item: charts.Text) -> None:
        weight = ' font-weight="bold"' if item.bold else ""
        self.out.append(
            f'<text x="{item.x:.2f}" y="{item.y:.2f}" font-size="{item.size * PT:.2f}" '
            f'fill="{_e(item.colour)}" text-anchor="{item.anchor}"{weight}>'
            f"{_e(item.text)}</text>"
        )


def _svg(chart: charts.Chart) -> str:
    painter = _SvgPainter()
    charts.draw(chart, painter)
    return (
        f"<figure><figcaption>{_e(chart.title)}</figcaption>"
        f'<svg viewBox="0 0 {chart.width:.1f} {chart.height:.1f}" role="img" '
        f'aria-label="{_e(chart.description)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif">'
        + "".join(painter.out)
        + "</svg></figure>"
    )


def _table(
    headings: list[str],
    rows: list[list[str]],
    num: set[int] | None = None,
    heading_colours: list[str | None] | None = None,
) -> str:
    """Rows are already-escaped HTML cell contents."""
    num = num or set()
    head = "".join(
        f'<th class="{"num" if i in num else ""}"'
        + (
            f' style="color:{_e(heading_colours[i])}"'
            if heading_colours and heading_colours[i]
            else ""
        )
        + f">{_e(h)}</th>"
        for i, h in enumerate(headings)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if i in num else ""}">{cell}</td>' for i, cell in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _band_cell(label: str, colour: str) -> str:
    return (
        f'<span class="band"><span class="chip" style="background:{_e(colour)}"></span>'
        f"{_e(label)}</span>"
    )


def _cover(d: ReportData) -> str:
    partners = "".join(
        f"<li>{_marker_svg(p.symbol, p.colour)}"
        f'<span class="name" style="color:{_e(p.colour)}">{_e(p.name)}</span>'
        f'<span class="muted">{_e(p.answered_by)}</span></li>'
        for p in d.partners
    )
    banks = "".join(
        f"<li>{_e(b.title)} (version {_e(b.version)}) — {_e(b.source)}</li>" for b in d.banks
    )
    notes = ""
    if d.estimate_note:
        notes += (
            '<div class="note"><strong>Some answers are estimates.</strong> '
            f"{_e(d.estimate_note)}</div>"
        )
    if d.partial:
        notes += (
            '<div class="note grey"><strong>Not every answer is in.</strong> Some ratings are '
            "missing or “not sure”; scores rest on the answers given.</div>"
        )
    return (
        '<header class="cover"><div class="cover-band"><div class="kicker">PARTNERSHIP FIT</div>'
        '<div class="title">Summary report</div></div>'
        f'<div class="partnership">{_e(d.partnership)}</div>'
        f'<div class="muted">{_e(d.type_label)} partnership · report of {_e(d.generated_on)} · '
        f"assessment started {_e(d.created_on)}</div>"
        f'<div class="label">Overall verdict</div>{_badge(d.verdict.label, d.verdict.colour)}'
        f"<p>{_e(d.verdict.headline)}</p>"
        f'<div class="label">Partners</div><ul class="partners">{partners}</ul>'
        f'<div class="label">Question banks used</div><ul>{banks}</ul>{notes}</header>'
    )


def _toc(d: ReportData) -> str:
    items = "".join(f'<li><a href="#{_e(t.anchor)}">{_e(t.title)}</a></li>' for t in d.toc)
    return f'<nav class="toc"><h2 id="contents">Contents</h2><ol>{items}</ol></nav>'


def _verdict(d: ReportData) -> str:
    v = d.verdict
    figure = f" · {_e(v.figure)}" if v.figure else ""
    notes = _list("Not assessed", d.coverage.not_assessed) + _list(
        "Points to bear in mind", d.warnings
    )
    glance = _table(
        ["Level", "Characteristic", "Fit", "Band"],
        [
            [
                _e(lv.name),
                _e(r.name),
                format_score(r.compatibility),
                _band_cell(r.band_label, r.band_colour),
            ]
            for lv in d.levels
            for r in lv.rows
        ],
        num={2},
    )
    return (
        '<section class="page" id="verdict"><h2>The verdict</h2>'
        f'<div class="verdict-box" style="background:{_e(v.colour)};color:{text_on(v.colour)}">'
        f"{_e(v.label)}{figure}</div>"
        f'<p><strong>{_e(v.headline)}</strong></p><p class="muted">{_e(v.where)}</p>'
        f"<h3>Next step</h3><p>{_e(v.next_step)}</p>"
        f"{_svg(charts.level_summary_chart(d.level_summaries, CHART_WIDTH))}"
        f'<div class="keep"><h3>All characteristics at a glance</h3>{glance}</div>'
        f"{notes}</section>"
    )


def _ul(lines: Iterable[str], css: str = "") -> str:
    """A bullet list of plain sentences; nothing when there are none."""
    items = "".join(f"<li>{_e(line)}</li>" for line in lines)
    if not items:
        return ""
    return (f'<ul class="{css}">' if css else "<ul>") + items + "</ul>"


def _list(heading: str, lines: tuple[str, ...]) -> str:
    """A headed bullet list of plain sentences; nothing when there are none."""
    return f"<h3>{_e(heading)}</h3>{_ul(lines)}" if lines else ""


def _why(d: ReportData) -> str:
    intro = wording.WHY_INTRO if d.verdict_findings else wording.WHY_NONE
    also = ""
    if d.agenda_findings:
        also = (
            f"<h3>{_e(wording.WHY_AGENDA_HEADING)}</h3><p>{_e(wording.WHY_AGENDA_ONLY)}</p><ul>"
            + "".join(
                f"<li>{_badge(f.severity_label, f.colour)} {_e(f.sentence)}</li>"
                for f in d.agenda_findings
            )
            + "</ul>"
        )
    findings = "".join(_finding(f) for f in d.verdict_findings)
    rules = rules_of(d.verdict_findings)
    table = (
        f"<h3>{_e(wording.WHY_RULES)}</h3>"
        + _table(["Rule", "What it says"], [[_e(n), _e(t)] for n, t in rules])
        if rules
        else ""
    )
    return (
        '<section class="page" id="why"><h2>Why this verdict</h2>'
        f"<p>{_e(intro)}</p>{table}{findings}{also}</section>"
    )


def _rule_texts(findings: tuple[FindingRow, ...]) -> str:
    """The rules behind a section's findings, in full, once above them."""
    return "".join(
        f'<p class="small muted">{_e(name)}: {_e(text)}</p>' for name, text in rules_of(findings)
    )


def _finding(f: FindingRow) -> str:
    """A finding: severity and what it does to the verdict, what was found, the rule, who
    and which statements, with their figures."""
    effect = f" → {_e(f.effect_note)} · " if f.effect_note else " "
    who = f'<div class="small muted">Who: {_e(f.who)}</div>' if f.who else ""
    return (
        f'<div class="finding keep"><div>{_badge(f.severity_label, f.colour)}'
        f'<span class="small muted">{effect}{_e(f.where)}</span></div>'
        f"<p><strong>{_e(f.sentence)}</strong></p>"
        f'<div class="small muted">Rule: {_e(f.rule_label)}</div>{who}'
        f"{_ul(f.evidence_shown, 'small')}"
        + (f'<p class="small muted">{_e(f.evidence_more)}</p>' if f.evidence_more else "")
        + "</div>"
    )


def _splits(d: ReportData) -> str:
    if d.splits:
        body = _rule_texts(d.splits) + "".join(_finding(f) for f in d.splits)
    else:
        single = all(p.respondents <= 1 for p in d.partners)
        none = wording.SPLITS_SINGLE_VOICE if single else wording.SPLITS_NONE
        body = f'<p class="muted">{_e(none)}</p>'
    return (
        '<section class="page" id="splits"><h2>Where a partner’s own people differ</h2>'
        f"<p>{_e(wording.SPLITS_INTRO)}</p>{body}</section>"
    )


def _coverage(d: ReportData) -> str:
    c = d.coverage
    partners = _table(
        ["Partner", "Respondents", "Ratings expected", "Given", "Not sure", "Unanswered"],
        [
            [
                f'<strong style="color:{_e(d.partners[r.partner_index].colour)}">'
                f"{_e(r.partner)}</strong>",
                str(d.partners[r.partner_index].respondents),
                str(r.expected),
                str(r.rated),
                str(r.not_sure),
                str(r.unanswered),
            ]
            for r in c.partners
        ],
        num={1, 2, 3, 4, 5},
    )
    shares = _table(
        ["Characteristic", *(p.name for p in d.partners)],
        [_coverage_cells(row) for row in c.characteristics],
        num=set(range(1, len(d.partners) + 1)),
        heading_colours=[None, *(p.colour for p in d.partners)],
    )
    return (
        '<section class="page" id="coverage"><h2>Who answered what</h2>'
        f'<p>{_e(wording.COVERAGE_INTRO)}</p><div class="keep">{partners}</div>'
        f"<h3>Share of each characteristic’s statements rated</h3>"
        f'<p class="small muted">{_e(c.summary)} {_e(wording.COVERAGE_SHORT)}</p>{shares}'
        f"{_list('Answers to check', c.flagged)}</section>"
    )


def _coverage_cells(row: CharacteristicCoverageRow) -> list[str]:
    if not row.assessed:
        return [_e(row.name), *("not assessed" for _ in row.shares)]
    return [
        _e(row.name),
        *(
            _band_cell(f"{share:.0%}", SHORT_FILL) if short else f"{share:.0%}"
            for share, short in zip(row.shares, row.short, strict=True)
        ),
    ]


def _level(d: ReportData, lv: LevelSection) -> str:
    rows = [
        [
            _e(r.name) + (" ⚑" if r.red_flag else ""),
            *(format_score(v) for v in r.readiness),
            format_score(r.alignment),
            format_score(r.compatibility),
            _band_cell(r.band_label, r.band_colour),
        ]
        for r in lv.rows
    ]
    n = len(d.partners)
    table = _table(
        ["Characteristic", *(p.name for p in d.partners), "Alignment", "Fit", "Band"],
        rows,
        num=set(range(1, n + 3)),
        heading_colours=[None, *(p.colour for p in d.partners), None, None, None],
    )
    advice = "".join(
        '<div class="keep"><h4 style="margin:.6rem 0 .1rem">'
        f'<span class="chip" style="background:{_e(r.band_colour)}"></span>'
        f"{_e(r.name)} — {_e(r.band_label)}</h4>"
        f'<p style="margin:0 0 0 1.2rem">{_e(r.advice)}</p></div>'
        for r in lv.rows
    )
    return (
        f'<section class="level" id="{_e(lv.anchor)}">'
        f"<h2>{_e(lv.name)}: {_e(lv.verdict_label)}</h2>"
        f'<p>{_badge(lv.verdict_label, lv.verdict_colour)} <span class="muted">lowest fit '
        f"{format_score(lv.compatibility)} · level weight {lv.weight:g}</span></p>"
        f'<p>{_e(lv.explanation)}</p><p class="muted small">{_e(lv.description)}</p>'
        f"{_svg(charts.level_chart(lv, d.partners, CHART_WIDTH))}"
        f'<div class="keep"><h3>Characteristics</h3>{table}</div>'
        f'<p class="muted small">Partner columns: readiness 0–100. {_e(wording.FLAG_NOTE)}</p>'
        f"<h3>What the bands mean for you</h3>{advice}</section>"
    )


def _frameworks(d: ReportData) -> str:
    n = len(d.partners)
    tables = "".join(
        f'<div class="keep"><h3>{_e(f.title)}</h3>'
        + _table(
            ["Characteristic", "Statements", *(p.name for p in d.partners), "Gap"],
            [
                [
                    _e(r.name),
                    str(r.statements),
                    *(format_score(r.scores.get(p.id)) for p in d.partners),
                ]
                + [format_score(r.gap)]
                for r in f.rows
            ],
            num=set(range(1, n + 3)),
            heading_colours=[None, None, *(p.colour for p in d.partners), None],
        )
        + "</div>"
        for f in d.frameworks
    )
    return (
        f'<section class="page" id="frameworks"><h2>{_e(wording.FRAMEWORKS_HEADING)}</h2>'
        f"<p>{_e(wording.FRAMEWORKS_INTRO)}</p>{tables}"
        f'<p class="muted small">{_e(wording.FRAMEWORKS_NOTE)}</p></section>'
    )


def _perception(d: ReportData) -> str:
    rows = [
        [
            _e(g.predictor),
            _e(g.other),
            _e(g.text),
            format_score(g.predicted),
            format_score(g.actual),
            format_score(g.gap),
        ]
        for g in d.perception_gaps
    ]
    return (
        '<section class="page" id="perception"><h2>How well the partners read each other</h2>'
        "<p>Respondents predicted how the other partner would answer. The larger the difference "
        "between prediction and answer, the more the partners misjudge each other on that point: "
        "worth raising before it surprises anyone.</p>"
        + (
            "<h3>Misreadings to talk through</h3>"
            + _rule_texts(d.misreadings)
            + "".join(_finding(f) for f in d.misreadings)
            if d.misreadings
            else ""
        )
        + f"{_svg(charts.perception_chart(d.perception_gaps, d.partners, CHART_WIDTH))}"
        '<div class="keep"><h3>Predictions compared</h3>'
        f'<p class="small muted">{_e(d.perception_summary)}</p>'
        + _table(
            ["Predicted by", "About", "Statement", "Predicted", "Actual", "Gap"],
            rows,
            num={3, 4, 5},
        )
        + "</div></section>"
    )


def _agenda(d: ReportData) -> str:
    if not d.agenda:
        body = f"<p>{_e(wording.AGENDA_NONE)}</p>"
    else:
        body = f"<p>{_e(wording.AGENDA_INTRO)}</p>"
    if d.talk_first:
        heading = wording.talk_first_heading(len(d.talk_first), d.talk_first_minutes)
        body += f"<h3>{_e(heading)}</h3>" + "".join(_agenda_item(d, a) for a in d.talk_first)
    if d.agenda_groups:
        body += f"<h3>{_e(wording.AGENDA_REST)}</h3>"
    for group in d.agenda_groups:
        body += (
            f"<h4>{_e(group.characteristic_name)} ({_e(group.level_name.lower())})</h4>"
            '<ul class="ranked">'
            + "".join(f"<li>{a.rank}. {_e(a.brief)}</li>" for a in group.items)
            + "</ul>"
        )
    return f'<section class="page" id="agenda"><h2>Discussion agenda</h2>{body}</section>'


def _agenda_item(d: ReportData, a: AgendaRow) -> str:
    scores = " ".join(
        f'<strong style="color:{_e(p.colour)}">{_e(p.name)} {format_score(s)}</strong>'
        for p, s in zip(d.partners, a.scores, strict=True)
    )
    return (
        f'<div class="agenda-item"><div><span class="rank">{a.rank}</span>'
        f"<strong>{_e(a.text)}</strong></div>"
        f'<div class="small muted">{_e(a.characteristic_name)} · {_e(a.level_name)} · '
        f"about {a.minutes} min · {scores}</div>"
        f"<p>{_e(a.explanation)}</p>{_ul(a.prompts)}</div>"
    )


def _workshop(d: ReportData) -> str:
    w = d.workshop
    assert w is not None
    when = f" Answers were revealed on {_e(w.revealed_on)}." if w.revealed_on else ""
    if w.agreed:
        agreed = _table(
            ["Statement", "Characteristic", "Agreed rating", "Outcome"],
            [
                [
                    _e(a.text),
                    _e(a.characteristic_name),
                    f"{a.agreed_rating} – {_e(a.rating_label)}",
                    _band_cell("No agreement", "#FDAE61") if a.disagreement else "Agreed",
                ]
                for a in w.agreed
            ],
        )
    else:
        agreed = '<p class="muted">No ratings were agreed in the workshop.</p>'
    if w.disagreements:
        disagreements = (
            "<ul>"
            + "".join(
                f'<li><span class="open">OPEN</span>{_e(a.text)} ({_e(a.characteristic_name)}). '
                f"{_e(a.recorded_note)}" + (f" Notes: {_e(a.notes)}" if a.notes else "") + "</li>"
                for a in w.disagreements
            )
            + "</ul>"
        )
    else:
        disagreements = (
            '<p class="muted">The partners reached agreement on every statement they discussed.</p>'
        )
    if w.notes:
        notes = "".join(
            f'<div class="comment"><strong>{_e(a.text)}</strong>'
            f'<div class="text">{_e(a.notes)}</div></div>'
            for a in w.notes
        )
    else:
        notes = '<p class="muted">No notes were taken.</p>'
    if w.actions:
        actions = _table(
            ["Action", "Owner", "Due", "About"],
            [[_e(a.title), _e(a.owner), _e(a.due), _e(a.statement_text or "—")] for a in w.actions],
        )
    else:
        actions = '<p class="muted">No actions were recorded.</p>'
    return (
        '<section class="page" id="workshop"><h2>Workshop record and action plan</h2>'
        f"<p>What the partners agreed when they discussed the results together.{when}</p>"
        f'<div class="keep"><h3 id="workshop-agreed">Agreed ratings</h3>{agreed}</div>'
        f'<h3 id="workshop-disagreements">Recorded disagreements</h3>{disagreements}'
        f'<h3 id="workshop-notes">Notes</h3>{notes}'
        f'<div class="keep"><h3 id="workshop-actions">Action plan</h3>{actions}</div></section>'
    )


def _mou(d: ReportData) -> str:
    parts = [
        '<section class="page" id="mou"><h2>Outline of a partnership agreement</h2>'
        "<p>A starting structure for the memorandum of understanding, drawn from the answers and "
        "the workshop. Each section names the characteristics that inform it. Points marked "
        '<span class="open">OPEN</span> are not settled yet: resolve them before the clause is '
        "written.</p>"
        f"<p><strong>{_e(mou_summary(d.mou))}</strong></p>"
    ]
    for s in d.mou:
        informed = ", ".join(
            f'<span class="{"open-text" if i.open else ""}">'
            f"{_band_cell(i.characteristic_name, i.band_colour)} ({_e(i.band_label)}"
            f"{', OPEN' if i.open else ''})</span>"
            for i in s.informed_by
        )
        if s.points:
            points = (
                "<ul>"
                + "".join(
                    "<li>"
                    + ('<span class="open">OPEN</span>' if p.open else "")
                    + _e(p.text)
                    + "</li>"
                    for p in s.points
                )
                + "</ul>"
            )
        else:
            points = (
                '<p class="muted">Nothing from the assessment bears on this section yet; draft it '
                "from the guidance above.</p>"
            )
        parts.append(
            f'<div class="keep"><h3 id="{_e(s.anchor)}">{s.number}. {_e(s.title)}</h3>'
            f'<p class="muted">{_e(s.guidance)}</p>'
            f'<p class="small"><strong>Informed by:</strong> {informed}</p></div>{points}'
        )
    parts.append("</section>")
    return "".join(parts)


def _method(d: ReportData) -> str:
    paragraphs = "".join(f"<p>{_e(p)}</p>" for p in d.method.paragraphs)
    weights = _table(
        ["Level", "Weight", "What a difference here means"],
        [[_e(lw.name), f"{lw.weight:g}", _e(lw.description)] for lw in d.method.level_weights],
        num={1},
    )
    bands = _table(
        ["Band", "When"],
        [[_band_cell(b.label, b.colour), _e(b.rule)] for b in d.method.bands],
    )
    return (
        '<section class="page" id="method"><h2>Appendix A: How the scores are worked out</h2>'
        f'{paragraphs}<div class="keep"><h3>Level weights</h3>{weights}</div>'
        f'<div class="keep"><h3>Bands</h3>{bands}</div></section>'
    )


def _comments(d: ReportData) -> str:
    if not d.comments:
        body = '<p class="muted">No respondent left a comment.</p>'
    else:
        body, current = "", None
        for c in d.comments:
            if c.partner_index != current:
                current = c.partner_index
                p = d.partners[c.partner_index]
                body += (
                    f'<h3 style="color:{_e(p.colour)}">{_marker_svg(p.symbol, p.colour, 14)} '
                    f"{_e(c.partner)}</h3>"
                )
            who = _e(c.respondent) + (" (estimate)" if c.is_estimate else "")
            body += (
                f'<div class="comment"><div class="small muted">{who} on “{_e(c.statement_text)}” '
                f"({_e(c.characteristic_name)})</div>"
                f'<div class="text">{_e(c.comment)}</div></div>'
            )
    return f'<section class="page" id="comments"><h2>Appendix B: Comments</h2>{body}</section>'


def render_html(report_data: ReportData, paper: str = "A4") -> str:
    """Render the report as one self-contained HTML page (inline CSS and SVG, no scripts).

    Args:
        report_data: from `build_report_model`.
        paper: page size for printing, "A4" or "Letter".

    Raises:
        ReportError: unknown paper size.
    """
    size = _PAGE_SIZES.get(str(paper).upper())
    if size is None:
        raise ReportError(f"Unknown paper size '{paper}'; choose A4 or Letter.")
    d = report_data
    css = _CSS.replace("%PAGE%", size)
    parts = [_cover(d), _toc(d), _verdict(d), _why(d)]
    parts += [_level(d, lv) for lv in d.levels]
    if d.frameworks:
        parts.append(_frameworks(d))
    parts.append(_splits(d))
    if d.perception_gaps:
        parts.append(_perception(d))
    parts += [_agenda(d), _coverage(d)]
    if d.workshop is not None:
        parts.append(_workshop(d))
    parts += [_mou(d), _method(d), _comments(d)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(d.title)}: {_e(d.partnership)}</title>"
        f"<style>{css}</style></head><body><main>" + "".join(parts) + "</main></body></html>\n"
    )
