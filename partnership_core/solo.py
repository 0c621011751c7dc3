"""The solo flow's assessment logic: build an assessment from the set-up, change who the
person answers for without moving answers, add an estimate respondent (prefilled from the
guesses already given), and merge in a partner's exported file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from .assessment import (
    MAX_PARTNERS,
    MIN_PARTNERS,
    Answer,
    Assessment,
    Partner,
    Respondent,
    RespondentKind,
)
from .bank import PartnershipType, Sector
from .errors import AssessmentFileError, PartnershipFitError
from .matching import check_mapping
from .plan import SessionPlan
from .sectors import infer_sectors, partnership_type_for
from .text import (
    InvalidNameError,
    check_name,
    file_stem,
    name_key,
    normalise_name,
    plural,
    possessive,
)

__all__ = [
    "OWN_RESPONDENT",
    "SetupError",
    "validate_partner_names",
    "new_assessment",
    "add_estimate_respondent",
    "estimated_partners",
    "merge_partner_file",
    "estimates_at_stake",
    "carry_over",
    "is_own_role",
    "own_role_for",
    "RoleChange",
    "role_change",
    "role_change_message",
    "guesses_as_estimate",
]


# The id of the person answering alone, for their own organisation.
OWN_RESPONDENT = "me"


class SetupError(PartnershipFitError):
    """The set-up form is incomplete or inconsistent; the message says what to fix."""


def _checked_name(value: str, what: str, when_empty: str) -> str:
    """`check_name`, with the set-up form's own words for a missing value."""
    if not normalise_name(value):
        raise SetupError(when_empty)
    try:
        return check_name(value, what)
    except InvalidNameError as exc:
        raise SetupError(str(exc)) from None


def validate_partner_names(names: list[str]) -> list[str]:
    """Normalised names, or SetupError naming the first problem (missing, invalid, repeated)."""
    cleaned = [
        _checked_name(n, f"Partner {i}", f"Partner {i} needs a name.")
        for i, n in enumerate(names, start=1)
    ]
    seen: dict[str, int] = {}
    for i, n in enumerate(cleaned, start=1):
        if name_key(n) in seen:
            raise SetupError(
                f"Partners {seen[name_key(n)]} and {i} are both called '{n}'; "
                "give each partner its own name."
            )
        seen[name_key(n)] = i
    return cleaned


def new_assessment(
    *,
    name: str,
    partnership_type: PartnershipType,
    partner_names: list[str],
    bank_ids: list[str],
    respondent_name: str,
    own_partner: int,
    sectors: Sequence[Sector | None] = (),
    plan: SessionPlan | None = None,
) -> Assessment:
    """The assessment a solo user starts: partners and one respondent (the user).

    Partners get the sectors given (by position) and those the partnership type settles; when
    every sector is known, the partnership type is the one they make.

    Raises:
        SetupError: a required field is missing or partner names repeat.
    """
    name = _checked_name(
        name,
        "The partnership name",
        "Give the partnership a name, for example 'Food bank and grocer'.",
    )
    names = validate_partner_names(partner_names)
    if not MIN_PARTNERS <= len(names) <= MAX_PARTNERS:
        raise SetupError(f"A partnership needs between {MIN_PARTNERS} and {MAX_PARTNERS} partners.")
    if not bank_ids:
        raise SetupError("Choose at least one question bank.")
    respondent = _checked_name(
        respondent_name, "Your name or role", "Say who is answering (your name or role)."
    )
    if not 0 <= own_partner < len(names):
        raise SetupError("Choose the partner you are answering for.")
    given = (list(sectors) + [None] * len(names))[: len(names)]
    partners = [Partner(id=f"p{i + 1}", name=n, sector=given[i]) for i, n in enumerate(names)]
    assessment = Assessment(
        name=name,
        partnership_type=partnership_type_for(given) or partnership_type,
        banks=list(bank_ids),
        partners=partners,
        respondents=[
            Respondent(id=OWN_RESPONDENT, name=respondent, partner=partners[own_partner].id)
        ],
        plan=None if plan == SessionPlan() else plan,
    )
    return infer_sectors(assessment)


def add_estimate_respondent(
    assessment: Assessment, partner_id: str, by: str
) -> tuple[Assessment, str]:
    """Add (or reuse) the respondent whose answers estimate how `partner_id` would answer."""
    rid = f"est-{partner_id}"[:64]
    if any(r.id == rid for r in assessment.respondents):
        return assessment, rid
    partner = next(p for p in assessment.partners if p.id == partner_id)
    respondent = Respondent(
        id=rid,
        name=f"{by} (estimate for {partner.name})"[:200],
        partner=partner_id,
        kind=RespondentKind.ESTIMATE,
    )
    return assessment.model_copy(update={"respondents": [*assessment.respondents, respondent]}), rid


def estimated_partners(assessment: Assessment) -> set[str]:
    """Partners whose only answers are someone else's estimate."""
    real = {r.partner for r in assessment.respondents if not r.is_estimate}
    return {r.partner for r in assessment.respondents if r.is_estimate and r.partner not in real}


def merge_partner_file(
    base: Assessment,
    other: Assessment,
    own_partner: str,
    *,
    mapping: Mapping[str, str] | None = None,
    keep_estimates: bool = False,
) -> tuple[Assessment, list[str]]:
    """Add the real answers a partner gave in their own exported assessment.

    Partners are matched by name (`name_key`) unless `mapping` (the file's partner id ->
    this assessment's, as the person confirmed it, see `matching.propose_matches`) says
    otherwise, because each side numbers and names its partners in its own set-up. Answers
    for `own_partner` in the file are not taken (this assessment already has them);
    estimates in the file are not taken. An estimate this assessment held for an imported
    partner is kept beside the real answers with `keep_estimates`, else replaced.

    Returns:
        The merged assessment and the names of the partners whose answers were added.

    Raises:
        AssessmentFileError: the file uses other question banks, names none of this
            assessment's partners, has no answers for them, or `mapping` does not fit.
    """
    _require_same_banks(base, other)
    if mapping is None:
        mapping = _partner_mapping(base, other, own_partner)
    else:
        check_mapping(base, other, own_partner, mapping)
    taken = _respondents_to_take(other, mapping)
    imported_partners = {mapping[r.partner] for r in taken}
    kept = [
        r
        for r in base.respondents
        if keep_estimates or not (r.is_estimate and r.partner in imported_partners)
    ]
    new_ids = _imported_ids(taken, {r.id for r in base.respondents})
    respondents = kept + [
        Respondent(
            id=new_ids[r.id], name=r.name, partner=mapping[r.partner], kind=RespondentKind.IMPORTED
        )
        for r in taken
    ]
    kept_ids = {r.id for r in kept}
    answers = [a for a in base.answers if a.respondent in kept_ids]
    answers += [
        a.model_copy(update={"respondent": new_ids[a.respondent]})
        for a in other.answers
        if a.respondent in new_ids
    ]
    data = base.model_dump(exclude={"respondents", "answers"})
    data["respondents"] = [r.model_dump() for r in respondents]
    data["answers"] = [a.model_dump() for a in answers]
    try:
        merged = Assessment.model_validate(data)
    except ValueError as exc:  # pragma: no cover - guarded by the checks above
        raise AssessmentFileError(f"The two files could not be combined: {exc}") from None
    return merged, [p.name for p in base.partners if p.id in imported_partners]


def _require_same_banks(base: Assessment, other: Assessment) -> None:
    if set(other.banks) != set(base.banks):
        raise AssessmentFileError(
            f"That file uses the question bank(s) {', '.join(other.banks)}, but this "
            f"assessment uses {', '.join(base.banks)}. Both sides must answer the same "
            "banks: ask your partner to export again with the same set-up."
        )


def estimates_at_stake(assessment: Assessment, partner_ids: Iterable[str]) -> list[str]:
    """Names of the partners among `partner_ids` that this assessment holds an estimate for
    (an import of their real answers asks whether to keep it)."""
    wanted = set(partner_ids)
    estimated = {r.partner for r in assessment.respondents if r.is_estimate}
    return [p.name for p in assessment.partners if p.id in wanted and p.id in estimated]


def _partner_mapping(base: Assessment, other: Assessment, own_partner: str) -> dict[str, str]:
    """The file's partner ids -> this assessment's, by name; never onto `own_partner`."""
    base_by_name = {name_key(p.name): p.id for p in base.partners}
    mapping: dict[str, str] = {}
    for p in other.partners:
        target = base_by_name.get(name_key(p.name))
        if target is not None and target != own_partner:
            mapping[p.id] = target
    if not mapping:
        ours = ", ".join(p.name for p in base.partners if p.id != own_partner)
        theirs = ", ".join(p.name for p in other.partners)
        raise AssessmentFileError(
            f"None of the partners in that file ({theirs}) matches a partner of this "
            f"assessment ({ours}). Check that both sides spelled the partner names the same "
            "way (fix them in Set-up) or choose the right file."
        )
    return mapping


def _respondents_to_take(other: Assessment, mapping: dict[str, str]) -> list[Respondent]:
    """The file's respondents who answered for a matched partner themselves."""
    answered = {a.respondent for a in other.answers}
    taken = [
        r
        for r in other.respondents
        if r.partner in mapping and not r.is_estimate and r.id in answered
    ]
    if not taken:
        other_name = {p.id: p.name for p in other.partners}
        names = ", ".join(other_name[p] for p in mapping)
        raise AssessmentFileError(
            f"That file has no answers from {names or 'the partners chosen'}. Ask them to "
            "answer the questionnaire for their own organisation and export it again."
        )
    return taken


def _imported_ids(taken: list[Respondent], used: set[str]) -> dict[str, str]:
    """A new respondent id for each one taken from the file, clashing with none in use."""
    new_ids: dict[str, str] = {}
    for r in taken:
        stem = f"imp-{file_stem(r.id, 'r', 40)}"[:56]
        rid, n = stem, 1
        while rid in used or rid in new_ids.values():
            n += 1
            rid = f"{stem}-{n}"
        new_ids[r.id] = rid
    return new_ids


def is_own_role(respondent: Respondent) -> bool:
    """True for a respondent the person working alone answers as, for one organisation
    (`OWN_RESPONDENT`, or `OWN_RESPONDENT-<partner>` after a change of "You answer for")."""
    rid = respondent.id
    own_id = rid == OWN_RESPONDENT or rid.startswith(f"{OWN_RESPONDENT}-")
    return own_id and respondent.kind is RespondentKind.ANSWERED


def own_role_for(assessment: Assessment, partner_id: str) -> Respondent | None:
    """The person's own respondent for `partner_id`, if they ever answered for it."""
    return next(
        (r for r in assessment.respondents if is_own_role(r) and r.partner == partner_id), None
    )


def carry_over(old: Assessment, new: Assessment) -> Assessment:
    """Keep the respondents and answers of `old` that still fit a changed set-up.

    Partner ids are positional (p1, p2, ...), so a respondent stays with the partner in
    the same position; answers from banks no longer selected are dropped. Answers belong to
    the organisation they were given for: when "You answer for" changes, the person's
    answers for the previous organisation stay with it, and the person answers for the new
    one as its own respondent (see `own_role_for`), which `new` names and describes.
    """
    partner_ids = {p.id for p in new.partners}
    me = new.respondents[0]
    kept = [r for r in old.respondents if r.partner in partner_ids]
    current = own_role_for(old, me.partner)
    if current is not None:
        kept = [r.model_copy(update={"name": me.name}) if r is current else r for r in kept]
    else:
        used = {r.id for r in kept}
        rid = OWN_RESPONDENT if OWN_RESPONDENT not in used else f"{OWN_RESPONDENT}-{me.partner}"
        kept.insert(0, me.model_copy(update={"id": rid}))
    ids = {r.id for r in kept}
    answers = [
        a for a in old.answers if a.respondent in ids and a.statement.split(":", 1)[0] in new.banks
    ]
    data = new.model_dump(exclude={"respondents", "answers", "created_at"})
    data["created_at"] = old.created_at
    data["respondents"] = [r.model_dump() for r in kept]
    data["answers"] = [_guesses_within(a, partner_ids).model_dump() for a in answers]
    return Assessment.model_validate(data)


class RoleChange(NamedTuple):
    """What changing "You answer for" does, to say it before and after: nothing moves."""

    previous: str  # name of the organisation the person answered for
    chosen: str  # name of the one they now answer for
    left: int  # answers given for `previous`, which stay with it
    resumed: int  # answers the person gave for `chosen` before, which come back


def role_change(
    assessment: Assessment, own_respondent: str | None, chosen_partner: str
) -> RoleChange | None:
    """The change of role that answering for `chosen_partner` means, None if no change."""
    current = next((r for r in assessment.respondents if r.id == own_respondent), None)
    if current is None or current.partner == chosen_partner:
        return None
    names = {p.id: p.name for p in assessment.partners}
    if chosen_partner not in names:
        return None
    counts = Counter(a.respondent for a in assessment.answers)
    earlier = own_role_for(assessment, chosen_partner)
    return RoleChange(
        previous=names[current.partner],
        chosen=names[chosen_partner],
        left=counts[current.id],
        resumed=counts[earlier.id] if earlier else 0,
    )


def role_change_message(change: RoleChange) -> str:
    """The sentence that says what a change of role did (read aloud to a client)."""
    kept = back = ""
    if change.left:
        verb = "stays" if change.left == 1 else "stay"
        kept = (
            f" The {plural(change.left, 'answer')} given for {change.previous} {verb} "
            f"with {change.previous}."
        )
    if change.resumed == 1:
        back = f" Your earlier answer for {change.chosen} is back."
    elif change.resumed:
        back = f" Your {change.resumed} earlier answers for {change.chosen} are back."
    else:
        back = f" {possessive(change.chosen)} questionnaire starts empty."
    return f"You now answer for {change.chosen}.{kept}{back}"


def guesses_as_estimate(
    assessment: Assessment, guesser: str, estimate: str, partner_id: str
) -> list[Answer]:
    """The estimate's answers that `guesser`'s guesses about `partner_id` already give.

    Only statements the estimate has no answer for yet are filled; the person then
    answers the rest.
    """
    done = {a.statement for a in assessment.answers if a.respondent == estimate}
    return [
        Answer(respondent=estimate, statement=a.statement, rating=guess)
        for a in assessment.answers
        if a.respondent == guesser
        and a.statement not in done
        and (guess := a.prediction_about(partner_id)) is not None
    ]


def _guesses_within(answer: Answer, partner_ids: set[str]) -> Answer:
    """The answer without guesses about partners the set-up no longer has."""
    kept = {p: g for p, g in (answer.predictions or {}).items() if p in partner_ids}
    if kept == (answer.predictions or {}):
        return answer
    return answer.model_copy(update={"predictions": kept or None})
