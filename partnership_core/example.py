"""A realistic worked example: a regional food bank and a grocery chain weigh a partnership.

Used by the app's "try an example" button, the CLI's `example` command, the docs and the
tests. Answers are generated deterministically (``random.Random(seed)``) from a profile per
characteristic, so the example keeps working when statements are added to the bank, and shows
a believable mix of every verdict: aligned on culture, mission and synergy (strong); a clear
gap on the driving force, an entry characteristic (cause for pause); gaps on a few decision
items (goals, roles, sharing risks, reputation), two of them three steps wide, so that the
decision level says "do not proceed until resolved"; decision making still to be worked out
(workable); a shared shortfall on how the partnership would end; a few splits inside a
partner and predictions that misread the other side.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from .assessment import (
    NOT_SURE,
    Action,
    AgreedItem,
    Answer,
    Assessment,
    Importance,
    Partner,
    Respondent,
    WorkshopRecord,
)
from .bank import SPINE_BANK_ID, BankSet, PartnershipType, Sector, load_bank_set

__all__ = ["EXAMPLE_NAME", "example_assessment", "example_workshop_assessment"]

EXAMPLE_NAME = "Northfield Food Bank × Harvest Market: surplus food programme"
_FOOD_BANK = "food-bank"
_GROCER = "grocer"
_PARTNERS = (
    Partner(id=_FOOD_BANK, name="Northfield Regional Food Bank", sector=Sector.NONPROFIT),
    Partner(id=_GROCER, name="Harvest Market Grocers", sector=Sector.BUSINESS),
)
_RESPONDENTS = (
    Respondent(id="amara", name="Amara Okafor", partner=_FOOD_BANK),
    Respondent(id="zoe", name="Zoë Müller", partner=_FOOD_BANK),
    Respondent(id="tomas", name="Tomás Reyes", partner=_FOOD_BANK),
    Respondent(id="daniel", name="Daniel Whitfield", partner=_GROCER),
    Respondent(id="priya", name="Priya Raman", partner=_GROCER),
    Respondent(id="grace", name="Grace Lindqvist", partner=_GROCER),
)
_CREATED = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)

# How strongly each side agrees, in the "good" direction (reverse items are flipped when the
# raw rating is drawn): (food bank, grocer) on the 1-5 scale.
_PROFILE: dict[str, tuple[float, float]] = {
    "cultural-compatibility": (4.2, 4.0),
    "driving-force": (4.6, 3.0),  # the grocer is lukewarm about why it wants this
    "mission-vision": (4.0, 3.8),
    "clear-expectations": (3.9, 3.7),
    "scope": (3.7, 3.9),
    "synergy": (4.5, 4.3),
    "risk-reward": (3.9, 4.0),
    "decision-making": (3.2, 3.0),
    "communication": (4.1, 3.7),
    "learning": (4.4, 4.3),
    "termination": (2.4, 2.6),  # neither side has thought about how it would end
}
# Single statements that depart from their characteristic's profile.
_OVERRIDES: dict[str, tuple[float, float]] = {
    "df-reason": (4.5, 2.2),  # the grocer cannot yet name a reason of its own
    "ce-goals": (4.4, 1.9),
    "sc-roles": (2.0, 4.6),
    "rr-sharing": (4.4, 1.8),
    "rr-reputation": (2.0, 4.6),  # the non-profit fears for its name; the grocer does not
}
# Statements on which each side guesses the other's answer (raw rating, before noise).
_PREDICTIONS: dict[str, tuple[int, int]] = {
    # food bank predicts grocer, grocer predicts food bank
    "df-reason": (4, 4),
    "df-benefits": (4, 4),
    "df-strategy": (5, 4),
    "ce-goals": (4, 4),
    "rr-sharing": (4, 3),
    "rr-reputation": (4, 5),
}
_PREDICTORS = ("amara", "zoe", "daniel", "priya")
_HIGH = ("driving-force", "risk-reward", "mission-vision")
_LOW = ("learning",)
_COMMENTS: dict[tuple[str, str], str] = {
    ("zoe", "df-reason"): (
        "Their sustainability team called this “a quick win” — we need it to be a lasting "
        "programme, not a campaign."
    ),
    ("daniel", "df-strategy"): (
        "Food waste targets are in next year's plan, but the board has not yet approved a "
        "budget line for it."
    ),
    ("priya", "rr-sharing"): (
        "Who carries the cost if a delivery is spoiled or recalled? That has to be in writing."
    ),
    ("amara", "rr-reputation"): (
        "Our donors will ask why our logo sits next to a supermarket's. We need a say in how "
        "the partnership is promoted."
    ),
    ("grace", "sc-roles"): "Store managers know exactly what to do; the pick-up rota is ready.",
    ("tomas", "sc-roles"): (
        "Unclear who schedules the vans and who signs off food safety at the loading bay."
    ),
    ("amara", "tm-process"): "We have never discussed an exit. We should, before we sign.",
}


def _draw(rng: random.Random, target: float) -> int:
    """A rating near `target`: round up or down by its fraction, sometimes one step off."""
    low = int(target)
    value = low + (1 if rng.random() < target - low else 0)
    roll = rng.random()
    if roll < 0.06:
        value -= 1
    elif roll > 0.96:
        value += 1
    return max(1, min(5, value))


def example_assessment(seed: int = 7, banks: BankSet | None = None) -> Assessment:
    """A complete two-partner example on the three-level bank, the same for the same seed.

    Args:
        seed: seeds the random noise between respondents; 7 gives the documented example.
        banks: the bank set to answer (defaults to the shipped three-level bank).

    Raises:
        QuestionBankError: the three-level bank cannot be loaded.
    """
    banks = banks or load_bank_set([SPINE_BANK_ID])
    rng = random.Random(seed)
    ptype = PartnershipType.BUSINESS_NONPROFIT
    applicable = [q for q in banks.applicable(ptype) if q.startswith(f"{SPINE_BANK_ID}:")]
    # A few honest "not sure" answers, away from the statements that carry the story.
    quiet = [q for q in applicable if q.split(":", 1)[1] not in _OVERRIDES | _PREDICTIONS]
    not_sure = {
        ("tomas", rng.choice(quiet)),
        ("tomas", rng.choice(quiet)),
        ("grace", rng.choice(quiet)),
        ("priya", rng.choice(quiet)),
    }
    answers = [
        _answer(rng, banks, respondent, qid, (respondent.id, qid) in not_sure)
        for respondent in _RESPONDENTS
        for qid in applicable
    ]
    return Assessment(
        name=EXAMPLE_NAME,
        partnership_type=ptype,
        banks=[SPINE_BANK_ID],
        partners=list(_PARTNERS),
        respondents=list(_RESPONDENTS),
        answers=answers,
        created_at=_CREATED,
    )


def _answer(
    rng: random.Random, banks: BankSet, respondent: Respondent, qid: str, unsure: bool
) -> Answer:
    """One respondent's answer, drawn from its side's profile (the draws keep their order)."""
    side = 0 if respondent.partner == _FOOD_BANK else 1
    _, statement = banks.statements[qid]
    characteristic = banks.spine_characteristic(qid).id
    target = _OVERRIDES.get(statement.id, _PROFILE.get(characteristic, (3.5, 3.5)))[side]
    good = _draw(rng, target)
    rating: int | str = NOT_SURE if unsure else (6 - good if statement.reverse else good)
    importance = None
    if characteristic in _HIGH and rng.random() < 0.35:
        importance = Importance.HIGH
    elif characteristic in _LOW and rng.random() < 0.3:
        importance = Importance.LOW
    prediction = None
    if statement.id in _PREDICTIONS and respondent.id in _PREDICTORS:
        guess = _PREDICTIONS[statement.id][side]
        prediction = max(1, min(5, guess + rng.choice((-1, 0, 0, 0))))
    return Answer(
        respondent=respondent.id,
        statement=qid,
        rating=rating,
        importance=importance,
        prediction=prediction,
        comment=_COMMENTS.get((respondent.id, statement.id)),
    )


def example_workshop_assessment(seed: int = 7, banks: BankSet | None = None) -> Assessment:
    """The example after a joint workshop: two agreed items, one disagreement, two actions."""
    base = example_assessment(seed, banks)
    q = f"{SPINE_BANK_ID}:"
    workshop = WorkshopRecord(
        agreed=[
            AgreedItem(
                statement=q + "sc-roles",
                agreed_rating=3,
                notes="Roles are clear in the stores, not yet at the loading bay; Tomás and "
                "Grace to draft a one-page hand-over procedure.",
            ),
            AgreedItem(
                statement=q + "df-benefits",
                agreed_rating=4,
                notes="Both can now name what each side gains: less waste for Harvest Market, "
                "fresh produce for 40 partner pantries.",
            ),
            AgreedItem(
                statement=q + "rr-sharing",
                agreed_rating=2,
                disagreement=True,
                notes="No agreement yet on who bears the cost of spoiled deliveries; the lower "
                "rating stands until the contract draft is read.",
            ),
        ],
        actions=[
            Action(
                title="Draft the cost and liability clause for spoiled or recalled food",
                owner="Priya Raman",
                due=date(2025, 4, 4),
                statement=q + "rr-sharing",
            ),
            Action(
                title="Agree how and where both logos may be used in publicity",
                owner="Amara Okafor",
                due=date(2025, 4, 18),
                statement=q + "rr-reputation",
            ),
        ],
        revealed_at=datetime(2025, 3, 19, 14, 0, tzinfo=UTC),
    )
    return base.model_copy(update={"workshop": workshop})
