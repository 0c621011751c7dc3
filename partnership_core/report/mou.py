"""Outline of a partnership agreement (memorandum of understanding) drawn from the assessment.

Each section of the outline names the characteristics that inform it, with their band, and
lists what the answers and the workshop settled and what is still OPEN: a characteristic in
a band that leaves it unsettled (pause, serious, not enough answers), a statement on the
discussion agenda, or a disagreement recorded in the workshop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..results import AssessmentResult, ItemResult
from ..text import join_names, plural

if TYPE_CHECKING:
    from .model import AgendaRow, CharacteristicRow, LevelSection, WorkshopSection

__all__ = ["MOU_SECTIONS", "MouInput", "MouPoint", "MouSection", "mou_outline", "mou_summary"]

# (title, what the clause should record, spine characteristics that inform it). The first
# section that lists a characteristic is its "home": agenda items and workshop notes about
# it are listed there only, so the outline does not repeat itself.
MOU_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Purpose and shared goals",
        "Why the partners are joining forces, the goals they all accept and the benefit each "
        "expects, stated simply enough that staff on both sides could repeat it.",
        ("mission-vision", "driving-force", "clear-expectations"),
    ),
    (
        "Roles and responsibilities",
        "Who does what, where the partnership's boundaries lie, and which skills and duties "
        "each partner brings.",
        ("scope", "synergy"),
    ),
    (
        "Deliverables and yardsticks for success",
        "What the partnership will produce, by when, and the measures the partners will use "
        "to judge progress and to correct course.",
        ("clear-expectations", "learning"),
    ),
    (
        "Decision making and conflict handling",
        "Which decisions need everyone, which a partner may take alone, who leads, and the "
        "steps for settling a dispute before it escalates.",
        ("decision-making", "cultural-compatibility"),
    ),
    (
        "Communication",
        "Channels, frequency and audiences of partnership communication, what information is "
        "shared as a matter of course, and how problems are raised early.",
        ("communication",),
    ),
    (
        "Resources",
        "Money, people, time, data and facilities each partner commits, and how commitments "
        "are recorded and changed.",
        ("risk-reward", "synergy"),
    ),
    (
        "Risks and rewards",
        "The main risks, who carries each, and how gains, credit and intellectual property "
        "are shared.",
        ("risk-reward",),
    ),
    (
        "Review cycle",
        "When and how the partners review the partnership and this agreement, and how "
        "lessons feed back into the way they work.",
        ("learning", "termination"),
    ),
    (
        "Termination and exit terms",
        "How a partner may leave, the notice it gives, how the partnership can be wound up, "
        "and what happens to shared assets, data and commitments.",
        ("termination",),
    ),
)


MAX_AGENDA_POINTS = 3
MAX_COMMON_GROUND = 3
# "Agree" (4 on the 1-5 scale) is 75 of 100: common ground is every partner at agree or above.
COMMON_GROUND_SCORE = 75


@dataclass(frozen=True)
class MouInput:
    """A characteristic that informs a section, with its band."""

    characteristic_id: str
    characteristic_name: str
    band_label: str
    band_colour: str
    open: bool


@dataclass(frozen=True)
class MouPoint:
    """A point for the clause; `open` when it is not settled yet."""

    text: str
    open: bool


@dataclass(frozen=True)
class MouSection:
    """A numbered section of the outline with what informs it and its points."""

    number: int
    title: str
    guidance: str
    informed_by: tuple[MouInput, ...]
    points: tuple[MouPoint, ...]

    @property
    def anchor(self) -> str:
        return f"mou-{self.number}"

    @property
    def open_count(self) -> int:
        return sum(p.open for p in self.points)


def mou_outline(
    levels: tuple[LevelSection, ...],
    agenda: tuple[AgendaRow, ...],
    workshop: WorkshopSection | None,
    result: AssessmentResult,
) -> tuple[MouSection, ...]:
    """Build the outline's sections from the report's level rows, agenda and workshop."""
    rows: dict[str, CharacteristicRow] = {r.id: r for lv in levels for r in lv.rows}
    home: dict[str, int] = {}
    for i, (_, _, chars) in enumerate(MOU_SECTIONS):
        for c in chars:
            home.setdefault(c, i)
    items = tuple(i for c in result.characteristics for i in c.items)
    sections = []
    for i, (title, guidance, chars) in enumerate(MOU_SECTIONS):
        inputs = tuple(
            MouInput(c, rows[c].name, rows[c].band_label, rows[c].band_colour, rows[c].open)
            for c in chars
            if c in rows
        )
        homed = {c for c in chars if home.get(c) == i}
        points = [
            *_open_characteristics(inputs, rows),
            *_agenda_points(agenda, homed),
            *_workshop_points(workshop, homed),
            *_common_ground(items, homed),
        ]
        sections.append(
            MouSection(
                number=i + 1,
                title=title,
                guidance=guidance,
                informed_by=inputs,
                points=tuple(points),
            )
        )
    return tuple(sections)


def mou_summary(sections: tuple[MouSection, ...]) -> str:
    """'3 open points in 2 of 9 sections.'"""
    total_open = sum(s.open_count for s in sections)
    with_open = sum(1 for s in sections if s.open_count)
    return f"{plural(total_open, 'open point')} in {with_open} of {len(sections)} sections."


def _open_characteristics(
    inputs: tuple[MouInput, ...], rows: dict[str, CharacteristicRow]
) -> list[MouPoint]:
    """An open point for every informing characteristic in a band that leaves it unsettled."""
    return [
        MouPoint(
            f"{row.name} is rated “{row.band_label}”: settle it before this clause "
            f"is drafted. {row.advice}",
            open=True,
        )
        for row in (rows[inp.characteristic_id] for inp in inputs)
        if row.open
    ]


def _agenda_points(agenda: tuple[AgendaRow, ...], homed: set[str]) -> list[MouPoint]:
    """The most urgent agenda items by name, the rest by number, so a long agenda does not
    bury the outline. A misreading alone leaves nothing open: the partners' answers agree."""
    on_agenda = [a for a in agenda if a.characteristic_id in homed and not a.settled_in_the_answers]
    points = [
        MouPoint(f"On the discussion agenda (no. {a.rank}): {a.text}", True)
        for a in on_agenda[:MAX_AGENDA_POINTS]
    ]
    rest = on_agenda[MAX_AGENDA_POINTS:]
    if rest:
        about = join_names(sorted({a.characteristic_name for a in rest}))
        numbers = ", ".join(str(a.rank) for a in rest)
        points.append(
            MouPoint(
                f"{plural(len(rest), 'more statement')} about {about} on the discussion "
                f"agenda (no. {numbers}).",
                True,
            )
        )
    return points


def _workshop_points(workshop: WorkshopSection | None, homed: set[str]) -> list[MouPoint]:
    """Disagreements (open), agreements with notes and actions from the workshop."""
    if workshop is None:
        return []
    points = []
    for ag in workshop.agreed:
        if ag.characteristic_id not in homed:
            continue
        notes = f" Notes: {ag.notes}" if ag.notes else ""
        if ag.disagreement:
            points.append(MouPoint(f"No agreement in the workshop on: {ag.text}{notes}", True))
        elif ag.notes:
            points.append(
                MouPoint(
                    f"Agreed in the workshop (rated {ag.agreed_rating}, "
                    f"{ag.rating_label.lower()}): {ag.text}{notes}",
                    open=False,
                )
            )
    points += [
        MouPoint(f"Action: {act.title} (owner {act.owner}, due {act.due})", False)
        for act in workshop.actions
        if act.characteristic_id in homed
    ]
    return points


def _common_ground(items: tuple[ItemResult, ...], homed: set[str]) -> list[MouPoint]:
    """Up to three statements every partner agrees with clearly, the strongest first."""
    agreed = []
    for item in items:
        values = list(item.scores.values())
        if (
            item.characteristic in homed
            and values
            and all(v is not None and v >= COMMON_GROUND_SCORE for v in values)
        ):
            agreed.append((min(v for v in values if v is not None), item.statement, item.text))
    return [
        MouPoint(f"Common ground to write down: {text}", open=False)
        for _, _, text in sorted(agreed, key=lambda t: (-t[0], t[1]))[:MAX_COMMON_GROUND]
    ]
