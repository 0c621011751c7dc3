"""Which partner of a partner's exported file is which partner here: proposals as data.

Each side types the partner names in its own set-up, so the same organisation may arrive
as "FreshMart" in one file and "FreshMart Supermarkets" in the other. Names equal by
`name_key` (case and spacing aside) match outright; a name that is contained in the other,
word for word or with the spaces taken out, is only proposed, and the person confirms it
before anything is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .assessment import Assessment
from .errors import AssessmentFileError
from .text import name_key

__all__ = [
    "PartnerMatch",
    "answering_partners",
    "check_mapping",
    "exact_mapping",
    "needs_confirmation",
    "propose_matches",
    "similar_names",
]

_WORD = re.compile(r"\w+")


class PartnerMatch(NamedTuple):
    """One partner of the file whose own people answered, and what it is proposed to be."""

    file_partner: str
    file_name: str
    proposed: str | None  # this assessment's partner id, None when no name fits
    exact: bool  # the names are equal (case and spacing aside): no question to ask
    answers: int  # answers the file holds from that partner's own people


def _words(name: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(name_key(name)))


def similar_names(a: str, b: str) -> bool:
    """True when one name is the other's words with more added ("FreshMart" and "FreshMart
    Supermarkets"), or the same letters spaced differently ("Fresh Mart", "FreshMart")."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if "".join(wa) == "".join(wb):
        return True
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def answering_partners(other: Assessment) -> dict[str, int]:
    """The file's partners that its own (not estimating) respondents answered for, with the
    number of answers each, in the file's partner order."""
    kinds = {r.id: r for r in other.respondents}
    counts: dict[str, int] = {}
    for a in other.answers:
        r = kinds.get(a.respondent)
        if r is not None and not r.is_estimate:
            counts[r.partner] = counts.get(r.partner, 0) + 1
    return {p.id: counts[p.id] for p in other.partners if p.id in counts}


def propose_matches(base: Assessment, other: Assessment, own_partner: str) -> list[PartnerMatch]:
    """A proposal for every partner of `other` that answered, never onto `own_partner`
    (this assessment has its own answers for it). Each partner here is proposed once."""
    candidates = {p.id: p.name for p in base.partners if p.id != own_partner}
    by_key = {name_key(name): pid for pid, name in candidates.items()}
    counts = answering_partners(other)
    names = {p.id: p.name for p in other.partners}
    exact = {fid: by_key.get(name_key(names[fid])) for fid in counts}
    taken = {pid for pid in exact.values() if pid is not None}
    matches = []
    for fid, n in counts.items():
        proposed, is_exact = exact[fid], exact[fid] is not None
        if proposed is None:
            similar = [
                pid
                for pid, name in candidates.items()
                if pid not in taken and similar_names(name, names[fid])
            ]
            proposed = similar[0] if len(similar) == 1 else None
            if proposed is not None:
                taken.add(proposed)
        matches.append(PartnerMatch(fid, names[fid], proposed, is_exact, n))
    return matches


def needs_confirmation(matches: Iterable[PartnerMatch]) -> bool:
    """True unless every answering partner of the file matched a name here exactly."""
    return not all(m.exact for m in matches)


def exact_mapping(matches: Iterable[PartnerMatch]) -> dict[str, str]:
    """File partner id -> partner id here, for the exact matches only."""
    return {m.file_partner: m.proposed for m in matches if m.exact and m.proposed}


def check_mapping(
    base: Assessment, other: Assessment, own_partner: str, mapping: Mapping[str, str]
) -> None:
    """Refuse a chosen mapping that could put answers in the wrong place.

    Raises:
        AssessmentFileError: a partner is unknown on either side, is the one you answer
            for, or is chosen for two partners of the file.
    """
    file_ids = {p.id for p in other.partners}
    names = {p.id: p.name for p in base.partners}
    targets = list(mapping.values())
    if not set(mapping) <= file_ids or not set(targets) <= set(names):
        raise AssessmentFileError("That choice of partners no longer fits the file; choose again.")
    if own_partner in targets:
        raise AssessmentFileError(
            f"You answer for {names[own_partner]} yourself: the file's answers cannot be "
            "taken as theirs. Choose another partner."
        )
    doubled = sorted({names[t] for t in targets if targets.count(t) > 1})
    if doubled:
        raise AssessmentFileError(
            f"{doubled[0]} is chosen for two partners of the file; choose each partner once."
        )
