"""The workshop's rules, free of storage: join codes, names, what each state allows, when the
answers reveal themselves, and which offline files fit a workshop.

Every check raises `WorkshopError` with a message the person can act on.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal

from ..assessment import MAX_PARTNERS, MIN_PARTNERS, Answer, Assessment, Partner, Respondent
from ..bank import LevelId, PartnershipType
from ..errors import WorkshopError
from ..plan import SessionPlan, session_minutes
from ..scoring.rules import DEFAULT_RULES, ScoringRules
from ..text import (
    InvalidNameError,
    check_name,
    confusable_skeleton,
    join_names,
    name_key,
    plural,
    possessive,
)
from .models import (
    AnonymityOptions,
    PartnerProgress,
    StoredParticipant,
    StoredWorkshop,
    WorkshopInfo,
    WorkshopLinks,
    WorkshopState,
)

__all__ = [
    "BAD_FACILITATOR",
    "BAD_PARTICIPANT",
    "BAD_ROOM",
    "HIDDEN_FROM_PARTICIPANTS",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Change",
    "check_allowed",
    "MAX_HEADCOUNT",
    "MAX_TIMER_SECONDS",
    "check_banks",
    "check_headcounts",
    "check_look_alike",
    "check_timer",
    "check_version",
    "duplicate_name",
    "expected_people_finished",
    "fits_file",
    "left_out_note",
    "plan_summary",
    "planned_answers",
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
    "partner_progress",
    "links_of",
    "look_alike_of",
    "stale_copy",
    "unattributed",
    "scoring_rules",
    "small_groups_with_comments",
    "unnamed",
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
    "This participant link is not valid any more (the facilitator may have removed you, or "
    "deleted the workshop). Join the workshop again with its code."
)
BAD_ROOM = (
    "This room view link is not valid (the workshop may have been deleted). Open the room "
    "view again from the facilitator's page."
)
HIDDEN_FROM_PARTICIPANTS = "Answers stay hidden until the facilitator reveals them."
MAX_HEADCOUNT = 500
MAX_TIMER_SECONDS = 4 * 3600


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


def links_of(facilitator_token: str) -> WorkshopLinks:
    """The keys of the shared links, derived one way from the facilitator's: the same every
    time, and neither tells anything about the facilitator token."""

    def derived(purpose: str) -> str:
        digest = hashlib.sha256(f"partnership-fit {purpose}\0{facilitator_token}".encode())
        return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")

    return WorkshopLinks(room_token=derived("room view"), join_key=derived("join link"))


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


def look_alike_of(name: str, others: Iterable[str]) -> str | None:
    """The first of `others` that looks just like `name` (Cyrillic or Greek letters for
    Latin ones, 0 for O, accents: see `text.confusable_skeleton`), if any."""
    skeleton = confusable_skeleton(name)
    return next((o for o in others if confusable_skeleton(o) == skeleton), None)


# What a look-alike refusal says, when someone joins (or moves) and when a file is imported.
_LOOK_ALIKE = {
    "join": (
        "'{name}' looks just like '{other}', who has already joined for {partner}. If that "
        "is you, open your own link; otherwise add an initial or your role, typed on an "
        "ordinary keyboard."
    ),
    "import": (
        "The file's respondent '{name}' looks just like '{other}', a participant for "
        "{partner}; rename the respondent in the file. Nothing was imported."
    ),
}


def check_look_alike(
    name: str,
    others: Iterable[str],
    partner_name: str,
    source: Literal["join", "import"] = "join",
) -> None:
    """Refuse a name that looks like one already used for the same partner."""
    other = look_alike_of(name, others)
    if other is not None:
        message = _LOOK_ALIKE[source].format(name=name, other=other, partner=partner_name)
        raise WorkshopError(message)


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


def check_headcounts(counts: Mapping[str, object], partner_ids: Sequence[str]) -> dict[str, int]:
    """Partner id -> people expected: known partners, whole numbers 1 to MAX_HEADCOUNT."""
    checked: dict[str, int] = {}
    for partner, count in counts.items():
        if partner not in partner_ids:
            raise WorkshopError(f"There is no partner '{partner}' in this workshop.")
        if isinstance(count, bool) or not isinstance(count, int):
            raise WorkshopError("Give the number of people each partner brings as a whole number.")
        if not 1 <= count <= MAX_HEADCOUNT:
            raise WorkshopError(
                f"Each partner brings 1 to {MAX_HEADCOUNT} people; {count} was given."
            )
        checked[partner] = count
    return checked


def check_timer(seconds: object) -> int | None:
    """A discussion timer's length: None (no timer) or 1 s to MAX_TIMER_SECONDS."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise WorkshopError("Give the timer's length in whole seconds.")
    if not 1 <= seconds <= MAX_TIMER_SECONDS:
        raise WorkshopError(f"A timer runs 1 second to {MAX_TIMER_SECONDS // 3600} hours.")
    return seconds


# What each kind of versioned edit says when the copy it was made on is out of date.
_STALE: dict[str, str] = {
    "answer": (
        "Your answer was NOT saved: this page showed an older copy of it (it was changed "
        "on another device or tab since). Reload the page to see the current answer, then "
        "change it again if you still want to."
    ),
    "agreement": (
        "The agreement was NOT saved: someone changed it in another tab since this page "
        "was loaded. Reload to see the current agreement, then make your change again."
    ),
}


Versioned = Literal["answer", "agreement"]


def stale_copy(what: Versioned) -> WorkshopError:
    """The refusal of an edit made on an out-of-date copy."""
    return WorkshopError(_STALE[what])


def check_version(given: int | None, stored: int, what: Versioned) -> None:
    """Refuse an edit made on a copy older than the stored one (`given` None: no check)."""
    if given is not None and given != stored:
        raise stale_copy(what)


# How far behind a participant's "last active" time may fall while they answer: the
# dashboard shows it to the minute ("just now" under one), and moving it with every click
# would add a write to each click.
LAST_SEEN_RESOLUTION = timedelta(seconds=15)


def last_seen_due(last_seen: datetime, now: datetime) -> bool:
    """Whether an answer saved `now` should move the participant's last-active time on."""
    return now - last_seen >= LAST_SEEN_RESOLUTION


# --------------------------------------------------------------------------- states


# What each state refuses, and what the refusal says. An open workshop allows everything.
Change = Literal["join", "answer", "lock", "move"]
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
    "move": {
        WorkshopState.REVEALED: (
            "The answers are already revealed; participants cannot be moved any more."
        ),
    },
}


def check_allowed(change: Change, state: WorkshopState) -> None:
    """Refuse `change` (joining; changing an answer or finishing; locking or unlocking;
    moving a participant) in a workshop that is in `state`."""
    refusal = _REFUSALS[change].get(state)
    if refusal is not None:
        raise WorkshopError(refusal)


def may_auto_reveal(workshop: StoredWorkshop) -> bool:
    """The facilitator asked for the automatic reveal, and it has not happened yet."""
    return workshop.auto_reveal and workshop.state != WorkshopState.REVEALED


def expected_people_finished(
    people: Sequence[StoredParticipant], expected: Mapping[str, int], partner_ids: set[str]
) -> bool:
    """Every partner has a number of people expected, and that many of its participants
    have finished. Anyone else (strays, late joiners) neither counts nor blocks."""
    if not partner_ids or not partner_ids <= set(expected):
        return False
    finished: dict[str, int] = {}
    for p in people:
        if p.finished:
            finished[p.partner_id] = finished.get(p.partner_id, 0) + 1
    return all(finished.get(pid, 0) >= expected[pid] for pid in partner_ids)


# --------------------------------------------------------------------------- offline files


def fits_file(info: WorkshopInfo, assessment: Assessment, asked: Collection[str]) -> None:
    """The file uses this workshop's banks and answers only statements they ask of its
    partnership type (`asked`, whatever the plan); a short session's plan may still leave
    some of them out (see `planned_answers`)."""
    foreign = [b for b in assessment.banks if b not in info.banks]
    if foreign:
        raise WorkshopError(
            f"The file uses question bank(s) {', '.join(foreign)} that this workshop "
            f"does not ({', '.join(info.banks)}); nothing was imported."
        )
    known = set(asked)
    for a in assessment.answers:
        if a.statement not in known:
            raise WorkshopError(
                f"The file answers '{a.statement}', which this workshop does not ask "
                "(another partnership type or bank version?); nothing was imported."
            )


def planned_answers(info: WorkshopInfo, assessment: Assessment) -> tuple[list[Answer], int]:
    """The file's answers to statements the workshop's plan asks, and how many answers to
    other statements are left out (a file answered in full, imported into a short session)."""
    planned = set(info.statements)
    kept = [a for a in assessment.answers if a.statement in planned]
    return kept, len(assessment.answers) - len(kept)


def left_out_note(left_out: int, *, imported: bool = True) -> str:
    """What an import says about the answers it left out (`imported`) or is about to leave
    out; empty when it keeps them all."""
    if not left_out:
        return ""
    verb = ("was" if left_out == 1 else "were") if imported else "will be"
    return (
        f"{plural(left_out, 'answer')} to statements outside this workshop's session plan "
        f"{verb} left out."
    )


def plan_summary(info: WorkshopInfo) -> str:
    """The session plan as the facilitator's dashboard states it: what is asked, how many
    statements, about how long each person takes, and what each statement asks for."""
    plan = info.plan or SessionPlan(ask_guesses=info.ask_predictions)
    levels = [lv.value for lv in LevelId if lv in plan.levels]
    where = (
        "every level"
        if len(levels) == len(LevelId)
        else f"{join_names(levels)} level{'s' if len(levels) > 1 else ''}"
    )
    what = "the core set" if plan.core_only else "every statement"
    count = len(info.statements)
    minutes = session_minutes(count, plan, len(info.partners) - 1)
    asks = ["a rating"]
    asks += ["how much it matters"] if plan.ask_importance else []
    asks += ["a guess for each other partner"] if plan.ask_guesses else []
    return (
        f"Session plan: {what} at {where}, {plural(count, 'statement')}, about "
        f"{plural(minutes, 'minute')} per person. Each statement asks for {join_names(asks)}."
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


# --------------------------------------------------------------------------- shared screens


def partner_progress(
    info: WorkshopInfo, people: Sequence[StoredParticipant], answered: Mapping[int, int]
) -> list[PartnerProgress]:
    """Per partner, in set-up order: joined, finished, expected, answers given of possible
    (`answered`: participant row id -> answers given)."""
    progress = []
    for partner in info.partners:
        own = [p for p in people if p.partner_id == partner.id]
        progress.append(
            PartnerProgress(
                partner_id=partner.id,
                name=partner.name,
                joined=len(own),
                finished=sum(p.finished for p in own),
                expected=info.expected_headcounts.get(partner.id),
                answered=sum(answered.get(p.id, 0) for p in own),
                possible=len(own) * len(info.statements),
            )
        )
    return progress


def unattributed(
    respondents: list[Respondent], answers: list[Answer], partners: Sequence[Partner]
) -> tuple[list[Respondent], list[Answer]]:
    """Respondents renamed "Harbour Trust, respondent 2" with fresh ids, so that no comment
    (nor rating) can be traced to a named person; partner and estimate flags stay."""
    names = _numbered_names(respondents, partners)
    new_ids = {r.id: f"respondent-{i}" for i, r in enumerate(respondents, start=1)}
    renamed = [r.model_copy(update={"id": new_ids[r.id], "name": names[r.id]}) for r in respondents]
    return renamed, [a.model_copy(update={"respondent": new_ids[a.respondent]}) for a in answers]


def unnamed(
    respondents: list[Respondent], partners: Sequence[Partner], only: Collection[str]
) -> list[Respondent]:
    """The respondents of the partners in `only` named "Harbour Trust, respondent 2" (ids
    kept: they name nobody), so that their comments are not attributed."""
    names = _numbered_names([r for r in respondents if r.partner in only], partners)
    return [r.model_copy(update={"name": names[r.id]}) if r.id in names else r for r in respondents]


def _numbered_names(respondents: list[Respondent], partners: Sequence[Partner]) -> dict[str, str]:
    """Respondent id -> "Harbour Trust, respondent 2", counted within each partner."""
    partner_names = {p.id: p.name for p in partners}
    numbered: dict[str, int] = {}
    names = {}
    for r in respondents:
        numbered[r.partner] = numbered.get(r.partner, 0) + 1
        names[r.id] = f"{partner_names.get(r.partner, r.partner)}, respondent {numbered[r.partner]}"
    return names


def small_groups_with_comments(
    answers: Iterable[Answer], respondents: Sequence[Respondent], minimum: int
) -> set[str]:
    """Partner ids with two or more people who answered anything but fewer than `minimum`,
    and a comment among their answers: their respondents are `unnamed`, so no comment is
    attributed. (A partner of one is that person: renaming them would hide nothing.)"""
    partner_of = {r.id: r.partner for r in respondents}
    answered: dict[str, set[str]] = {}
    commented: set[str] = set()
    for a in answers:
        partner = partner_of.get(a.respondent)
        if partner is None:
            continue
        answered.setdefault(partner, set()).add(a.respondent)
        if a.comment and a.comment.strip():
            commented.add(partner)
    return {p for p in commented if 2 <= len(answered[p]) < minimum}


def scoring_rules(anonymity: AnonymityOptions) -> ScoringRules:
    """The scoring rules a workshop's results are judged and shown with: a partner's spread
    on a statement only from as many ratings as the minimum group size (at least 2)."""
    needed = max(DEFAULT_RULES.split_min_ratings, anonymity.min_group_size)
    if needed == DEFAULT_RULES.split_min_ratings:
        return DEFAULT_RULES
    return DEFAULT_RULES.model_copy(update={"split_min_ratings": needed})
