"""How severe each verdict is, and what a band means at each level (one place for both)."""

from __future__ import annotations

from ..bank import BandId, LevelId
from ..results import Severity, Verdict
from .tally import Context

__all__ = ["VERDICT_SEVERITY", "CLEARED", "band_verdict", "severity_band"]

VERDICT_SEVERITY = {
    Verdict.CLEAR: 0,
    Verdict.CONDITIONS: 1,
    Verdict.INCOMPLETE: 2,
    Verdict.PAUSE: 3,
    Verdict.STOP: 4,
}
CLEARED = frozenset({Verdict.CLEAR, Verdict.CONDITIONS})
_SEVERITY_BAND = {
    Severity.SERIOUS: BandId.SERIOUS,
    Severity.CONCERN: BandId.PAUSE,
    Severity.NOT_JUDGED: BandId.INSUFFICIENT,
    Severity.WORK: BandId.WORKABLE,
}


def severity_band(severity: Severity) -> BandId | None:
    """The band a finding of this severity gives its characteristic at least (None: agenda)."""
    return _SEVERITY_BAND.get(severity)


def band_verdict(band: BandId, level: LevelId, ctx: Context) -> Verdict:
    """What a characteristic's band means for its level (seed 000: the level decides)."""
    if band == BandId.SERIOUS:
        return ctx.rules.serious_verdict[level]
    return {
        BandId.PAUSE: Verdict.PAUSE,
        BandId.INSUFFICIENT: Verdict.INCOMPLETE,
        BandId.WORKABLE: Verdict.CONDITIONS,
        BandId.STRONG: Verdict.CLEAR,
    }[band]
