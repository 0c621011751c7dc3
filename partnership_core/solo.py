"""The solo flow's assessment logic: build an assessment from the set-up, add an estimate
respondent, and merge in a partner's exported file."""

from __future__ import annotations

import re

from .assessment import Assessment, Partner, Respondent
from .bank import PartnershipType
from .errors import AssessmentFileError, PartnershipFitError

__all__ = [
    "SetupError",
    "validate_partner_names",
    "new_assessment",
    "add_estimate_respondent",
    "estimated_partners",
    "merge_partner_file",
    "carry_over",
]


class SetupError(PartnershipFitError):
    """The set-up form is incomplete or inconsistent; the message says what to fix."""


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text.strip().lower()).strip("-")[:40]
    return slug or fallback


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def validate_partner_names(names: list[str]) -> list[str]:
    """Trimmed names, or SetupError naming the first problem (missing or repeated)."""
    cleaned = [" ".join(n.split()) for n in names]
    for i, n in enumerate(cleaned, start=1):
        if not n:
            raise SetupError(f"Partner {i} needs a name.")
        if len(n) > 200:
            raise SetupError(f"Partner {i}: the name is longer than 200 characters; shorten it.")
    seen: dict[str, int] = {}
    for i, n in enumerate(cleaned, start=1):
        if _norm(n) in seen:
            raise SetupError(
                f"Partners {seen[_norm(n)]} and {i} are both called '{n}'; "
                "give each partner its own name."
            )
        seen[_norm(n)] = i
    return cleaned


def new_assessment(
    *,
    name: str,
    partnership_type: PartnershipType,
    partner_names: list[str],
    bank_ids: list[str],
    respondent_name: str,
    own_partner: int,
) -> Assessment:
    """The assessment a solo user starts: partners and one respondent (the user).

    Raises:
        SetupError: a required field is missing or partner names repeat.
    """
    name = " ".join(name.split())
    if not name:
        raise SetupError("Give the partnership a name, for example 'Food bank and grocer'.")
    if len(name) > 200:
        raise SetupError("The partnership name is longer than 200 characters; shorten it.")
    names = validate_partner_names(partner_names)
    if not 2 <= len(names) <= 6:
        raise SetupError("A partnership needs between 2 and 6 partners.")
    if not bank_ids:
        raise SetupError("Choose at least one question bank.")
    respondent = " ".join(respondent_name.split())
    if not respondent:
        raise SetupError("Say who is answering (your name or role).")
    if not 0 <= own_partner < len(names):
        raise SetupError("Choose the partner you are answering for.")
    partners = [Partner(id=f"p{i + 1}", name=n) for i, n in enumerate(names)]
    return Assessment(
        name=name,
        partnership_type=partnership_type,
        banks=list(bank_ids),
        partners=partners,
        respondents=[Respondent(id="me", name=respondent[:200], partner=partners[own_partner].id)],
    )


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
        is_estimate=True,
    )
    return assessment.model_copy(update={"respondents": [*assessment.respondents, respondent]}), rid


def estimated_partners(assessment: Assessment) -> set[str]:
    """Partners whose only answers are someone else's estimate."""
    real = {r.partner for r in assessment.respondents if not r.is_estimate}
    return {r.partner for r in assessment.respondents if r.is_estimate and r.partner not in real}


def merge_partner_file(
    base: Assessment, other: Assessment, own_partner: str
) -> tuple[Assessment, list[str]]:
    """Add the real answers a partner gave in their own exported assessment.

    Partners are matched by name (ignoring case and extra spaces), because each side
    numbers its partners in its own set-up. Answers for `own_partner` in the file are
    not taken (this assessment already has them); estimates in the file are not taken.
    An estimate this assessment held for an imported partner is replaced.

    Returns:
        The merged assessment and the names of the partners whose answers were added.

    Raises:
        AssessmentFileError: the file uses other question banks, names none of this
            assessment's partners, or has no answers for them.
    """
    if set(other.banks) != set(base.banks):
        raise AssessmentFileError(
            f"That file uses the question bank(s) {', '.join(other.banks)}, but this "
            f"assessment uses {', '.join(base.banks)}. Both sides must answer the same "
            "banks: ask your partner to export again with the same set-up."
        )
    base_by_name = {_norm(p.name): p.id for p in base.partners}
    other_name = {p.id: p.name for p in other.partners}
    mapping: dict[str, str] = {}
    for p in other.partners:
        target = base_by_name.get(_norm(p.name))
        if target is not None and target != own_partner:
            mapping[p.id] = target
    if not mapping:
        ours = ", ".join(p.name for p in base.partners if p.id != own_partner)
        theirs = ", ".join(other_name.values())
        raise AssessmentFileError(
            f"None of the partners in that file ({theirs}) matches a partner of this "
            f"assessment ({ours}). Check that both sides spelled the partner names the same "
            "way (fix them in Set-up) or choose the right file."
        )
    taken = [r for r in other.respondents if r.partner in mapping and not r.is_estimate]
    answered = {a.respondent for a in other.answers}
    taken = [r for r in taken if r.id in answered]
    if not taken:
        names = ", ".join(other_name[p] for p in mapping)
        raise AssessmentFileError(
            f"That file has no answers from {names}. Ask them to answer the questionnaire "
            "for their own organisation and export it again."
        )
    imported_partners = {mapping[r.partner] for r in taken}
    used_ids = {r.id for r in base.respondents}
    kept = [r for r in base.respondents if not (r.is_estimate and r.partner in imported_partners)]
    kept_ids = {r.id for r in kept}
    new_ids: dict[str, str] = {}
    respondents = list(kept)
    for r in taken:
        stem = f"imp-{_slug(r.id, 'r')}"[:56]
        rid, n = stem, 1
        while rid in used_ids or rid in new_ids.values():
            n += 1
            rid = f"{stem}-{n}"
        new_ids[r.id] = rid
        respondents.append(
            Respondent(id=rid, name=r.name, partner=mapping[r.partner], is_estimate=False)
        )
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
    names = [p.name for p in base.partners if p.id in imported_partners]
    return merged, names


def carry_over(old: Assessment, new: Assessment) -> Assessment:
    """Keep the respondents and answers of `old` that still fit a changed set-up.

    Partner ids are positional (p1, p2, ...), so a respondent stays with the partner in
    the same position; answers from banks no longer selected are dropped. The solo
    respondent ("me") is taken from `new`, so changing "who answers for whom" applies.
    """
    partner_ids = {p.id for p in new.partners}
    new_ids = {r.id for r in new.respondents}
    kept = [r for r in old.respondents if r.partner in partner_ids and r.id not in new_ids]
    respondents = [*new.respondents, *kept]
    ids = {r.id for r in respondents}
    answers = [
        a for a in old.answers if a.respondent in ids and a.statement.split(":", 1)[0] in new.banks
    ]
    data = new.model_dump(exclude={"respondents", "answers", "created_at"})
    data["created_at"] = old.created_at
    data["respondents"] = [r.model_dump() for r in respondents]
    data["answers"] = [a.model_dump() for a in answers]
    return Assessment.model_validate(data)
