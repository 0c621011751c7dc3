"""The assessment file: partners, respondents and their answers, as versioned JSON."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from .bank import SPINE_BANK_ID, PartnershipType, Sector
from .errors import AssessmentFileError
from .files import display_name, parse_json, read_user_file
from .plan import SessionPlan
from .text import NAME_MAX_LENGTH, check_name, free_text, name_key

__all__ = [
    "ACTION_TITLE_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "NOTES_MAX_LENGTH",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_ASSESSMENT_BYTES",
    "MAX_PARTNERS",
    "MIN_PARTNERS",
    "NOT_SURE",
    "Importance",
    "Partner",
    "RespondentKind",
    "Respondent",
    "Answer",
    "AgreedItem",
    "cautious_agreed_rating",
    "partner_positions",
    "Action",
    "WorkshopRecord",
    "Assessment",
    "parse_assessment",
    "load_assessment",
    "dump_assessment",
    "assessment_json_schema",
]

FORMAT_NAME = "partnership-fit/assessment"
FORMAT_VERSION = 1
MAX_ASSESSMENT_BYTES = 20 * 1024 * 1024
MIN_PARTNERS, MAX_PARTNERS = 2, 6
NOT_SURE = "not_sure"
# The longest texts the app's boxes accept (their max_chars): a file may carry no more.
COMMENT_MAX_LENGTH = 2000
NOTES_MAX_LENGTH = 10000
ACTION_TITLE_MAX_LENGTH = 500


def _checked_name(value: str) -> str:
    return check_name(value, "the name", NAME_MAX_LENGTH)


def _checked_title(value: str) -> str:
    return check_name(value, "the title", ACTION_TITLE_MAX_LENGTH)


def _json_word(value: object) -> str:
    """How a value a file carried is named in a message, in the file's own terms."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{display_name(value[:20])}"'
    if isinstance(value, int | float):
        return f"the number {value}"
    return {type(None): "null", list: "a list", dict: "an object"}.get(type(value), "that value")


def _whole_number(value: object) -> object:
    # JSON true and "5" would otherwise pass as 1 and 5.
    if type(value) is not int:
        raise ValueError(f"must be a whole number, not {_json_word(value)}")
    return value


def _whole_number_or_not_sure(value: object) -> object:
    if value != NOT_SURE and type(value) is not int:
        raise ValueError(
            f'must be a whole number from 1 to 5 or "{NOT_SURE}", not {_json_word(value)}'
        )
    return value


Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
# check_name gives the limits and a message that says what to fix; the schema states them.
Name = Annotated[
    str,
    AfterValidator(_checked_name),
    Field(json_schema_extra={"minLength": 1, "maxLength": NAME_MAX_LENGTH}),
]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Guess = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=5)]
QualifiedStatementId = Annotated[str, Field(pattern=r"^[a-z0-9-]+:[a-z0-9-]+$")]


class Importance(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Partner(_Model):
    id: Id
    name: Name
    sector: Sector | None = Field(
        default=None,
        description=(
            "The partner's sector; absent in files written before sectors were asked, "
            "where it is inferred from the partnership type or asked again."
        ),
    )


class RespondentKind(StrEnum):
    """Where a respondent's answers come from."""

    ANSWERED = "answered"  # answered for their own organisation, in this assessment
    IMPORTED = "imported"  # taken from the file a partner exported from its own assessment
    ESTIMATE = "estimate"  # someone else guessing how this partner would answer


class Respondent(_Model):
    id: Id
    name: Name
    partner: Id = Field(description="Id of the partner organisation this respondent answers for.")
    is_estimate: StrictBool = Field(
        default=False,
        description="Answers given by someone else guessing how this partner would answer.",
    )
    kind: RespondentKind = Field(
        default=RespondentKind.ANSWERED,
        description=(
            "Where the answers come from. Files written before this field existed give it "
            "from `is_estimate` (estimate, else answered)."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _kind_from_is_estimate(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "kind" not in data:
                data["kind"] = RespondentKind.ESTIMATE if data.get("is_estimate") else "answered"
            elif "is_estimate" not in data:
                data["is_estimate"] = data["kind"] == RespondentKind.ESTIMATE
        return data

    @model_validator(mode="after")
    def _kind_agrees(self) -> Respondent:
        if self.is_estimate != (self.kind is RespondentKind.ESTIMATE):
            raise ValueError("kind and is_estimate disagree: an estimate has both")
        return self


class Answer(_Model):
    respondent: Id
    statement: QualifiedStatementId = Field(description="'bank-id:statement-id'.")
    rating: Annotated[int | Literal["not_sure"], BeforeValidator(_whole_number_or_not_sure)] = (
        Field(description="1..5, or 'not_sure'.")
    )
    importance: Importance | None = None
    prediction: WholeNumber | None = Field(
        default=None,
        ge=1,
        le=5,
        description="How the respondent expects the other partner(s) to rate it.",
    )
    predictions: dict[Id, Guess] | None = Field(
        default=None,
        description=(
            "Guess per other partner (partner id -> 1..5), asked when there are several; "
            "`prediction` stands for any other partner not listed."
        ),
    )
    comment: Annotated[str | None, BeforeValidator(free_text)] = Field(
        default=None, max_length=COMMENT_MAX_LENGTH
    )

    def prediction_about(self, partner: str) -> int | None:
        """The respondent's guess of how `partner` rates the statement, if any."""
        return (self.predictions or {}).get(partner, self.prediction)

    @property
    def has_prediction(self) -> bool:
        return self.prediction is not None or bool(self.predictions)

    @model_validator(mode="after")
    def _rating_range(self) -> Answer:
        if isinstance(self.rating, int) and not 1 <= self.rating <= 5:
            raise ValueError("rating must be 1 to 5 or 'not_sure'")
        return self


class AgreedItem(_Model):
    """What the partners agreed about one statement in a workshop discussion."""

    statement: QualifiedStatementId
    agreed_rating: WholeNumber = Field(ge=1, le=5)
    disagreement: StrictBool = Field(
        default=False,
        description=(
            "The partners could not agree; the more cautious rating was recorded: the lower "
            "one, or the higher one on a reverse-scored statement (lower readiness either way)."
        ),
    )
    notes: Annotated[str, BeforeValidator(free_text)] = Field(
        default="", max_length=NOTES_MAX_LENGTH
    )


def cautious_agreed_rating(
    chosen: int, could_not_agree: bool, positions: dict[str, int], reverse: bool = False
) -> int:
    """The rating an `AgreedItem` records: the room's choice, or on a disagreement the most
    cautious partner position (the lowest rating; the highest on a reverse-worded statement).
    The choice stands when no partner has a position."""
    if could_not_agree and positions:
        return max(positions.values()) if reverse else min(positions.values())
    return chosen


class Action(_Model):
    title: Annotated[
        str,
        AfterValidator(_checked_title),
        Field(json_schema_extra={"minLength": 1, "maxLength": ACTION_TITLE_MAX_LENGTH}),
    ]
    owner: Name
    due: date | None = None
    statement: QualifiedStatementId | None = None


class WorkshopRecord(_Model):
    agreed: list[AgreedItem] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    revealed_at: datetime | None = None


class Assessment(_Model):
    format: Literal["partnership-fit/assessment"] = FORMAT_NAME
    format_version: Annotated[Literal[1], BeforeValidator(_whole_number)] = FORMAT_VERSION
    name: Name = Field(description="Name of the partnership being assessed.")
    partnership_type: PartnershipType = PartnershipType.OTHER
    banks: list[Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]] = Field(
        default_factory=lambda: [SPINE_BANK_ID], min_length=1
    )
    partners: list[Partner] = Field(min_length=MIN_PARTNERS, max_length=MAX_PARTNERS)
    respondents: list[Respondent] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)
    workshop: WorkshopRecord | None = None
    plan: SessionPlan | None = Field(
        default=None,
        description="What the session asked (levels or the core set); absent: everything.",
    )
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @model_validator(mode="after")
    def _references(self) -> Assessment:
        partner_ids = [p.id for p in self.partners]
        if len(set(partner_ids)) != len(partner_ids):
            raise ValueError("partners: every partner needs its own id")
        names = [name_key(p.name) for p in self.partners]
        if len(set(names)) != len(names):
            raise ValueError("partners: two partners have the same name; give each its own")
        respondent_ids = [r.id for r in self.respondents]
        known_respondents = set(respondent_ids)  # a set: a file may hold 100,000 answers
        if len(known_respondents) != len(respondent_ids):
            raise ValueError("respondents: every respondent needs its own id")
        for i, r in enumerate(self.respondents):
            if r.partner not in partner_ids:
                raise ValueError(f"respondents.{i}.partner: unknown partner '{r.partner}'")
        seen: set[tuple[str, str]] = set()
        partner_of = {r.id: r.partner for r in self.respondents}
        for i, a in enumerate(self.answers):
            if a.respondent not in known_respondents:
                raise ValueError(f"answers.{i}.respondent: unknown respondent '{a.respondent}'")
            _check_guesses(i, a, partner_of[a.respondent], partner_ids)
            key = (a.respondent, a.statement)
            if key in seen:
                raise ValueError(
                    f"answers.{i}: respondent '{a.respondent}' answers '{a.statement}' twice"
                )
            seen.add(key)
            if a.statement.split(":", 1)[0] not in self.banks:
                raise ValueError(
                    f"answers.{i}.statement: '{a.statement}' is from a bank this assessment "
                    f"does not use ({', '.join(self.banks)})"
                )
        return self

    @property
    def uses_estimates(self) -> bool:
        return any(r.is_estimate for r in self.respondents)


def _check_guesses(index: int, answer: Answer, own_partner: str, partner_ids: list[str]) -> None:
    for about in answer.predictions or {}:
        if about == own_partner or about not in partner_ids:
            raise ValueError(
                f"answers.{index}.predictions: '{about}' is not another partner of this "
                "assessment; guesses are about the other partners"
            )


def partner_positions(
    assessment: Assessment, statement: str, reverse: bool = False
) -> dict[str, int]:
    """Each partner's position on a statement: its respondents' mean rating, rounded to the
    cautious side (down; up on a reverse-worded statement).

    Rounded cautiously for the same reason `cautious_agreed_rating` takes the cautious
    position on a disagreement: half a point of optimism should not decide the record.
    Partners whose people all answered "not sure" have no position.
    """
    partner_of = {r.id: r.partner for r in assessment.respondents}
    ratings: dict[str, list[int]] = {}
    for a in assessment.answers:
        if a.statement == statement and isinstance(a.rating, int):
            ratings.setdefault(partner_of[a.respondent], []).append(a.rating)
    rounding = math.ceil if reverse else math.floor
    return {
        p.id: int(rounding(sum(ratings[p.id]) / len(ratings[p.id])))
        for p in assessment.partners
        if ratings.get(p.id)
    }


def parse_assessment(text: str | bytes, source: str = "the assessment file") -> Assessment:
    """Validate an assessment given as JSON text.

    Raises:
        AssessmentFileError: naming the line (for JSON syntax) or field path, and what to do.
    """
    source = display_name(source)
    if len(text) > MAX_ASSESSMENT_BYTES:
        raise AssessmentFileError(f"{source}: {_OVERSIZE}.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AssessmentFileError(
                f"{source}: is not UTF-8 text; choose the .json file the tool exported."
            ) from None
    data: Any = parse_json(text, source, AssessmentFileError, "Export it again.")
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise AssessmentFileError(
            f'{source}: not a Partnership Fit assessment (it lacks "format": "{FORMAT_NAME}"). '
            "Choose a file exported by this tool."
        )
    _check_format_version(data, source)
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        raise AssessmentFileError(
            f"{source}: {path}: {message}. Export the file again or correct that field."
        ) from None


_OVERSIZE = (
    f"larger than {MAX_ASSESSMENT_BYTES // (1024 * 1024)} MB; this is not an assessment file"
)


def _check_format_version(data: dict[str, Any], source: str) -> None:
    if "format_version" not in data:
        raise AssessmentFileError(
            f"{source}: format_version is missing; it must be the number {FORMAT_VERSION}. "
            "Export the file again or add that field."
        )
    version = data["format_version"]
    if type(version) is not int:
        raise AssessmentFileError(
            f"{source}: format_version must be the number {FORMAT_VERSION}, not "
            f"{_json_word(version)}. Export the file again or correct that field."
        )
    if version != FORMAT_VERSION:
        raise AssessmentFileError(
            f"{source}: format version {version} is not supported "
            f"(this tool reads version {FORMAT_VERSION}); update the tool or export again."
        )


def load_assessment(path: Path | str) -> Assessment:
    """Read and validate an assessment file (see `parse_assessment`).

    Raises:
        AssessmentFileError: the file cannot be read, is not a regular file, is too large,
            or is not a valid assessment.
    """
    data = read_user_file(
        path,
        max_bytes=MAX_ASSESSMENT_BYTES,
        error=AssessmentFileError,
        oversize=_OVERSIZE,
        expected="an assessment (.json) file",
    )
    return parse_assessment(data, source=str(path))


def dump_assessment(assessment: Assessment) -> str:
    return assessment.model_dump_json(indent=2, exclude_none=True)


def assessment_json_schema() -> dict[str, Any]:
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Partnership Fit assessment"
    return schema
