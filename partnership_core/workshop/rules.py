"""The workshop's rules, free of storage: join codes, names, what each state allows, when the
answers reveal themselves, and which offline files fit a workshop.

Every check raises `WorkshopError` with a message the person can act on.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from ..assessment import MAX_PARTNERS, MIN_PARTNERS, Assessment, Partner, Respondent
from ..bank import PartnershipType
from ..errors import WorkshopError
from ..text import InvalidNameError, check_name, name_key, possessive
from .models import StoredParticipant, StoredWorkshop, WorkshopInfo, WorkshopState

__all__ = [
    "BAD_FACILITATOR",
    "BAD_PARTICIPANT",
    "HIDDEN_FROM_PARTICIPANTS",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Change",
    "check_allowed",
    "check_banks",
    "duplicate_name",
    "everyone_finished",
    "fits_file",
    "format_join_code",
    "is_join_code",
    "match_partners",
    "may_auto_reveal",
    "new_join_code",
    "new_participant_names",
    "new_respondent_id",
    "normalise_join_code",
    "parse_partnership_type",
    "partner_id",
    "partner_names",
    "valid_name",
]

# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6, Q, U/V): 21 symbols, 10 of them ~44 bits.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPRTWXY34679"
JOIN_CODE_LENGTH = 10

BAD_FACILITATOR = (
    "This facilitator link is not valid (it may be mistyped, from another database, or its "
    "workshop was deleted). Open the link you were given when the workshop was created."
)
BAD_PARTICIPANT = (
    "This participant link is not valid any more (the workshop may have been deleted). "
    "Join the workshop again with its code."
)
HIDDEN_FROM_PARTICIPANTS = "Answers stay hidden until the facilitator reveals them."


# --------------------------------------------------------------------------- join codes


def normalise_join_code(text: str) -> str:
    """Upper-case, without spaces and dashes: "abcde-fghjk " -> "ABCDEFGHJK"."""
    return re.sub(r"[\s\-_.]+", "", text or "").upper()


def format_join_code(code: str) -> str:
    """Grouped for reading aloud and typing: "ABCDEFGHJK" -> "ABCDE-FGHJK"."""
    code = normalise_join_code(code)
    return f"{code[:5]}-{code[5:]}" if len(code) > 5 else code


def is_join_code(code: str) -> bool:
    """Whether a normalised code could be one of ours (anything else needs no look-up)."""
    return len(code) == JOIN_CODE_LENGTH and all(ch in JOIN_CODE_ALPHABET for ch in code)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_respondent_id() -> str:
    return f"r-{secrets.token_hex(6)}"


def partner_id(position: int) -> str:
    """The id of the partner at `position` (0-based) in the set-up list: "p1", "p2", ..."""
    return f"p{position + 1}"


# --------------------------------------------------------------------------- names


def valid_name(value: object, what: str) -> str:
    """`text.check_name`, its refusal as a `WorkshopError` with the same message."""
    try:
        return check_name(value, what)
    except InvalidNameError as exc:
        raise WorkshopError(str(exc)) from None


def partner_names(names: Sequence[object]) -> list[str]:
    """The partner names of a new workshop, checked, counted and told apart."""
    checked = [valid_name(n, f"{possessive(f'Partner {i + 1}')} name") for i, n in enumerate(names)]
    if not MIN_PARTNERS <= len(checked) <= MAX_PARTNERS:
        raise WorkshopError(
            f"A workshop needs {MIN_PARTNERS} to {MAX_PARTNERS} partners; "
            f"{len(checked)} were given."
        )
    keys = [name_key(n) for n in checked]
    if len(set(keys)) != len(keys):
        raise WorkshopError("Two partners have the same name; give each its own.")
    return checked


def duplicate_name(name: str) -> WorkshopError:
    return WorkshopError(
        f"Someone called '{name}' has already joined this workshop. Add an initial or your "
        "role to tell yourselves apart; if it was you on another device, open your own link."
    )


# --------------------------------------------------------------------------- set-up


def parse_partnership_type(value: PartnershipType | str) -> PartnershipType:
    try:
        return PartnershipType(value)
    except ValueError:
        raise WorkshopError(
            f"Unknown partnership type '{value}'; choose one of "
            f"{', '.join(t.value for t in PartnershipType)}."
        ) from None


def check_banks(banks: Iterable[object] | None) -> list[str]:
    """The chosen bank ids, in order: at least one, each once."""
    chosen = [str(b) for b in banks or []]
    if not chosen:
        raise WorkshopError("Choose at least one question bank.")
    if len(set(chosen)) != len(chosen):
        raise WorkshopError("A question bank is chosen twice; choose each once.")
    return chosen


# --------------------------------------------------------------------------- states


# What each state refuses, and what the refusal says. An open workshop allows everything.
Change = Literal["join", "answer", "lock"]
_REFUSALS: dict[Change, dict[WorkshopState, str]] = {
    "join": {
        WorkshopState.LOCKED: (
            "The facilitator has locked this workshop; ask them to unlock it to join."
        ),
        WorkshopState.REVEALED: "This workshop's answers are already revealed; joining is closed.",
    },
    "answer": {
        WorkshopState.LOCKED: (
            "The facilitator has locked the workshop; answers cannot be changed now."
        ),
        WorkshopState.REVEALED: "The answers have been revealed; they cannot be changed now.",
    },
    "lock": {
        WorkshopState.REVEALED: "The answers are already revealed; the workshop stays closed.",
    },
}


def check_allowed(change: Change, state: WorkshopState) -> None:
    """Refuse `change` (joining; changing an answer or finishing; locking or unlocking)
    in a workshop that is in `state`."""
    refusal = _REFUSALS[change].get(state)
    if refusal is not None:
        raise WorkshopError(refusal)


def may_auto_reveal(workshop: StoredWorkshop) -> bool:
    """The facilitator asked for the automatic reveal, and it has not happened yet."""
    return workshop.auto_reveal and workshop.state != WorkshopState.REVEALED


def everyone_finished(people: Sequence[StoredParticipant], partner_ids: set[str]) -> bool:
    """Every partner has someone and all have finished (a lone early finisher must not
    reveal an empty room)."""
    return (
        bool(people)
        and all(p.finished for p in people)
        and partner_ids <= {p.partner_id for p in people}
    )


# --------------------------------------------------------------------------- offline files


def fits_file(info: WorkshopInfo, assessment: Assessment) -> None:
    """The file uses this workshop's banks and answers only statements it asks."""
    foreign = [b for b in assessment.banks if b not in info.banks]
    if foreign:
        raise WorkshopError(
            f"The file uses question bank(s) {', '.join(foreign)} that this workshop "
            f"does not ({', '.join(info.banks)}); nothing was imported."
        )
    applicable = set(info.statements)
    for a in assessment.answers:
        if a.statement not in applicable:
            raise WorkshopError(
                f"The file answers '{a.statement}', which this workshop does not ask "
                "(another partnership type or bank version?); nothing was imported."
            )


def match_partners(
    assessment: Assessment,
    partners: Sequence[Partner],
    partner_map: Mapping[str, str] | None,
) -> dict[str, str]:
    """File partner id -> workshop partner id, for every partner with respondents.

    By `partner_map` when given, else by name (compared by `name_key`).
    """
    by_name = {name_key(p.name): p.id for p in partners}
    known_ids = {p.id for p in partners}
    file_partners = {p.id: p.name for p in assessment.partners}
    mapping: dict[str, str] = {}
    for r in assessment.respondents:
        if r.partner in mapping:
            continue
        name = file_partners[r.partner]
        if partner_map is not None:
            target = partner_map.get(r.partner)
            if target not in known_ids:
                raise WorkshopError(
                    f"Choose which workshop partner '{name}' of the file is (got {target!r}); "
                    "nothing was imported."
                )
        else:
            target = by_name.get(name_key(name))
            if target is None:
                raise WorkshopError(
                    f"The file's partner '{name}' is not a partner of this workshop "
                    f"({', '.join(p.name for p in partners)}); match the partners by hand. "
                    "Nothing was imported."
                )
        mapping[r.partner] = target
    return mapping


def new_participant_names(
    respondents: Sequence[Respondent], taken: set[str]
) -> list[tuple[Respondent, str, str]]:
    """Each respondent of a file with its checked name and name key, none of them `taken`
    by a participant of the workshop or by an earlier respondent of the file."""
    taken = set(taken)
    named = []
    for r in respondents:
        name = valid_name(r.name, "A respondent name in the file")
        key = name_key(name)
        if key in taken:
            raise WorkshopError(
                f"'{name}' is already a participant of this workshop; rename the "
                "respondent in the file or remove the duplicate. Nothing was imported."
            )
        taken.add(key)
        named.append((r, name, key))
    return named
