"""How long the app keeps what people stored, and a participant's right to take it back.

Workshops and solo drafts are removed after a period without activity
(`PARTNERSHIP_FIT_RETENTION_DAYS`, 90 days unless set): a workshop is active when it is
created or revealed and whenever a participant joins, answers or is seen; a draft whenever
it is saved. `RetentionService.purge()` runs at start-up and then periodically (the UI calls
it), and the facilitator is warned in the last `WARNING_DAYS`. A participant can erase their
own answers (and comments) until the results are revealed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import NamedTuple, Unpack

from sqlalchemy import Connection, DateTime, delete, func, select, type_coerce, union_all, update

from .errors import PartnershipFitError, WorkshopError
from .storage import (
    DatabaseService,
    ServiceOptions,
    answers,
    drafts,
    from_db,
    participants,
    workshops,
)
from .workshop import rules
from .workshop.models import WorkshopState
from .workshop.repository import WorkshopRepository

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "RETENTION_ENV",
    "WARNING_DAYS",
    "Expiry",
    "Purged",
    "RetentionError",
    "RetainingService",
    "RetentionService",
    "retention_from_environment",
]

RETENTION_ENV = "PARTNERSHIP_FIT_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
# The facilitator page warns this long before a workshop is removed.
WARNING_DAYS = 14
_MAX_RETENTION_DAYS = 3650


class RetentionError(PartnershipFitError, ValueError):
    """`PARTNERSHIP_FIT_RETENTION_DAYS` is not a whole number of days in range."""


class Purged(NamedTuple):
    """How many workshops and drafts one purge removed."""

    workshops: int
    drafts: int


class Expiry(NamedTuple):
    """When a workshop is removed if nothing happens in it, and whether to warn now."""

    expires_at: datetime
    warn: bool


def retention_from_environment(environ: Mapping[str, str] = os.environ) -> timedelta:
    """The retention period set by `PARTNERSHIP_FIT_RETENTION_DAYS` (default 90 days).

    Raises:
        RetentionError: the value is not a whole number from 1 to 3650.
    """
    raw = environ.get(RETENTION_ENV, "").strip()
    if not raw:
        return timedelta(days=DEFAULT_RETENTION_DAYS)
    if not raw.isdigit() or not 1 <= int(raw) <= _MAX_RETENTION_DAYS:
        raise RetentionError(
            f"{RETENTION_ENV} must be a whole number of days from 1 to {_MAX_RETENTION_DAYS} "
            f"(it is {raw[:40]!r}); unset it for the default of {DEFAULT_RETENTION_DAYS} days."
        )
    return timedelta(days=int(raw))


def _last_activity(conn: Connection) -> dict[str, datetime]:
    """Each workshop's latest stamp: created, revealed, or any participant seen/answering."""
    stamps = union_all(
        select(workshops.c.id.label("w"), workshops.c.created_at.label("t")),
        select(workshops.c.id, workshops.c.revealed_at).where(workshops.c.revealed_at.is_not(None)),
        select(participants.c.workshop_id, participants.c.last_seen),
        select(participants.c.workshop_id, answers.c.updated_at).join(
            answers, answers.c.participant_id == participants.c.id
        ),
    ).subquery()
    latest = type_coerce(func.max(stamps.c.t), DateTime)
    rows = conn.execute(select(stamps.c.w, latest).group_by(stamps.c.w))
    return {w: t for w, t in rows}


class RetainingService(DatabaseService):
    """A database service whose data is kept for `retention` after its last activity.

    Args:
        retention: how long idle data is kept (default: from the environment, see
            `retention_from_environment`). The other arguments are those of
            `storage.DatabaseService`.
    """

    def __init__(
        self,
        database_url: str,
        *,
        retention: timedelta | None = None,
        **options: Unpack[ServiceOptions],
    ) -> None:
        # The database holds work in progress, not an archive (people download the file).
        self.retention = retention if retention is not None else retention_from_environment()
        super().__init__(database_url, **options)


class RetentionService(RetainingService):
    """Removes what has been idle too long; lets a participant erase their own answers."""

    def purge(self) -> Purged:
        """Remove every workshop and draft idle for longer than the retention period.

        Raises:
            StorageError: the database is unavailable; nothing was removed.
        """

        def write(conn: Connection) -> Purged:
            now = self._now()
            cutoff = now - self.retention
            repo = WorkshopRepository(conn, now)
            idle = [w for w, last in _last_activity(conn).items() if last < cutoff]
            for workshop_id in idle:
                repo.delete_workshop(workshop_id)
            gone = conn.execute(delete(drafts).where(drafts.c.updated_at < cutoff)).rowcount
            return Purged(len(idle), gone)

        return self.store.run(write, failed="Old workshops and drafts were not removed.")

    def workshop_expiry(self, facilitator_token: str) -> Expiry:
        """When the workshop of this facilitator link is removed unless it is used again.

        Raises:
            WorkshopError: not a valid facilitator link.
            StorageError: the database cannot be read right now.
        """

        def read(conn: Connection) -> datetime:
            found = WorkshopRepository(conn, self._now()).by_facilitator(facilitator_token)
            if found is None:
                raise WorkshopError(rules.BAD_FACILITATOR)
            return _last_activity(conn)[found.id]

        last = from_db(self.store.run(read, write=False, failed="The workshop was not read."))
        expires_at = last + self.retention
        return Expiry(expires_at, expires_at - self._clock() <= timedelta(days=WARNING_DAYS))

    def erase_own_answers(self, participant_token: str) -> int:
        """Delete every answer and comment of the participant of this link, before the
        reveal; they stay joined (and may answer again). Returns how many were erased.

        Raises:
            WorkshopError: not a valid participant link, or the results are already out.
            StorageError: the database is unavailable; nothing was erased.
        """

        def write(conn: Connection) -> int:
            repo = WorkshopRepository(conn, self._now())
            found = repo.by_participant(participant_token, "update")
            if found is None:
                raise WorkshopError(rules.BAD_PARTICIPANT)
            person, workshop = found
            if workshop.state is WorkshopState.REVEALED:
                raise WorkshopError(ERASE_AFTER_REVEAL)
            erased = conn.execute(
                delete(answers).where(answers.c.participant_id == person.id)
            ).rowcount
            conn.execute(
                update(participants)
                .where(participants.c.id == person.id)
                .values(finished=False, last_seen=repo.stamp)
            )
            return erased

        return self.store.run(write, failed="Your answers were not erased; try again.")


ERASE_AFTER_REVEAL = (
    "The results are already revealed, so answers can no longer be erased here. Ask the "
    "facilitator: they can remove you from the workshop or delete it."
)
