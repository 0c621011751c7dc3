"""Step 8: coverage per partner and the warnings that go beside the verdict."""

from __future__ import annotations

from ..results import Coverage, RespondentFlag
from ..text import plural, possessive
from .tally import Context, Tally

__all__ = ["coverage_of", "straight_lining", "collect_warnings"]


def coverage_of(ctx: Context, tally: Tally) -> tuple[Coverage, ...]:
    rows = []
    for p in ctx.partner_ids:
        expected = len(ctx.statement_ids) * ctx.respondents_of(p)
        rated, not_sure = tally.rated[p], tally.not_sure[p]
        rows.append(
            Coverage(
                partner=p,
                expected=expected,
                rated=rated,
                not_sure=not_sure,
                unanswered=max(0, expected - rated - not_sure),
            )
        )
    return tuple(rows)


def straight_lining(ctx: Context, tally: Tally) -> tuple[RespondentFlag, ...]:
    """Respondents who gave one rating to everything, statements worded both ways among them."""
    labels = ctx.banks.spine.scale.labels
    flags = []
    for respondent in sorted(ctx.counted.values(), key=lambda r: (r.name.casefold(), r.id)):
        raw = tally.raw.get(respondent.id, [])
        given = {rating for rating, _ in raw}
        both_ways = len({reverse for _, reverse in raw}) == 2
        if len(raw) < ctx.rules.straight_line_min_ratings or len(given) != 1 or not both_ways:
            continue
        (rating,) = given
        partner = ctx.names[respondent.partner]
        flags.append(
            RespondentFlag(
                respondent=respondent.id,
                name=respondent.name,
                partner=respondent.partner,
                rating=rating,
                ratings=len(raw),
                message=(
                    f"{respondent.name} ({partner}) gave all {len(raw)} ratings as {rating} "
                    f"(“{labels[rating]}”), statements worded the other way round included: "
                    "check that each statement was read before relying on these answers."
                ),
            )
        )
    return tuple(flags)


def collect_warnings(
    ctx: Context,
    tally: Tally,
    coverage: tuple[Coverage, ...],
    flags: tuple[RespondentFlag, ...],
) -> tuple[str, ...]:
    warnings = []
    if ctx.ignored_estimates:
        sets = plural(ctx.ignored_estimates, "estimated answer set")
        were = "was" if ctx.ignored_estimates == 1 else "were"
        warnings.append(f"{sets} {were} set aside because the partner answered for itself.")
    if tally.unknown:
        warnings.append(
            f"Not scored: {plural(tally.unknown, 'answer')} to statements that do not apply to "
            "this partnership type or no longer exist."
        )
    for cov in coverage:
        name = ctx.names[cov.partner]
        if ctx.respondents_of(cov.partner) == 0:
            warnings.append(f"Nobody has answered for {name} yet.")
        elif cov.unanswered or cov.not_sure:
            warnings.append(
                f"{name}: {cov.rated} of {cov.expected} ratings given ({cov.unanswered} "
                f"unanswered, {cov.not_sure} “not sure”); results for this partner rest on "
                "fewer answers."
            )
    for p in ctx.estimated_partners():
        name = ctx.names[p]
        warnings.append(
            f"The answers for {name} are an estimate made by another partner, "
            f"not {possessive(name)} own view."
        )
    warnings += [f.message for f in flags]
    return tuple(warnings)
