"""Plotly figures of a scored assessment, in three layers each (as optuna does):

1. a pure, immutable data object built from an `AssessmentResult` (``*_data``),
2. a function that only turns that data into a ``go.Figure`` (``_build_*``),
3. a thin public wrapper ``*_figure(result)``.

Tests compare the data objects and ``fig.to_dict()``, never pixels. Every figure uses the
partner colours and symbols of `palette` by partner order, `plotly_white`, a horizontal
legend on top and small margins so that it reads on a 390 px wide phone. Numbers and band
labels are always written out, so colour is never the only carrier of meaning.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from .bank import BandId, LevelId
from .palette import BAND_COLOURS, VERDICT_COLOURS, band_label, partner_colour, partner_symbol
from .results import AssessmentResult, CharacteristicResult, Verdict
from .text import format_score, join_names, plural

__all__ = [
    "PartnerStyle",
    "RadarData",
    "radar_data",
    "radar_figure",
    "GapRow",
    "GapChartData",
    "gap_chart_data",
    "gap_chart_figure",
    "MatrixData",
    "matrix_data",
    "matrix_figure",
    "PerceptionRow",
    "PerceptionData",
    "perception_data",
    "perception_figure",
    "LevelBar",
    "LevelSummaryData",
    "level_summary_data",
    "level_summary_figure",
    "VERDICT_COLOURS",
    "DEFAULT_MAX_ROWS",
    "figure_description",
]

DEFAULT_MAX_ROWS = 15
ALIGNMENT_COLOUR = "#555555"
# Continuous scale for 0-100 readiness/alignment cells: the band colours, low to high.
_SCORE_SCALE: list[list[Any]] = [
    [0.0, BAND_COLOURS[BandId.SERIOUS]],
    [0.45, BAND_COLOURS[BandId.PAUSE]],
    [0.7, BAND_COLOURS[BandId.WORKABLE]],
    [1.0, BAND_COLOURS[BandId.STRONG]],
]
_BAND_ORDER: tuple[BandId, ...] = tuple(BandId)
_LEVEL_ORDER: dict[LevelId, int] = {LevelId.ENTRY: 1, LevelId.DECISION: 2, LevelId.OPERATIONAL: 3}


# ---------------------------------------------------------------------------- shared parts


@dataclass(frozen=True)
class PartnerStyle:
    """How one partner is drawn: the same colour and symbol in every figure."""

    id: str
    name: str
    colour: str
    symbol: str


def _partner_styles(result: AssessmentResult) -> tuple[PartnerStyle, ...]:
    return tuple(
        PartnerStyle(pid, name, partner_colour(i), partner_symbol(i))
        for i, (pid, name) in enumerate(result.partner_names.items())
    )


def _characteristics_in_level_order(result: AssessmentResult) -> list[CharacteristicResult]:
    return sorted(result.characteristics, key=lambda c: _LEVEL_ORDER[c.level])


def _readiness(characteristic: CharacteristicResult, partner_id: str) -> float | None:
    """The partner's readiness on the characteristic; None when the partner has no score."""
    return next((s.readiness for s in characteristic.partners if s.partner == partner_id), None)


def _label(text: str, width: int = 30, max_lines: int = 2) -> str:
    """A statement shortened for an axis label: wrapped, cut with an ellipsis, HTML-safe."""
    lines = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _hover(text: str, width: int = 50) -> str:
    return "<br>".join(html.escape(line, quote=False) for line in textwrap.wrap(text, width))


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _layout(
    title: str, description: str, *, height: int, legend_entries: int = 0, top: int = 0
) -> dict[str, Any]:
    """Layout shared by every figure: readable at 390 px, legend on top, alt text in meta.

    The top margin leaves a line per legend entry, because on a phone a horizontal legend of
    long organisation names wraps to one entry a line; the title sits above it.
    """
    legend_px = 20 * legend_entries + 6 if legend_entries else 0
    margin_top = 44 + legend_px + top
    return {
        "template": "plotly_white",
        "title": {
            "text": html.escape(title, quote=False),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 12, "l": 8},
            "font": {"size": 16},
        },
        "meta": {"description": description},
        "autosize": True,
        "height": height + legend_px + top,
        "margin": {"l": 8, "r": 8, "t": margin_top, "b": 32, "pad": 2},
        "showlegend": bool(legend_entries),
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "yref": "paper",
            "font": {"size": 12},
        },
        "font": {"size": 12},
        "hoverlabel": {"align": "left"},
    }


def _empty_figure(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(**_layout(title, message, height=220))
    fig.add_annotation(
        # Wrapped by hand: plotly does not wrap annotations, and a phone is 390 px wide.
        text=_label(message, width=40, max_lines=6),
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 14},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def figure_description(fig: go.Figure) -> str:
    """The plain-text description of a figure (for alt text and screen readers)."""
    meta = fig.layout.meta
    return str(meta.get("description", "")) if isinstance(meta, dict) else ""


# The gap chart and the perception chart are both dot charts: one row per statement, a grey
# line spanning each row's two ends, partner markers on top, and a note of rows left out.


def _row_spans_trace(spans: list[tuple[float, float]], name: str) -> go.Scatter:
    """One grey line per row (row y = its index) from one end of its span to the other."""
    line_x: list[float | None] = []
    line_y: list[int | None] = []
    for y, (start, end) in enumerate(spans):
        # None between rows breaks the line, so one trace draws every row's span.
        line_x += [start, end, None]
        line_y += [y, y, None]
    return go.Scatter(
        x=line_x,
        y=line_y,
        mode="lines",
        line={"color": "#9E9E9E", "width": 3},
        hoverinfo="skip",
        showlegend=False,
        name=name,
    )


def _note_hidden_rows(fig: go.Figure, layout: dict[str, Any], note: str) -> None:
    """Write below the chart how many rows were left out, making room for it in `layout`."""
    layout["margin"]["b"] = 52
    fig.add_annotation(
        text=note,
        showarrow=False,
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        yshift=-44,
        xanchor="left",
        font={"size": 11, "color": "#616161"},
    )


def _finish_dot_chart(
    fig: go.Figure,
    title: str,
    description: str,
    *,
    labels: list[str],
    row_px: int,
    legend_entries: int,
    hidden_note: str | None,
) -> go.Figure:
    """Lay out a dot chart: `row_px` pixels a row, the x axis 0-100, one labelled row per
    statement with the first at the top, and a note of the rows left out if any."""
    layout = _layout(
        title, description, height=70 + row_px * len(labels), legend_entries=legend_entries
    )
    if hidden_note:
        _note_hidden_rows(fig, layout, hidden_note)
    fig.update_layout(**layout)
    fig.update_xaxes(range=[-4, 104], tickvals=[0, 50, 100], title=None, zeroline=False)
    fig.update_yaxes(
        tickvals=list(range(len(labels))),
        ticktext=labels,
        autorange="reversed",
        tickfont={"size": 10},
        automargin=True,
    )
    return fig


# ---------------------------------------------------------------------------- radar


@dataclass(frozen=True)
class RadarData:
    """Readiness per spine characteristic (level order) and partner, plus alignment."""

    title: str
    description: str
    characteristic_ids: tuple[str, ...]
    labels: tuple[str, ...]
    partners: tuple[PartnerStyle, ...]
    readiness: tuple[tuple[float | None, ...], ...]  # per partner, per characteristic
    alignment: tuple[float | None, ...] | None


def radar_data(result: AssessmentResult, include_alignment: bool = False) -> RadarData:
    """Gather the radar's values: one series per partner, in partner order."""
    chars = _characteristics_in_level_order(result)
    partners = _partner_styles(result)
    readiness = tuple(tuple(_readiness(c, p.id) for c in chars) for p in partners)
    names = join_names([p.name for p in partners])
    return RadarData(
        title="Readiness by characteristic",
        description=(
            f"Radar chart of how ready {names} say they are on each of the "
            f"{len(chars)} characteristics, 0 to 100, entry level first."
        ),
        characteristic_ids=tuple(c.id for c in chars),
        labels=tuple(_label(c.name, width=13) for c in chars),
        partners=partners,
        readiness=readiness,
        alignment=tuple(c.alignment for c in chars) if include_alignment else None,
    )


def _build_radar(data: RadarData) -> go.Figure:
    fig = go.Figure()
    if not data.labels:
        return _empty_figure(data.title, "No characteristics were scored.")
    # Repeat the first point so that each outline closes.
    theta = [*data.labels, data.labels[0]]
    for partner, values in zip(data.partners, data.readiness, strict=True):
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=theta,
                name=_esc(partner.name),
                mode="lines+markers",
                line={"color": partner.colour, "width": 2},
                marker={"color": partner.colour, "symbol": partner.symbol, "size": 8},
                connectgaps=False,
                hovertemplate=f"{_esc(partner.name)}<br>%{{theta}}: %{{r:.0f}}<extra></extra>",
            )
        )
    if data.alignment is not None:
        fig.add_trace(
            go.Scatterpolar(
                r=[*data.alignment, data.alignment[0]],
                theta=theta,
                name="Alignment",
                mode="lines",
                line={"color": ALIGNMENT_COLOUR, "width": 2, "dash": "dash"},
                hovertemplate="Alignment<br>%{theta}: %{r:.0f}<extra></extra>",
            )
        )
    fig.update_layout(
        **_layout(
            data.title,
            data.description,
            height=400,
            legend_entries=len(data.partners) + (data.alignment is not None),
        ),
        polar={
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [25, 50, 75, 100],
                "tickfont": {"size": 9},
                # Between the first two spokes, so the ticks cover no label.
                "angle": 90 - 180 / len(data.labels),
            },
            "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": {"size": 10}},
            "domain": {"x": [0.16, 0.84]},
        },
    )
    return fig


def radar_figure(result: AssessmentResult, include_alignment: bool = False) -> go.Figure:
    """Radar of partner readiness per characteristic (optionally with the alignment line)."""
    return _build_radar(radar_data(result, include_alignment))


# ---------------------------------------------------------------------------- gap chart


@dataclass(frozen=True)
class GapRow:
    statement: str
    label: str
    text: str
    characteristic: str
    level: LevelId
    gap: float
    scores: tuple[float | None, ...]  # per partner, in partner order


@dataclass(frozen=True)
class GapChartData:
    """Statements with the widest partner gaps, widest first."""

    title: str
    description: str
    partners: tuple[PartnerStyle, ...]
    rows: tuple[GapRow, ...]
    hidden: int  # statements with a gap that did not fit in `max_rows`


def gap_chart_data(result: AssessmentResult, max_rows: int = DEFAULT_MAX_ROWS) -> GapChartData:
    """Rank the statements by gap; keep the `max_rows` widest (ties: level order, then id)."""
    partners = _partner_styles(result)
    names = {c.id: c.name for c in result.characteristics}
    items = [
        (item, names.get(item.characteristic, item.characteristic))
        for item in (i for c in result.characteristics for i in c.items)
        if item.gap is not None
    ]
    items.sort(key=lambda t: (-(t[0].gap or 0.0), _LEVEL_ORDER[t[0].level], t[0].statement))
    rows = tuple(
        GapRow(
            statement=item.statement,
            label=_label(item.text),
            text=item.text,
            characteristic=char_name,
            level=item.level,
            gap=float(item.gap or 0.0),
            scores=tuple(item.scores.get(p.id) for p in partners),
        )
        for item, char_name in items[: max(max_rows, 0)]
    )
    return GapChartData(
        title="Where the partners see it differently",
        description=(
            f"Dot chart of the {plural(len(rows), 'statement')} on which the partners' answers "
            "differ most, widest gap first; each partner's score 0 to 100 is a marker, the line "
            "spans the gap."
        ),
        partners=partners,
        rows=rows,
        hidden=max(len(items) - len(rows), 0),
    )


def _build_gap_chart(data: GapChartData) -> go.Figure:
    if not data.rows:
        return _empty_figure(data.title, "No statement has answers from two partners yet.")
    ys = list(range(len(data.rows)))
    # Each row's line spans from the lowest to the highest partner score.
    spans = []
    for row in data.rows:
        known = [s for s in row.scores if s is not None]
        spans.append((min(known), max(known)))
    fig = go.Figure()
    fig.add_trace(_row_spans_trace(spans, name="Gap"))
    for i, partner in enumerate(data.partners):
        fig.add_trace(
            go.Scatter(
                x=[row.scores[i] for row in data.rows],
                y=ys,
                mode="markers",
                name=_esc(partner.name),
                marker={
                    "color": partner.colour,
                    "symbol": partner.symbol,
                    "size": 11,
                    "line": {"color": "white", "width": 1},
                },
                customdata=[[_hover(row.text), row.characteristic, row.gap] for row in data.rows],
                hovertemplate=(
                    f"<b>{_esc(partner.name)}</b>: %{{x:.0f}}<br>%{{customdata[0]}}"
                    "<br>%{customdata[1]} · gap %{customdata[2]:.0f}<extra></extra>"
                ),
            )
        )
    return _finish_dot_chart(
        fig,
        data.title,
        data.description,
        labels=[row.label for row in data.rows],
        row_px=44,
        legend_entries=len(data.partners),
        hidden_note=f"{data.hidden} smaller gap(s) not shown" if data.hidden else None,
    )


def gap_chart_figure(result: AssessmentResult, max_rows: int = DEFAULT_MAX_ROWS) -> go.Figure:
    """Dumbbell chart of the statements with the widest partner gaps."""
    return _build_gap_chart(gap_chart_data(result, max_rows))


# ---------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class MatrixData:
    """Characteristic x partner readiness, then alignment and the band of each characteristic."""

    title: str
    description: str
    partners: tuple[PartnerStyle, ...]
    characteristic_ids: tuple[str, ...]
    row_labels: tuple[str, ...]
    levels: tuple[LevelId, ...]
    readiness: tuple[tuple[float | None, ...], ...]  # per characteristic, per partner
    alignment: tuple[float | None, ...]
    compatibility: tuple[float | None, ...]
    bands: tuple[BandId, ...]
    band_labels: tuple[str, ...]


def matrix_data(result: AssessmentResult) -> MatrixData:
    """Gather the matrix cells, characteristics in level order."""
    chars = _characteristics_in_level_order(result)
    partners = _partner_styles(result)
    return MatrixData(
        title="Readiness and fit per characteristic",
        description=(
            "Table coloured by score: each partner's readiness 0 to 100 per characteristic, the "
            "partners' alignment, and the resulting fit with its band in words."
        ),
        partners=partners,
        characteristic_ids=tuple(c.id for c in chars),
        row_labels=tuple(_label(c.name, width=22) for c in chars),
        levels=tuple(c.level for c in chars),
        readiness=tuple(tuple(_readiness(c, p.id) for p in partners) for c in chars),
        alignment=tuple(c.alignment for c in chars),
        compatibility=tuple(c.compatibility for c in chars),
        bands=tuple(c.band for c in chars),
        band_labels=tuple(band_label(c) for c in chars),
    )


# One heatmap trace carries both kinds of cell: scores 0-100 on a continuous scale and the
# fit band as z = 200 + 10 x band index + 5 on a stepped scale, so the band column gets its
# exact band colour without a second trace.
_MATRIX_ZMAX = 200 + 10 * len(_BAND_ORDER)


def _matrix_scale() -> list[list[Any]]:
    scale = [[stop * 100 / _MATRIX_ZMAX, colour] for stop, colour in _SCORE_SCALE]
    for i, band in enumerate(_BAND_ORDER):
        low, high = (200 + 10 * i) / _MATRIX_ZMAX, (210 + 10 * i) / _MATRIX_ZMAX
        scale += [[low, BAND_COLOURS[band]], [high, BAND_COLOURS[band]]]
    return scale


def _build_matrix(data: MatrixData) -> go.Figure:
    if not data.row_labels:
        return _empty_figure(data.title, "No characteristics were scored.")
    ys = list(range(len(data.row_labels)))
    headers = [_label(p.name, width=12, max_lines=3) for p in data.partners]
    headers += ["Align-<br>ment", "Fit"]
    # Brick edges: one unit per score column, two for the fit column (it holds the band in
    # words); the ticks sit at the brick centres.
    edges = [*range(len(headers)), len(headers) + 1]
    centres = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
    z, text = _matrix_cells(data)
    fig = go.Figure(
        go.Heatmap(
            x=edges,
            y=ys,
            z=z,
            zmin=0,
            zmax=_MATRIX_ZMAX,
            colorscale=_matrix_scale(),
            showscale=False,
            xgap=2,
            ygap=2,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 11},
            customdata=[[h.replace("<br>", " ") for h in headers] for _ in ys],
            hovertemplate="%{customdata}: %{text}<extra></extra>",
            name="Readiness and fit",
        )
    )
    _rules_between_levels(fig, data.levels)
    header_lines = max(h.count("<br>") + 1 for h in headers)
    many = len(data.partners) > 3
    top = 70 if many else 16 * header_lines
    fig.update_layout(**_layout(data.title, data.description, height=40 + 40 * len(ys), top=top))
    fig.update_xaxes(
        side="top",
        tickvals=centres,
        ticktext=headers,
        tickangle=-60 if many else 0,
        tickfont={"size": 10},
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_yaxes(
        tickvals=ys,
        ticktext=list(data.row_labels),
        autorange="reversed",
        tickfont={"size": 10},
        showgrid=False,
        zeroline=False,
        automargin=True,
        fixedrange=True,
    )
    return fig


def _matrix_cells(data: MatrixData) -> tuple[list[list[float | None]], list[list[str]]]:
    """Each row's heatmap values (scores, then the fit band's colour step) and cell texts."""
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for row, align, fit, band, label in zip(
        data.readiness,
        data.alignment,
        data.compatibility,
        data.bands,
        data.band_labels,
        strict=True,
    ):
        z.append([*row, align, 200 + 10 * _BAND_ORDER.index(band) + 5])
        fit_text = f"{format_score(fit)}<br>{_esc(label)}" if fit is not None else _esc(label)
        text.append([*(format_score(v) for v in row), format_score(align), fit_text])
    return z, text


def _rules_between_levels(fig: go.Figure, levels: tuple[LevelId, ...]) -> None:
    """Thin rules between the levels, so the entry/decision/operational blocks stand out."""
    for y in range(1, len(levels)):
        if levels[y] != levels[y - 1]:
            fig.add_shape(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                y0=y - 0.5,
                y1=y - 0.5,
                line={"color": "#212121", "width": 2},
            )


def matrix_figure(result: AssessmentResult) -> go.Figure:
    """Heatmap of readiness per characteristic and partner, alignment, and the fit band."""
    return _build_matrix(matrix_data(result))


# ---------------------------------------------------------------------------- perception


@dataclass(frozen=True)
class PerceptionRow:
    statement: str
    label: str
    text: str
    predictor: PartnerStyle
    other: PartnerStyle
    predicted: float
    actual: float
    gap: float


@dataclass(frozen=True)
class PerceptionData:
    """Predicted against actual answers, widest misreading first."""

    title: str
    description: str
    partners: tuple[PartnerStyle, ...]
    rows: tuple[PerceptionRow, ...]
    hidden: int


def perception_data(result: AssessmentResult, max_rows: int = DEFAULT_MAX_ROWS) -> PerceptionData:
    """Rank the predictions by how far they missed; keep the `max_rows` widest."""
    partners = _partner_styles(result)
    by_id = {p.id: p for p in partners}
    gaps = sorted(
        (
            g
            for g in result.perception_gaps
            if g.predictor_partner in by_id and g.other_partner in by_id
        ),
        key=lambda g: (-g.gap, g.statement, g.predictor_partner, g.other_partner),
    )
    rows = tuple(
        PerceptionRow(
            statement=g.statement,
            label=_label(g.text, width=28, max_lines=2)
            + f"<br><i>predicted by {_label(by_id[g.predictor_partner].name, 22, 1)}</i>",
            text=g.text,
            predictor=by_id[g.predictor_partner],
            other=by_id[g.other_partner],
            predicted=g.predicted,
            actual=g.actual,
            gap=g.gap,
        )
        for g in gaps[: max(max_rows, 0)]
    )
    return PerceptionData(
        title="How well the partners read each other",
        description=(
            f"Dot chart of {plural(len(rows), 'statement')}: the score one partner predicted for "
            "the other (open marker) against the other partner's actual score (filled marker), "
            "0 to 100, widest miss first."
        ),
        partners=partners,
        rows=rows,
        hidden=max(len(gaps) - len(rows), 0),
    )


def _build_perception(data: PerceptionData) -> go.Figure:
    if not data.rows:
        return _empty_figure(
            data.title,
            "No predictions yet: ask respondents how they expect the other partner to answer.",
        )
    fig = go.Figure()
    fig.add_trace(_row_spans_trace([(r.predicted, r.actual) for r in data.rows], name="Miss"))
    # Two traces per partner being read: its actual score (filled) and what others predicted
    # for it (open), both in that partner's colour and symbol.
    for partner in data.partners:
        mine = [(y, r) for y, r in enumerate(data.rows) if r.other.id == partner.id]
        if mine:
            fig.add_traces(_perception_traces(partner, mine))
    return _finish_dot_chart(
        fig,
        data.title,
        data.description,
        labels=[r.label for r in data.rows],
        row_px=56,
        legend_entries=len(fig.data) - 1,
        hidden_note=f"{data.hidden} closer prediction(s) not shown" if data.hidden else None,
    )


def _perception_traces(
    partner: PartnerStyle, rows: list[tuple[int, PerceptionRow]]
) -> tuple[go.Scatter, go.Scatter]:
    """The partner's actual scores (filled markers) and the predictions about it (open)."""
    name = _esc(partner.name)
    shared = {
        "y": [y for y, _ in rows],
        "mode": "markers",
        "legendgroup": partner.id,
        "customdata": [[_hover(r.text), r.predictor.name, r.gap] for _, r in rows],
    }
    actual = go.Scatter(
        x=[r.actual for _, r in rows],
        name=f"{name}: actual",
        marker={"color": partner.colour, "symbol": partner.symbol, "size": 11},
        hovertemplate=f"{name} answered %{{x:.0f}}<br>%{{customdata[0]}}<extra></extra>",
        **shared,
    )
    open_marker = {"color": "white", "symbol": partner.symbol, "size": 11}
    predicted = go.Scatter(
        x=[r.predicted for _, r in rows],
        name=f"{name}: as predicted",
        marker={**open_marker, "line": {"color": partner.colour, "width": 2}},
        hovertemplate=(
            "%{customdata[1]} predicted %{x:.0f}<br>%{customdata[0]}"
            "<br>missed by %{customdata[2]:.0f}<extra></extra>"
        ),
        **shared,
    )
    return actual, predicted


def perception_figure(result: AssessmentResult, max_rows: int = DEFAULT_MAX_ROWS) -> go.Figure:
    """Predicted against actual scores; an explanatory empty figure when nobody predicted."""
    return _build_perception(perception_data(result, max_rows))


# ---------------------------------------------------------------------------- level summary


@dataclass(frozen=True)
class LevelBar:
    """One level's bar: its lowest fit (never better than its verdict) in the verdict's colour."""

    level: LevelId
    name: str
    compatibility: float | None
    verdict: Verdict
    verdict_label: str
    colour: str


@dataclass(frozen=True)
class LevelSummaryData:
    """One bar per level, in level order."""

    title: str
    description: str
    bars: tuple[LevelBar, ...]


def level_summary_data(result: AssessmentResult) -> LevelSummaryData:
    """One bar per level, in level order, with its verdict."""
    levels = sorted(result.levels, key=lambda lv: lv.order)
    bars = tuple(
        LevelBar(
            lv.id,
            lv.name,
            lv.compatibility,
            lv.verdict,
            lv.verdict_label,
            VERDICT_COLOURS[lv.verdict],
        )
        for lv in levels
    )
    summary = "; ".join(
        f"{b.name} {format_score(b.compatibility)}, {b.verdict_label}" for b in bars
    )
    return LevelSummaryData(
        title="Lowest fit per level",
        description=(
            "Bar chart of each level's lowest fit 0 to 100 (its weakest characteristic) with "
            f"the level's verdict: {summary}."
        ),
        bars=bars,
    )


def _build_level_summary(data: LevelSummaryData) -> go.Figure:
    if not data.bars:
        return _empty_figure(data.title, "No levels were scored.")
    ys = list(range(len(data.bars)))
    fig = go.Figure(
        go.Bar(
            x=[b.compatibility or 0 for b in data.bars],
            y=ys,
            orientation="h",
            width=0.45,
            marker={
                "color": [b.colour for b in data.bars],
                "line": {"color": "#424242", "width": 1},
            },
            text=[format_score(b.compatibility) for b in data.bars],
            textposition="outside",
            cliponaxis=False,
            customdata=[[_esc(b.name), _esc(b.verdict_label)] for b in data.bars],
            hovertemplate="%{customdata[0]}: %{x:.0f}<br>%{customdata[1]}<extra></extra>",
            name="Lowest fit",
        )
    )
    # The level name and verdict sit above each bar rather than beside it: on a phone there
    # is no room for a long verdict next to the bar.
    for y, bar in zip(ys, data.bars, strict=True):
        fig.add_annotation(
            x=0,
            y=y,
            xref="x",
            yref="y",
            yshift=22,
            xanchor="left",
            showarrow=False,
            text=f"<b>{_esc(bar.name)}</b> · {_esc(bar.verdict_label)}",
            font={"size": 12},
        )
    fig.update_layout(**_layout(data.title, data.description, height=70 + 72 * len(data.bars)))
    fig.update_xaxes(range=[0, 110], tickvals=[0, 50, 100], zeroline=True)
    fig.update_yaxes(visible=False, autorange=False, range=[len(ys) - 0.4, -0.9])
    return fig


def level_summary_figure(result: AssessmentResult) -> go.Figure:
    """Horizontal bars of compatibility per level, each labelled with its verdict."""
    return _build_level_summary(level_summary_data(result))
