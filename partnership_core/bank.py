"""Question banks: the schema of `questions/*.yaml` and the one loader that reads them.

Every bank is scored on the spine of the three-level framework: each statement informs
one of its eleven characteristics (directly in the spine bank, through `crosswalk` in
the others), so any bank can be shown level by level.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import QuestionBankError
from .files import display_name, parse_bank_yaml, read_user_file
from .text import PARTNER_PLACEHOLDERS, fill_partner_names, others_phrase, template_fields

if TYPE_CHECKING:
    from .assessment import Partner


class HasPartners(Protocol):
    """An assessment, or a workshop's details: anything that lists the partners."""

    @property
    def partners(self) -> Sequence[Partner]: ...


__all__ = [
    "PartnershipType",
    "PARTNERSHIP_TYPE_LABELS",
    "Sector",
    "SECTOR_LABELS",
    "LevelId",
    "SPINE_BANK_ID",
    "SPINE_CHARACTERISTICS",
    "BandId",
    "AnswerScale",
    "Level",
    "Characteristic",
    "Statement",
    "BankSource",
    "QuestionBank",
    "BankSet",
    "QuestionnaireStep",
    "questionnaire_steps",
    "MAX_BANK_BYTES",
    "QUESTIONS_DIR",
    "load_bank",
    "load_banks",
    "load_bank_set",
]

MAX_BANK_BYTES = 512 * 1024
QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "questions"
SPINE_BANK_ID = "three-levels"

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=60)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class PartnershipType(StrEnum):
    BUSINESS_NONPROFIT = "business-nonprofit"
    GOVERNMENT_BUSINESS = "government-business"
    GOVERNMENT_NONPROFIT = "government-nonprofit"
    TRISECTOR = "trisector"
    OTHER = "other"


PARTNERSHIP_TYPE_LABELS: dict[PartnershipType, str] = {
    PartnershipType.BUSINESS_NONPROFIT: "Business – non-profit",
    PartnershipType.GOVERNMENT_BUSINESS: "Government – business",
    PartnershipType.GOVERNMENT_NONPROFIT: "Government – non-profit",
    PartnershipType.TRISECTOR: "Trisector (government, business and non-profit)",
    PartnershipType.OTHER: "Other",
}


class Sector(StrEnum):
    """The sector a partner organisation belongs to."""

    BUSINESS = "business"
    GOVERNMENT = "government"
    NONPROFIT = "nonprofit"
    OTHER = "other"


SECTOR_LABELS: dict[Sector, str] = {
    Sector.BUSINESS: "Business",
    Sector.GOVERNMENT: "Government",
    Sector.NONPROFIT: "Non-profit",
    Sector.OTHER: "Other",
}


class LevelId(StrEnum):
    ENTRY = "entry"
    DECISION = "decision"
    OPERATIONAL = "operational"


# The eleven characteristics of the three-level framework, the spine every bank maps onto.
SPINE_CHARACTERISTICS: dict[str, LevelId] = {
    "cultural-compatibility": LevelId.ENTRY,
    "driving-force": LevelId.ENTRY,
    "mission-vision": LevelId.ENTRY,
    "clear-expectations": LevelId.DECISION,
    "scope": LevelId.DECISION,
    "synergy": LevelId.DECISION,
    "risk-reward": LevelId.DECISION,
    "decision-making": LevelId.OPERATIONAL,
    "communication": LevelId.OPERATIONAL,
    "learning": LevelId.OPERATIONAL,
    "termination": LevelId.OPERATIONAL,
}


class BandId(StrEnum):
    """Result bands of a characteristic, best first."""

    STRONG = "strong"
    WORKABLE = "workable"
    PAUSE = "pause"
    SERIOUS = "serious"
    INSUFFICIENT = "insufficient"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerScale(_Frozen):
    labels: dict[int, Text] = Field(
        description="Label of each rating 1..5, 1 = strongly disagree, 5 = strongly agree."
    )
    not_sure: Text = Field(description="Label of the answer that gives no rating.")

    @model_validator(mode="after")
    def _five_points(self) -> AnswerScale:
        if sorted(self.labels) != [1, 2, 3, 4, 5]:
            raise ValueError("labels must give exactly the ratings 1, 2, 3, 4 and 5")
        return self

    def option(self, rating: int) -> str:
        """How a rating is offered and shown: its number and label, e.g. "4 · Agree"."""
        return f"{rating} · {self.labels[rating]}"


class Level(_Frozen):
    id: LevelId = Field(description="entry, decision or operational.")
    name: Text
    order: int = Field(ge=1, le=3, description="Position in the sequence; entry is 1.")
    weight: float = Field(
        gt=0,
        le=3,
        description="How strictly a difference weighs here: gaps are multiplied by it.",
    )
    description: Text = Field(description="What a difference at this level means.")


class Characteristic(_Frozen):
    id: Slug
    name: Text
    level: LevelId
    meaning: Text = Field(description="What the characteristic means, one or two sentences.")
    why_it_matters: Text
    discussion_prompts: tuple[Text, ...] = Field(
        min_length=1, description="Open questions the partners talk through together."
    )
    advice: dict[BandId, Text] = Field(
        default_factory=dict, description="Plain advice per result band for this characteristic."
    )


class Statement(_Frozen):
    id: Slug
    text: Text = Field(description="A first-person organisational statement a partner rates.")
    characteristic: Slug = Field(description="Id of a characteristic of this bank.")
    crosswalk: Slug | None = Field(
        default=None,
        description="Spine characteristic this statement informs (required outside the spine).",
    )
    reverse: bool = Field(default=False, description="Agreement is a warning sign.")
    applies_to: tuple[PartnershipType, ...] = Field(
        default=(), description="Partnership types it applies to; empty means every type."
    )
    hint: str | None = Field(default=None, max_length=2000)
    text_by_sector: dict[Sector, Text] = Field(
        default_factory=dict,
        description=(
            "Wording for respondents of one sector (the same question from that side's view, "
            "same pole); `text` for every other sector. Answers share the statement's id."
        ),
    )
    core: bool = Field(
        default=False,
        description="Part of the short core set (at least one per characteristic).",
    )
    level_reason: Text | None = Field(
        default=None,
        description=(
            "Why the statement counts at its crosswalk characteristic's level when that is "
            "not the level its own characteristic has in this bank (required then, and only "
            "then, so it cannot go stale)."
        ),
    )

    @model_validator(mode="after")
    def _placeholders(self) -> Statement:
        for where, wording in (("text", self.text), *self.text_by_sector.items()):
            try:
                unknown = template_fields(wording) - PARTNER_PLACEHOLDERS
            except ValueError:
                unknown = {"a stray { or }"}
            if unknown:
                raise ValueError(
                    f"{where}: unknown placeholder {', '.join(sorted(unknown))}; use "
                    + " or ".join(f"{{{p}}}" for p in sorted(PARTNER_PLACEHOLDERS))
                )
        return self

    def applies(self, partnership_type: PartnershipType) -> bool:
        return not self.applies_to or partnership_type in self.applies_to

    def wording_for(self, sector: Sector | None) -> str:
        """The wording (placeholders unfilled) a respondent of `sector` is asked."""
        return self.text_by_sector.get(sector, self.text) if sector else self.text


class BankSource(_Frozen):
    framework: Text
    organisation: Text
    note: str | None = None


class QuestionBank(_Frozen):
    id: Slug
    title: Text
    version: Text
    description: Text
    source: BankSource
    scale: AnswerScale
    levels: tuple[Level, ...] = Field(min_length=3, max_length=3)
    characteristics: tuple[Characteristic, ...] = Field(min_length=1)
    statements: tuple[Statement, ...] = Field(min_length=1)
    band_advice: dict[BandId, Text] = Field(
        description="General advice per result band, used where a characteristic has none."
    )

    @model_validator(mode="after")
    def _consistent(self) -> QuestionBank:
        _no_duplicates("levels", [lv.id for lv in self.levels])
        _no_duplicates("characteristics", [c.id for c in self.characteristics])
        _no_duplicates("statements", [s.id for s in self.statements])
        if sorted(lv.order for lv in self.levels) != [1, 2, 3]:
            raise ValueError("levels: orders must be 1, 2 and 3")
        used = self._check_statements()
        self._check_characteristics(used)
        for level in self.levels:
            if not any(c.level == level.id for c in self.characteristics):
                raise ValueError(
                    f"levels: level '{level.id.value}' has no characteristics; add at least one"
                )
        self._check_level_reasons()
        self._check_core()
        if set(self.band_advice) != set(BandId):
            missing = sorted(b.value for b in set(BandId) - set(self.band_advice))
            raise ValueError(
                f"band_advice: give advice for every band; missing: {', '.join(missing)}"
            )
        return self

    def _check_statements(self) -> Counter[str]:
        """Each statement's characteristic and crosswalk exist; returns statements per
        characteristic."""
        known = {c.id for c in self.characteristics}
        used: Counter[str] = Counter()
        for i, st in enumerate(self.statements):
            if st.characteristic not in known:
                raise ValueError(
                    f"statements.{i}.characteristic: unknown characteristic "
                    f"'{st.characteristic}'; use one of: "
                    f"{', '.join(c.id for c in self.characteristics)}"
                )
            used[st.characteristic] += 1
            if self.id != SPINE_BANK_ID and not st.crosswalk:
                raise ValueError(
                    f"statements.{i}.crosswalk: required outside the '{SPINE_BANK_ID}' bank; "
                    f"name the three-level characteristic it informs"
                )
            if st.crosswalk and st.crosswalk not in SPINE_CHARACTERISTICS:
                raise ValueError(
                    f"statements.{i}.crosswalk: unknown characteristic '{st.crosswalk}'; "
                    f"use one of: {', '.join(SPINE_CHARACTERISTICS)}"
                )
        return used

    def counts_at_another_level(self, statement: Statement) -> bool:
        """Whether a statement is weighed at another level than its own characteristic has
        in this bank (its crosswalk lies on another level of the spine)."""
        if self.id == SPINE_BANK_ID or not statement.crosswalk:
            return False
        own = self.characteristic_by_id[statement.characteristic].level
        return SPINE_CHARACTERISTICS[statement.crosswalk] != own

    def _check_level_reasons(self) -> None:
        """A statement counting at another level says why; no other statement carries a
        reason."""
        for i, st in enumerate(self.statements):
            moved = self.counts_at_another_level(st)
            if moved and not st.level_reason:
                own = self.characteristic_by_id[st.characteristic].level
                counts = SPINE_CHARACTERISTICS[st.crosswalk or st.characteristic]
                raise ValueError(
                    f"statements.{i}.level_reason: '{st.id}' belongs to a characteristic at "
                    f"{own.value} level here but counts at {counts.value} level through its "
                    f"crosswalk '{st.crosswalk}'; add a level_reason saying why"
                )
            if not moved and st.level_reason:
                raise ValueError(
                    f"statements.{i}.level_reason: '{st.id}' counts at its own "
                    "characteristic's level; remove the level_reason"
                )

    def _check_characteristics(self, used: Counter[str]) -> None:
        """The spine bank holds exactly the framework's characteristics at their levels, and
        every characteristic has statements."""
        for i, ch in enumerate(self.characteristics):
            if self.id == SPINE_BANK_ID and ch.id not in SPINE_CHARACTERISTICS:
                raise ValueError(
                    f"characteristics.{i}.id: '{ch.id}' is not one of the framework's "
                    f"eleven characteristics"
                )
            if self.id == SPINE_BANK_ID and SPINE_CHARACTERISTICS[ch.id] != ch.level:
                raise ValueError(
                    f"characteristics.{i}.level: '{ch.id}' belongs to level "
                    f"'{SPINE_CHARACTERISTICS[ch.id].value}'"
                )
            if not used[ch.id]:
                raise ValueError(f"characteristics.{i}: '{ch.id}' has no statements; add some")

    def _check_core(self) -> None:
        """A bank that marks a core set marks at least one statement per characteristic."""
        core = {s.characteristic for s in self.statements if s.core}
        missing = [c.id for c in self.characteristics if core and c.id not in core]
        if missing:
            raise ValueError(
                f"statements: the core set has nothing on {', '.join(missing)}; mark at least "
                "one statement of every characteristic `core: true`"
            )

    @cached_property
    def characteristic_by_id(self) -> dict[str, Characteristic]:
        return {c.id: c for c in self.characteristics}

    def spine_characteristic_of(self, statement: Statement) -> str:
        """The spine characteristic a statement is scored under."""
        return statement.crosswalk or statement.characteristic

    def qualified_id(self, statement: Statement) -> str:
        return f"{self.id}:{statement.id}"


def _no_duplicates(field: str, ids: list[Any]) -> None:
    repeated = [str(k) for k, n in Counter(ids).items() if n > 1]
    if repeated:
        raise ValueError(f"{field}: duplicate id(s) {', '.join(repeated)}; every id must be unique")


def _line_of(root: Any, key_lines: dict[int, Any], loc: tuple[Any, ...]) -> int | None:
    node, line = root, None
    for part in loc:
        entry = key_lines.get(id(node)) if isinstance(node, dict) else None
        if entry is not None:
            lines, start = entry
            # A key that is absent (e.g. a missing field) points at its mapping's first
            # line; a missing top-level field has no useful line at all.
            line = lines.get(part, start if line else None)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


class QuestionnaireStep(_Frozen):
    """One page of a questionnaire: a characteristic of the spine and its statements."""

    level: Level
    characteristic: Characteristic
    statement_ids: tuple[str, ...] = Field(description="Qualified ids, in bank order.")

    @property
    def title(self) -> str:
        return f"{self.level.name} · {self.characteristic.name}"


def questionnaire_steps(banks: BankSet, statement_ids: list[str]) -> list[QuestionnaireStep]:
    """The steps that ask `statement_ids`: one per spine characteristic, entry level first,
    in the spine's order; characteristics without a statement are left out."""
    by_characteristic: dict[str, list[str]] = {}
    for qid in statement_ids:
        by_characteristic.setdefault(banks.spine_characteristic(qid).id, []).append(qid)
    return [
        QuestionnaireStep(
            level=level, characteristic=ch, statement_ids=tuple(by_characteristic[ch.id])
        )
        for level in sorted(banks.spine.levels, key=lambda lv: lv.order)
        for ch in banks.spine.characteristics
        if ch.level == level.id and by_characteristic.get(ch.id)
    ]


class BankSet(BaseModel):
    """The banks an assessment uses, plus the spine bank whose levels and characteristics
    every statement is scored under (whether or not the spine's own statements are used)."""

    model_config = ConfigDict(frozen=True)

    banks: tuple[QuestionBank, ...] = Field(description="The selected banks, in order.")
    spine: QuestionBank = Field(description="The three-level framework bank.")

    @cached_property
    def statements(self) -> dict[str, tuple[QuestionBank, Statement]]:
        """Qualified id -> (bank, statement), for the selected banks in order."""
        return {b.qualified_id(s): (b, s) for b in self.banks for s in b.statements}

    def applicable(self, partnership_type: PartnershipType) -> list[str]:
        """Qualified ids of the statements that apply to a partnership type, in bank order."""
        return [q for q, (_, s) in self.statements.items() if s.applies(partnership_type)]

    def spine_characteristic(self, qualified_id: str) -> Characteristic:
        bank, statement = self.statements[qualified_id]
        return self.spine.characteristic_by_id[bank.spine_characteristic_of(statement)]

    def level(self, level_id: LevelId | str) -> Level:
        return next(lv for lv in self.spine.levels if lv.id == level_id)

    def steps(self, statement_ids: list[str]) -> list[QuestionnaireStep]:
        """The questionnaire's steps for these statements (see `questionnaire_steps`)."""
        return questionnaire_steps(self, statement_ids)

    def text_for(
        self,
        qualified_id: str,
        answering_partner: str | None = None,
        assessment: HasPartners | None = None,
    ) -> str:
        """A statement's text as shown: the answering partner's sector's wording, and the
        other partners' names filled in (see `others_phrase`). Without an answering partner
        (results, agenda, report) the general wording, naming "the other partner(s)"."""
        _, statement = self.statements[qualified_id]
        partners = list(assessment.partners) if assessment is not None else []
        own = next((p for p in partners if p.id == answering_partner), None)
        if own is None:
            return fill_partner_names(statement.text, others_phrase(None, len(partners)))
        others = [p.name for p in partners if p.id != own.id]
        return fill_partner_names(statement.wording_for(own.sector), others_phrase(others))

    def scale_of(self, qualified_id: str) -> AnswerScale:
        """The answer scale (rating labels) of the bank a statement comes from."""
        return self.statements[qualified_id][0].scale


def load_bank(path: Path | str) -> QuestionBank:
    """Read and validate one bank.

    Raises:
        QuestionBankError: naming the file, the line where known, the field path, and the fix.
    """
    data = read_user_file(
        path,
        max_bytes=MAX_BANK_BYTES,
        error=QuestionBankError,
        oversize=(
            f"larger than a question bank may be ({MAX_BANK_BYTES} bytes); "
            "split it into several banks"
        ),
        expected="a question bank (.yaml) file",
    )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise QuestionBankError(
            f"{display_name(path)}: is not UTF-8 text; save it as UTF-8."
        ) from None
    return parse_bank(text, source=str(path))


def parse_bank(text: str, source: str = "<bank>") -> QuestionBank:
    """Validate a bank given as YAML text (see `load_bank`)."""
    source = display_name(source)
    data, key_lines = parse_bank_yaml(text, source)
    if not isinstance(data, dict):
        raise QuestionBankError(
            f"{source}: a question bank must be a YAML mapping with keys such as "
            f"id, title, levels, characteristics and statements."
        )
    try:
        return QuestionBank.model_validate(data)
    except ValidationError as exc:
        raise QuestionBankError(_validation_message(exc, data, key_lines, source)) from None


# Friendlier wording for the pydantic error types a bank author meets most often.
_ERROR_TEXT: dict[str, str] = {
    "missing": "this field is required; add it",
    "extra_forbidden": "unknown key; remove it or correct its spelling",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "dict_type": "must be a mapping of keys and values",
    "tuple_type": "must be a list",
    "string_pattern_mismatch": (
        "must be a short lower-case slug of letters, digits and hyphens, e.g. 'cc-values'"
    ),
}


def _validation_message(
    exc: ValidationError, data: dict[str, Any], key_lines: dict[int, Any], source: str
) -> str:
    """The first real problem of a failed validation, with its field path and line."""
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    # Drop follow-on errors on a parent (e.g. "levels too short" once a level failed)
    # and report a misspelt key before the "missing" error it causes.
    real = [
        e
        for e, loc in zip(errors, locs, strict=True)
        if not any(len(o) > len(loc) and o[: len(loc)] == loc for o in locs)
    ] or errors
    real.sort(key=lambda e: e["type"] != "extra_forbidden")
    err = real[0]
    loc = tuple(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if not loc:
        # Cross-field checks of the model put the field path at the start of the message.
        head, sep, rest = message.partition(": ")
        if sep and " " not in head:
            loc = tuple(int(p) if p.isdigit() else p for p in head.split("."))
            message = rest
    if err["type"] in _ERROR_TEXT:
        message = _ERROR_TEXT[err["type"]]
        if err["type"] == "extra_forbidden":
            meant = _did_you_mean(loc, errors)
            if meant:
                # The "missing" error of the key it was meant to be is the same problem.
                message += f" (did you mean '{meant}'?)"
                real = [e for e in real if tuple(e["loc"]) != (*loc[:-1], meant)]
        elif err["type"] != "missing":
            message += f" (found {_shortened(repr(err['input']))})"
    path = ".".join(str(p) for p in loc) or "(top level)"
    line = _line_of(data, key_lines, loc)
    where = f", line {line}" if line else ""
    more = len(real) - 1
    tail = f" ({more} more problem(s) after this one)" if more else ""
    return f"{source}{where}: {path}: {message}{tail}."


def _shortened(text: str, limit: int = 80) -> str:
    # The input may be a list of a million items: quote the start of it, not all of it.
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _did_you_mean(loc: tuple[Any, ...], errors: list[Any]) -> str | None:
    """The missing sibling field an unknown key was probably meant to be, if any."""
    missing = [
        str(e["loc"][-1])
        for e in errors
        if e["type"] == "missing" and tuple(e["loc"][:-1]) == loc[:-1]
    ]
    close = difflib.get_close_matches(str(loc[-1]), missing, n=1)
    return close[0] if close else None


def load_banks(directory: Path | str = QUESTIONS_DIR) -> dict[str, QuestionBank]:
    """Every `*.yaml` bank in a folder, by id, spine first."""
    banks: dict[str, QuestionBank] = {}
    folder = Path(directory)
    if not folder.is_dir():
        raise QuestionBankError(
            f"{display_name(folder)}: no such folder of question banks; give the folder "
            "that holds the .yaml banks."
        )
    # The same suffixes `partnership-fit validate` checks: a bank it passes is never ignored.
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        bank = load_bank(path)
        if bank.id in banks:
            raise QuestionBankError(
                f"{display_name(path)}: id '{bank.id}' is used by another bank; rename it."
            )
        banks[bank.id] = bank
    ordered = sorted(banks.values(), key=lambda b: (b.id != SPINE_BANK_ID, b.id))
    return {b.id: b for b in ordered}


def load_bank_set(
    bank_ids: list[str] | tuple[str, ...], directory: Path | str = QUESTIONS_DIR
) -> BankSet:
    """The named banks, in the order given.

    Raises:
        QuestionBankError: a named bank does not exist or fails validation.
    """
    available = load_banks(directory)
    missing = [b for b in bank_ids if b not in available]
    if missing:
        raise QuestionBankError(
            f"{display_name(directory)}: unknown question bank(s) {', '.join(missing)}; "
            f"available: {', '.join(available) or 'none'}."
        )
    if SPINE_BANK_ID not in available:
        raise QuestionBankError(
            f"{display_name(directory)}: the '{SPINE_BANK_ID}' bank is missing; "
            "every assessment is scored on it."
        )
    return BankSet(banks=tuple(available[b] for b in bank_ids), spine=available[SPINE_BANK_ID])
