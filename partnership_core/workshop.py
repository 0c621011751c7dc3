"""Facilitated workshops: participants answer blind on their own devices, then reveal together.

`WorkshopService` is the only way pages touch workshop data (pure Python, no streamlit).
Every answer is written the moment it is given, in its own short transaction; multi-row
operations (creating a workshop, importing an offline file) are all-or-nothing. Errors are
`WorkshopError` (the user can fix it: wrong code, locked, duplicate name, invalid link) or
`StorageError` (database unavailable after a few retries; nothing was stored; try again).

BLIND IS ENFORCED HERE: no participant-side method returns anyone else's answers before
the facilitator reveals them, and the facilitator's dashboard shows counts, not answers.

Additions to the agreed contract (nothing renamed or removed):
- `WorkshopInfo` also has `workshop_id`, `auto_reveal`, `statements` (the applicable
  qualified statement ids in order), `created_at`, `revealed_at`.
- `Dashboard` also has `join_code` (grouped for display, "ABCDE-FGHJK").
- `ParticipantProgress` also has `respondent_id`, `is_estimate` and `offline` (imported).
- `save_answer` returns the stored `Answer`; `finish(token, finished=True)` can reopen.
- `remove_action(token, index)` uses the index in `assessment().workshop.actions`.
- Auto-reveal waits until every partner has at least one participant and every joined
  participant has finished (a lone early finisher must not reveal an empty room).
- `format_join_code`, `normalise_join_code`, `JOIN_CODE_ALPHABET` are public helpers.
- `delete_workshop(token)` removes a workshop and every row stored for it (all or nothing).
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from .assessment import (
    MAX_PARTNERS,
    Action,
    AgreedItem,
    Answer,
    Assessment,
    Importance,
    Partner,
    Respondent,
    WorkshopRecord,
)
from .bank import QUESTIONS_DIR, PartnershipType, load_bank_set
from .errors import QuestionBankError, StorageError, WorkshopError
from .storage import (
    DatabaseService,
    actions,
    agreements,
    answers,
    from_db,
    hash_secret,
    join_attempts,
    participants,
    partners,
    utc_now,
    workshops,
)

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "FREE_WRONG_CODES",
    "WorkshopState",
    "WorkshopInfo",
    "WorkshopCreated",
    "ParticipantProgress",
    "Dashboard",
    "ParticipantSession",
    "ParticipantView",
    "WorkshopService",
    "format_join_code",
    "normalise_join_code",
    "wrong_code_wait_seconds",
]

# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6, Q, U/V): 21 symbols, 10 of them ~44 bits.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPRTWXY34679"
JOIN_CODE_LENGTH = 10
FREE_WRONG_CODES = 3
_MAX_WAIT_SECONDS = 15 * 60
_NAME_MAX = 200


class WorkshopState(StrEnum):
    OPEN = "open"  # participants join and answer
    LOCKED = "locked"  # no joining, no changes; the facilitator can unlock
    REVEALED = "revealed"  # answers visible to everyone in the workshop; final


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkshopInfo(_Frozen):
    """What anyone holding the join code may know about a workshop (no answers)."""

    workshop_id: str
    name: str
    partnership_type: PartnershipType
    banks: list[str]
    partners: list[Partner]
    state: WorkshopState
    ask_predictions: bool
    auto_reveal: bool
    statements: list[str]
    created_at: datetime
    revealed_at: datetime | None = None


class WorkshopCreated(_Frozen):
    workshop_id: str
    facilitator_token: str
    join_code: str  # normalised, 10 characters; show it with `format_join_code`


class ParticipantProgress(_Frozen):
    respondent_id: str
    name: str
    partner_id: str
    partner_name: str
    answered: int
    total: int
    finished: bool
    last_seen: datetime
    is_estimate: bool = False
    offline: bool = False


class Dashboard(_Frozen):
    workshop: WorkshopInfo
    participants: list[ParticipantProgress]
    state: WorkshopState
    join_code: str


class ParticipantSession(_Frozen):
    participant_token: str
    workshop_id: str
    respondent_id: str
    partner_id: str
    name: str


class ParticipantView(_Frozen):
    workshop: WorkshopInfo
    respondent: Respondent
    own_answers: dict[str, Answer]
    finished: bool
    state: WorkshopState


# --------------------------------------------------------------------------- small helpers


def normalise_join_code(text: str) -> str:
    """Upper-case, without spaces and dashes: "abcde-fghjk " -> "ABCDEFGHJK"."""
    return re.sub(r"[\s\-_.]+", "", text or "").upper()


def format_join_code(code: str) -> str:
    """Grouped for reading aloud and typing: "ABCDEFGHJK" -> "ABCDE-FGHJK"."""
    code = normalise_join_code(code)
    return f"{code[:5]}-{code[5:]}" if len(code) > 5 else code


def wrong_code_wait_seconds(failures: int) -> int:
    """Seconds a client must wait after `failures` wrong codes in a row (0 for the first few)."""
    if failures < FREE_WRONG_CODES:
        return 0
    return min(5 * 2 ** (failures - FREE_WRONG_CODES), _MAX_WAIT_SECONDS)


def _clean_name(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise WorkshopError(f"{what} must be text.")
    name = " ".join(value.split())
    if not name:
        raise WorkshopError(f"{what} is empty; type a name.")
    if len(name) > _NAME_MAX:
        raise WorkshopError(f"{what} is {len(name)} characters long; keep it to {_NAME_MAX}.")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise WorkshopError(f"{what} contains control characters; type it again.")
    return name


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _new_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _rating_to_db(rating: int | str) -> str:
    return str(rating)


def _rating_from_db(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _respondent_from_row(participant: Row[Any]) -> Respondent:
    """The core `Respondent` a `participants` row stands for."""
    return Respondent(
        id=participant.respondent_id,
        name=participant.name,
        partner=participant.partner_id,
        is_estimate=bool(participant.is_estimate),
    )


def _answer_from_row(answer: Row[Any], respondent_id: str) -> Answer:
    """The core `Answer` an `answers` row holds (the row knows its participant, not its id)."""
    return Answer(
        respondent=respondent_id,
        statement=answer.statement,
        rating=_rating_from_db(answer.rating),
        importance=Importance(answer.importance) if answer.importance else None,
        prediction=answer.prediction,
        comment=answer.comment,
    )


_BAD_FACILITATOR = (
    "This facilitator link is not valid (it may be mistyped, from another database, or its "
    "workshop was deleted). Open the link you were given when the workshop was created."
)
_BAD_PARTICIPANT = (
    "This participant link is not valid any more (the workshop may have been deleted). "
    "Join the workshop again with its code."
)
_HIDDEN = "Answers stay hidden until the facilitator reveals them."


class WorkshopService(DatabaseService):
    """Workshops in a database: create, join, answer blind, reveal, export.

    Args:
        database_url, clock, busy_timeout_ms, retry_attempts, retry_base_delay: see
            `storage.DatabaseService`.
        questions_dir: where the question banks live.

    Raises:
        StorageError: the database cannot be reached or is newer than this app.
    """

    def __init__(
        self,
        database_url: str,
        *,
        questions_dir: Path | str = QUESTIONS_DIR,
        clock: Callable[[], datetime] = utc_now,
        busy_timeout_ms: int = 5000,
        retry_attempts: int = 4,
        retry_base_delay: float = 0.05,
    ) -> None:
        self.questions_dir = Path(questions_dir)
        self._statement_cache: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}
        super().__init__(
            database_url,
            clock=clock,
            busy_timeout_ms=busy_timeout_ms,
            retry_attempts=retry_attempts,
            retry_base_delay=retry_base_delay,
        )

    # ------------------------------------------------------------------ internals

    def _statements(self, banks: list[str], ptype: PartnershipType | str) -> tuple[str, ...]:
        """Applicable qualified statement ids, in bank order (cached: banks rarely change)."""
        key = (tuple(banks), str(ptype))
        cached = self._statement_cache.get(key)
        if cached is None:
            try:
                bank_set = load_bank_set(list(banks), self.questions_dir)
            except QuestionBankError as exc:
                raise WorkshopError(
                    f"The workshop's question banks cannot be used: {exc}"
                ) from None
            cached = tuple(bank_set.applicable(PartnershipType(ptype)))
            self._statement_cache[key] = cached
        return cached

    def _info(self, conn: Connection, w: Row[Any]) -> WorkshopInfo:
        rows = conn.execute(
            select(partners.c.partner_id, partners.c.name)
            .where(partners.c.workshop_id == w.id)
            .order_by(partners.c.position)
        ).all()
        banks = json.loads(w.banks)
        return WorkshopInfo(
            workshop_id=w.id,
            name=w.name,
            partnership_type=PartnershipType(w.partnership_type),
            banks=banks,
            partners=[Partner(id=r.partner_id, name=r.name) for r in rows],
            state=WorkshopState(w.state),
            ask_predictions=bool(w.ask_predictions),
            auto_reveal=bool(w.auto_reveal),
            statements=list(self._statements(banks, w.partnership_type)),
            created_at=from_db(w.created_at),
            revealed_at=from_db(w.revealed_at),
        )

    @staticmethod
    def _facilitated(conn: Connection, token: str, lock: bool = False) -> Row[Any]:
        if not isinstance(token, str) or not token:
            raise WorkshopError(_BAD_FACILITATOR)
        query = select(workshops).where(workshops.c.facilitator_token_hash == hash_secret(token))
        if lock:
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            raise WorkshopError(_BAD_FACILITATOR)
        return row

    @staticmethod
    def _participant_row(conn: Connection, token: str, lock: str | None = None) -> Row[Any]:
        """The caller's participant row joined with its workshop (`w_` columns).

        lock: None, "share" (answers: the state must not change under us) or "update".
        """
        if not isinstance(token, str) or not token:
            raise WorkshopError(_BAD_PARTICIPANT)
        query = (
            select(
                participants,
                workshops.c.state.label("w_state"),
                workshops.c.ask_predictions.label("w_ask_predictions"),
                workshops.c.banks.label("w_banks"),
                workshops.c.partnership_type.label("w_partnership_type"),
                workshops.c.auto_reveal.label("w_auto_reveal"),
            )
            .join(workshops, workshops.c.id == participants.c.workshop_id)
            .where(participants.c.token_hash == hash_secret(token))
        )
        if lock:
            query = query.with_for_update(read=lock == "share", of=workshops)
        row = conn.execute(query).first()
        if row is None:
            raise WorkshopError(_BAD_PARTICIPANT)
        return row

    def _check_statement(self, row: Row[Any], statement: str) -> None:
        known = self._statements(json.loads(row.w_banks), row.w_partnership_type)
        if statement not in known:
            raise WorkshopError(
                f"'{statement}' is not a question of this workshop; reload the page."
            )

    @staticmethod
    def _writable(state: str) -> None:
        if state == WorkshopState.LOCKED:
            raise WorkshopError(
                "The facilitator has locked the workshop; answers cannot be changed now."
            )
        if state == WorkshopState.REVEALED:
            raise WorkshopError("The answers have been revealed; they cannot be changed now.")

    def _throttle_check(self, conn: Connection, client_key: str) -> None:
        row = conn.execute(
            select(join_attempts).where(join_attempts.c.client_key == hash_secret(client_key))
        ).first()
        if row is None:
            return
        wait = wrong_code_wait_seconds(row.failures)
        remaining = (from_db(row.last_failure) + timedelta(seconds=wait)) - from_db(self._now())
        if remaining.total_seconds() > 0:
            seconds = int(remaining.total_seconds() + 0.999)
            raise WorkshopError(
                f"Too many wrong codes; wait {seconds} seconds, then check the code with the "
                "facilitator and try again."
            )

    def _record_failure(self, client_key: str) -> int:
        key = hash_secret(client_key)

        def write(conn: Connection) -> int:
            now = self._now()
            updated = conn.execute(
                update(join_attempts)
                .where(join_attempts.c.client_key == key)
                .values(failures=join_attempts.c.failures + 1, last_failure=now)
            )
            if updated.rowcount == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(join_attempts).values(
                                client_key=key, failures=1, last_failure=now
                            )
                        )
                except IntegrityError:  # another request of this client was quicker
                    conn.execute(
                        update(join_attempts)
                        .where(join_attempts.c.client_key == key)
                        .values(failures=join_attempts.c.failures + 1, last_failure=now)
                    )
            # Forget clients idle for a day: the table stays small.
            conn.execute(
                delete(join_attempts).where(join_attempts.c.last_failure < now - timedelta(days=1))
            )
            return int(
                conn.execute(
                    select(join_attempts.c.failures).where(join_attempts.c.client_key == key)
                ).scalar_one()
            )

        return self.store.run(write, failed="The code could not be checked.")

    def _wrong_code(self, client_key: str) -> WorkshopError:
        failures = self._record_failure(client_key)
        wait = wrong_code_wait_seconds(failures)
        message = (
            "That workshop code is not valid. Check it with the facilitator: it has ten letters "
            "and digits, like ABCDE-FGHJK."
        )
        if wait:
            message += f" Too many wrong codes; wait {wait} seconds before the next try."
        return WorkshopError(message)

    def _find_by_code(self, conn: Connection, code: str, client_key: str) -> Row[Any] | None:
        self._throttle_check(conn, client_key)
        if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
            return None
        return conn.execute(select(workshops).where(workshops.c.join_code == code)).first()

    @staticmethod
    def _client_key(client_key: str) -> str:
        if not isinstance(client_key, str) or not client_key:
            # Without a key every anonymous caller would share one counter; refuse instead.
            raise WorkshopError("Cannot check the code without a client key (internal error).")
        return client_key

    def _maybe_auto_reveal(self, conn: Connection, workshop_id: str) -> None:
        """Reveal when auto_reveal is on, every partner has someone, and all have finished."""
        w = conn.execute(
            select(workshops.c.auto_reveal, workshops.c.state).where(workshops.c.id == workshop_id)
        ).one()
        if not w.auto_reveal or w.state == WorkshopState.REVEALED:
            return
        rows = conn.execute(
            select(participants.c.partner_id, participants.c.finished).where(
                participants.c.workshop_id == workshop_id
            )
        ).all()
        partner_ids = set(
            conn.execute(
                select(partners.c.partner_id).where(partners.c.workshop_id == workshop_id)
            ).scalars()
        )
        if rows and all(r.finished for r in rows) and partner_ids <= {r.partner_id for r in rows}:
            conn.execute(
                update(workshops)
                .where(workshops.c.id == workshop_id)
                .values(state=WorkshopState.REVEALED.value, revealed_at=self._now())
            )

    # ------------------------------------------------------------------ facilitator

    def create_workshop(
        self,
        name: str,
        partnership_type: PartnershipType | str,
        banks: list[str],
        partner_names: list[str],
        ask_predictions: bool = True,
        auto_reveal: bool = False,
    ) -> WorkshopCreated:
        """Create a workshop with its partners, in one transaction.

        Returns:
            The id, the facilitator token (keep it: it is the only key to the workshop;
            only its hash is stored) and the join code for participants.
        """
        name = _clean_name(name, "The workshop name")
        try:
            ptype = PartnershipType(partnership_type)
        except ValueError:
            raise WorkshopError(
                f"Unknown partnership type '{partnership_type}'; choose one of "
                f"{', '.join(t.value for t in PartnershipType)}."
            ) from None
        banks = [str(b) for b in banks or []]
        if not banks:
            raise WorkshopError("Choose at least one question bank.")
        if len(set(banks)) != len(banks):
            raise WorkshopError("A question bank is chosen twice; choose each once.")
        if not self._statements(banks, ptype):
            raise WorkshopError(
                "The chosen question banks have no statements for this partnership type; "
                "choose another bank."
            )
        names = [_clean_name(n, f"Partner {i + 1}'s name") for i, n in enumerate(partner_names)]
        if not 2 <= len(names) <= MAX_PARTNERS:
            raise WorkshopError(
                f"A workshop needs 2 to {MAX_PARTNERS} partners; {len(names)} were given."
            )
        keys = [_name_key(n) for n in names]
        if len(set(keys)) != len(keys):
            raise WorkshopError("Two partners have the same name; give each its own.")

        def create(conn: Connection) -> WorkshopCreated:
            workshop_id = secrets.token_hex(16)
            token = secrets.token_urlsafe(24)
            code = _new_code()
            now = self._now()
            conn.execute(
                insert(workshops).values(
                    id=workshop_id,
                    name=name,
                    partnership_type=ptype.value,
                    banks=json.dumps(banks),
                    ask_predictions=bool(ask_predictions),
                    auto_reveal=bool(auto_reveal),
                    state=WorkshopState.OPEN.value,
                    facilitator_token_hash=hash_secret(token),
                    join_code=code,
                    created_at=now,
                    revealed_at=None,
                )
            )
            conn.execute(
                insert(partners),
                [
                    {
                        "workshop_id": workshop_id,
                        "partner_id": f"p{i + 1}",
                        "name": n,
                        "position": i,
                    }
                    for i, n in enumerate(names)
                ],
            )
            return WorkshopCreated(workshop_id=workshop_id, facilitator_token=token, join_code=code)

        for _ in range(5):  # a join code collision (about 1 in 10^13) just draws another code
            try:
                return self.store.run(create, failed="The workshop was not created.")
            except StorageError as exc:
                if not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise StorageError("The workshop was not created: no free join code was found; try again.")

    def dashboard(self, token: str) -> Dashboard:
        """Progress of every participant: counts only, never answers."""

        def read(conn: Connection) -> Dashboard:
            w = self._facilitated(conn, token)
            info = self._info(conn, w)
            total = len(info.statements)
            applicable = set(info.statements)
            partner_names = {p.id: p.name for p in info.partners}
            rows = conn.execute(
                select(participants)
                .where(participants.c.workshop_id == w.id)
                .order_by(participants.c.id)
            ).all()
            counts: dict[int, int] = {}
            for pid, statement in conn.execute(
                select(answers.c.participant_id, answers.c.statement)
                .join(participants, participants.c.id == answers.c.participant_id)
                .where(participants.c.workshop_id == w.id)
            ):
                if statement in applicable:
                    counts[pid] = counts.get(pid, 0) + 1
            progress = [
                ParticipantProgress(
                    respondent_id=r.respondent_id,
                    name=r.name,
                    partner_id=r.partner_id,
                    partner_name=partner_names.get(r.partner_id, r.partner_id),
                    answered=counts.get(r.id, 0),
                    total=total,
                    finished=bool(r.finished),
                    last_seen=from_db(r.last_seen),
                    is_estimate=bool(r.is_estimate),
                    offline=r.token_hash is None,
                )
                for r in rows
            ]
            return Dashboard(
                workshop=info,
                participants=progress,
                state=info.state,
                join_code=format_join_code(w.join_code),
            )

        return self.store.run(read, write=False, failed="The dashboard could not be loaded.")

    def set_locked(self, token: str, locked: bool) -> WorkshopState:
        """Lock (no joining, no answer changes) or unlock an unrevealed workshop."""

        def write(conn: Connection) -> WorkshopState:
            w = self._facilitated(conn, token, lock=True)
            if w.state == WorkshopState.REVEALED:
                raise WorkshopError("The answers are already revealed; the workshop stays closed.")
            state = WorkshopState.LOCKED if locked else WorkshopState.OPEN
            conn.execute(update(workshops).where(workshops.c.id == w.id).values(state=state.value))
            return state

        return self.store.run(write, failed="The workshop was not locked or unlocked.")

    def reveal(self, token: str) -> datetime:
        """Reveal every answer to everyone in the workshop (final). Returns the reveal time."""

        def write(conn: Connection) -> datetime:
            w = self._facilitated(conn, token, lock=True)
            if w.state == WorkshopState.REVEALED:
                return from_db(w.revealed_at)
            now = self._now()
            conn.execute(
                update(workshops)
                .where(workshops.c.id == w.id)
                .values(state=WorkshopState.REVEALED.value, revealed_at=now)
            )
            return from_db(now)

        return self.store.run(write, failed="The answers were not revealed.")

    def _assessment(self, conn: Connection, w: Row[Any]) -> Assessment:
        info = self._info(conn, w)
        order = {q: i for i, q in enumerate(info.statements)}
        people = conn.execute(
            select(participants)
            .where(participants.c.workshop_id == w.id)
            .order_by(participants.c.id)
        ).all()
        respondent_of = {p.id: p.respondent_id for p in people}
        rows = conn.execute(
            select(answers)
            .join(participants, participants.c.id == answers.c.participant_id)
            .where(participants.c.workshop_id == w.id)
        ).all()
        rows.sort(key=lambda a: (a.participant_id, order.get(a.statement, len(order)), a.statement))
        agreed = conn.execute(select(agreements).where(agreements.c.workshop_id == w.id)).all()
        agreed.sort(key=lambda a: (order.get(a.statement, len(order)), a.statement))
        todo = conn.execute(
            select(actions).where(actions.c.workshop_id == w.id).order_by(actions.c.id)
        ).all()
        return Assessment(
            name=info.name,
            partnership_type=info.partnership_type,
            banks=info.banks,
            partners=info.partners,
            respondents=[_respondent_from_row(p) for p in people],
            answers=[_answer_from_row(a, respondent_of[a.participant_id]) for a in rows],
            workshop=WorkshopRecord(
                agreed=[
                    AgreedItem(
                        statement=a.statement,
                        agreed_rating=a.agreed_rating,
                        disagreement=bool(a.disagreement),
                        notes=a.notes,
                    )
                    for a in agreed
                ],
                actions=[
                    Action(title=t.title, owner=t.owner, due=t.due, statement=t.statement)
                    for t in todo
                ],
                revealed_at=info.revealed_at,
            ),
            created_at=info.created_at,
        )

    def assessment(self, token: str) -> Assessment:
        """The whole workshop as a core `Assessment`; only after the reveal."""

        def read(conn: Connection) -> Assessment:
            w = self._facilitated(conn, token)
            if w.state != WorkshopState.REVEALED:
                raise WorkshopError(
                    "Answers stay hidden until you reveal them; reveal first to see results."
                )
            return self._assessment(conn, w)

        return self.store.run(read, write=False, failed="The results could not be loaded.")

    def export(self, token: str) -> Assessment:
        """The assessment for download (same rule as `assessment`: only after the reveal)."""
        return self.assessment(token)

    def record_agreement(self, token: str, item: AgreedItem) -> None:
        """Store (or replace) what the partners agreed about one statement."""
        item = AgreedItem.model_validate(item)

        def write(conn: Connection) -> None:
            w = self._facilitated(conn, token, lock=True)
            banks = json.loads(w.banks)
            if item.statement not in self._statements(banks, w.partnership_type):
                raise WorkshopError(f"'{item.statement}' is not a question of this workshop.")
            values = {
                "agreed_rating": item.agreed_rating,
                "disagreement": item.disagreement,
                "notes": item.notes,
                "updated_at": self._now(),
            }
            _upsert(
                conn,
                agreements,
                {"workshop_id": w.id, "statement": item.statement},
                values,
            )

        self.store.run(write, failed="The agreement was not saved.")

    def add_action(self, token: str, action: Action) -> int:
        """Append an action; returns its index in the list."""
        action = Action.model_validate(action)

        def write(conn: Connection) -> int:
            w = self._facilitated(conn, token, lock=True)
            if action.statement is not None:
                banks = json.loads(w.banks)
                if action.statement not in self._statements(banks, w.partnership_type):
                    raise WorkshopError(f"'{action.statement}' is not a question of this workshop.")
            conn.execute(
                insert(actions).values(
                    workshop_id=w.id,
                    title=action.title,
                    owner=action.owner,
                    due=action.due,
                    statement=action.statement,
                    created_at=self._now(),
                )
            )
            return (
                conn.execute(
                    select(func.count()).select_from(actions).where(actions.c.workshop_id == w.id)
                ).scalar_one()
                - 1
            )

        return self.store.run(write, failed="The action was not saved.")

    def remove_action(self, token: str, index: int) -> None:
        """Remove the action at `index` (position in `assessment().workshop.actions`)."""

        def write(conn: Connection) -> None:
            w = self._facilitated(conn, token, lock=True)
            ids = (
                conn.execute(
                    select(actions.c.id).where(actions.c.workshop_id == w.id).order_by(actions.c.id)
                )
                .scalars()
                .all()
            )
            if not isinstance(index, int) or not 0 <= index < len(ids):
                raise WorkshopError(
                    f"There is no action number {index}; reload the page to see the current list."
                )
            conn.execute(delete(actions).where(actions.c.id == ids[index]))

        self.store.run(write, failed="The action was not removed.")

    def import_assessment(
        self,
        token: str,
        assessment: Assessment,
        partner_map: dict[str, str] | None = None,
    ) -> int:
        """Add an offline participant's file: all its respondents and answers, or nothing.

        Args:
            assessment: the parsed file (`parse_assessment`).
            partner_map: file partner id -> workshop partner id; by default partners are
                matched by name (case-insensitive). Only partners with respondents need a match.

        Returns:
            The number of respondents added.

        Raises:
            WorkshopError: other banks, a statement this workshop does not ask, an unknown
                partner, or a respondent name already in the workshop. Nothing is stored.
        """
        assessment = Assessment.model_validate(assessment)
        if not assessment.respondents:
            raise WorkshopError("The file has no respondents; there is nothing to import.")

        def write(conn: Connection) -> int:
            w = self._facilitated(conn, token, lock=True)
            info = self._info(conn, w)
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
            by_name = {_name_key(p.name): p.id for p in info.partners}
            known_ids = {p.id for p in info.partners}
            file_partners = {p.id: p.name for p in assessment.partners}
            mapping: dict[str, str] = {}
            for r in assessment.respondents:
                if r.partner in mapping:
                    continue
                if partner_map is not None:
                    target = partner_map.get(r.partner)
                    if target not in known_ids:
                        raise WorkshopError(
                            f"Choose which workshop partner '{file_partners[r.partner]}' of the "
                            f"file is (got {target!r}); nothing was imported."
                        )
                else:
                    target = by_name.get(_name_key(file_partners[r.partner]))
                    if target is None:
                        raise WorkshopError(
                            f"The file's partner '{file_partners[r.partner]}' is not a partner of "
                            f"this workshop ({', '.join(p.name for p in info.partners)}); match "
                            "the partners by hand. Nothing was imported."
                        )
                mapping[r.partner] = target
            taken = set(
                conn.execute(
                    select(participants.c.name_key).where(participants.c.workshop_id == w.id)
                ).scalars()
            )
            now = self._now()
            new_ids: dict[str, int] = {}
            for r in assessment.respondents:
                name = _clean_name(r.name, "A respondent name in the file")
                key = _name_key(name)
                if key in taken:
                    raise WorkshopError(
                        f"'{name}' is already a participant of this workshop; rename the "
                        "respondent in the file or remove the duplicate. Nothing was imported."
                    )
                taken.add(key)
                result = conn.execute(
                    insert(participants).values(
                        workshop_id=w.id,
                        respondent_id=f"r-{secrets.token_hex(6)}",
                        name=name,
                        name_key=key,
                        partner_id=mapping[r.partner],
                        token_hash=None,
                        finished=True,
                        joined_at=now,
                        last_seen=now,
                        is_estimate=r.is_estimate,
                    )
                )
                new_ids[r.id] = result.inserted_primary_key[0]
            if assessment.answers:
                conn.execute(
                    insert(answers),
                    [
                        {
                            "participant_id": new_ids[a.respondent],
                            "statement": a.statement,
                            "rating": _rating_to_db(a.rating),
                            "importance": a.importance.value if a.importance else None,
                            "prediction": a.prediction if w.ask_predictions else None,
                            "comment": a.comment,
                            "updated_at": now,
                        }
                        for a in assessment.answers
                    ],
                )
            self._maybe_auto_reveal(conn, w.id)
            return len(new_ids)

        return self.store.run(write, failed="The file was not imported.")

    def delete_workshop(self, token: str) -> None:
        """Delete the workshop and everything stored for it, in one transaction.

        Partners, participants (names and links), answers with their comments, agreements
        and actions go with it; afterwards the facilitator link, the join code and every
        participant link are refused like unknown ones. Wrong-code records are kept: they
        belong to a client, not to a workshop.

        Raises:
            WorkshopError: invalid facilitator link; nothing is deleted.
            StorageError: the database is unavailable; nothing is deleted.
        """

        def write(conn: Connection) -> None:
            # Exclusive on the workshop: a participant saving an answer right now either
            # finishes first or finds the workshop gone, never half of it.
            w = self._facilitated(conn, token, lock=True)
            people = select(participants.c.id).where(participants.c.workshop_id == w.id)
            # Children first and explicitly, so nothing depends on the database cascading
            # (SQLite only does with foreign keys switched on; participants have no foreign
            # key to workshops at all).
            conn.execute(delete(answers).where(answers.c.participant_id.in_(people)))
            conn.execute(delete(participants).where(participants.c.workshop_id == w.id))
            conn.execute(delete(agreements).where(agreements.c.workshop_id == w.id))
            conn.execute(delete(actions).where(actions.c.workshop_id == w.id))
            conn.execute(delete(partners).where(partners.c.workshop_id == w.id))
            conn.execute(delete(workshops).where(workshops.c.id == w.id))

        self.store.run(write, failed="The workshop was not deleted.")

    # ------------------------------------------------------------------ participant

    def lookup_code(self, join_code: str, client_key: str) -> WorkshopInfo:
        """The workshop a code opens (name, partners, state), without any answers.

        Raises:
            WorkshopError: wrong code; after a few wrong codes from one client, a wait.
        """
        client_key = self._client_key(client_key)
        code = normalise_join_code(join_code)

        def read(conn: Connection) -> WorkshopInfo | None:
            w = self._find_by_code(conn, code, client_key)
            return None if w is None else self._info(conn, w)

        info = self.store.run(read, write=False, failed="The code could not be checked.")
        if info is None:
            raise self._wrong_code(client_key)
        self._forgive(client_key)
        return info

    def _forgive(self, client_key: str) -> None:
        key = hash_secret(client_key)

        def write(conn: Connection) -> None:
            conn.execute(delete(join_attempts).where(join_attempts.c.client_key == key))

        self.store.run(write, failed="The code could not be checked.")

    def join(
        self, join_code: str, partner_id: str, name: str, client_key: str
    ) -> ParticipantSession:
        """Join an open workshop for a partner under a name unique in the workshop.

        Returns:
            The session; its `participant_token` is the participant's only key (keep it in
            the browser); only its hash is stored.
        """
        client_key = self._client_key(client_key)
        code = normalise_join_code(join_code)
        name = _clean_name(name, "Your name")

        def write(conn: Connection) -> ParticipantSession | None:
            w = self._find_by_code(conn, code, client_key)
            if w is None:
                return None
            if w.state == WorkshopState.LOCKED:
                raise WorkshopError(
                    "The facilitator has locked this workshop; ask them to unlock it to join."
                )
            if w.state == WorkshopState.REVEALED:
                raise WorkshopError(
                    "This workshop's answers are already revealed; joining is closed."
                )
            partner_ids = set(
                conn.execute(
                    select(partners.c.partner_id).where(partners.c.workshop_id == w.id)
                ).scalars()
            )
            if partner_id not in partner_ids:
                raise WorkshopError("Choose the partner organisation you answer for.")
            key = _name_key(name)
            exists = conn.execute(
                select(participants.c.id).where(
                    and_(participants.c.workshop_id == w.id, participants.c.name_key == key)
                )
            ).first()
            if exists is not None:
                raise _duplicate(name)
            token = secrets.token_urlsafe(24)
            respondent_id = f"r-{secrets.token_hex(6)}"
            now = self._now()
            conn.execute(
                insert(participants).values(
                    workshop_id=w.id,
                    respondent_id=respondent_id,
                    name=name,
                    name_key=key,
                    partner_id=partner_id,
                    token_hash=hash_secret(token),
                    finished=False,
                    joined_at=now,
                    last_seen=now,
                    is_estimate=False,
                )
            )
            return ParticipantSession(
                participant_token=token,
                workshop_id=w.id,
                respondent_id=respondent_id,
                partner_id=partner_id,
                name=name,
            )

        try:
            session = self.store.run(write, failed="You have not joined yet.")
        except StorageError as exc:
            # Two people typing the same name at the same moment: the unique index decides.
            if isinstance(exc.__cause__, IntegrityError):
                raise _duplicate(name) from None
            raise
        if session is None:
            raise self._wrong_code(client_key)
        self._forgive(client_key)
        return session

    def participant(self, participant_token: str) -> ParticipantView:
        """The caller's own view: workshop info, own answers, finished flag. Nobody else's."""

        def read(conn: Connection) -> ParticipantView:
            p = self._participant_row(conn, participant_token)
            w = conn.execute(select(workshops).where(workshops.c.id == p.workshop_id)).one()
            info = self._info(conn, w)
            rows = conn.execute(select(answers).where(answers.c.participant_id == p.id)).all()
            conn.execute(
                update(participants).where(participants.c.id == p.id).values(last_seen=self._now())
            )
            return ParticipantView(
                workshop=info,
                respondent=_respondent_from_row(p),
                own_answers={a.statement: _answer_from_row(a, p.respondent_id) for a in rows},
                finished=bool(p.finished),
                state=info.state,
            )

        return self.store.run(read, failed="Your answers could not be loaded.")

    def save_answer(self, participant_token: str, answer: Answer) -> Answer:
        """Store one answer now (insert or replace), as the caller's respondent.

        Raises:
            WorkshopError: locked or revealed workshop, unknown statement, invalid link.
            StorageError: not saved (database unavailable); keep the draft and try again.
        """
        answer = Answer.model_validate(answer)

        def write(conn: Connection) -> Answer:
            p = self._participant_row(conn, participant_token, lock="share")
            self._writable(p.w_state)
            self._check_statement(p, answer.statement)
            stored = answer.model_copy(
                update={
                    "respondent": p.respondent_id,
                    "prediction": answer.prediction if p.w_ask_predictions else None,
                }
            )
            now = self._now()
            _upsert(
                conn,
                answers,
                {"participant_id": p.id, "statement": stored.statement},
                {
                    "rating": _rating_to_db(stored.rating),
                    "importance": stored.importance.value if stored.importance else None,
                    "prediction": stored.prediction,
                    "comment": stored.comment,
                    "updated_at": now,
                },
            )
            conn.execute(
                update(participants).where(participants.c.id == p.id).values(last_seen=now)
            )
            return stored

        return self.store.run(
            write,
            failed="Your answer was NOT saved. It is still on this page; press save again.",
        )

    def clear_answer(self, participant_token: str, statement_id: str) -> None:
        """Remove the caller's answer to one statement (back to unanswered)."""

        def write(conn: Connection) -> None:
            p = self._participant_row(conn, participant_token, lock="share")
            self._writable(p.w_state)
            now = self._now()
            conn.execute(
                delete(answers).where(
                    and_(answers.c.participant_id == p.id, answers.c.statement == statement_id)
                )
            )
            conn.execute(
                update(participants).where(participants.c.id == p.id).values(last_seen=now)
            )

        self.store.run(write, failed="Your answer was not cleared; try again.")

    def finish(self, participant_token: str, finished: bool = True) -> WorkshopState:
        """Mark the caller as done (or not done); may trigger the automatic reveal.

        Returns:
            The workshop state afterwards (REVEALED when this finish revealed it).
        """

        def write(conn: Connection) -> WorkshopState:
            # Exclusive on the workshop: two last finishers must not both miss the reveal.
            p = self._participant_row(conn, participant_token, lock="update")
            self._writable(p.w_state)
            conn.execute(
                update(participants)
                .where(participants.c.id == p.id)
                .values(finished=bool(finished), last_seen=self._now())
            )
            if finished:
                self._maybe_auto_reveal(conn, p.workshop_id)
            state = conn.execute(
                select(workshops.c.state).where(workshops.c.id == p.workshop_id)
            ).scalar_one()
            return WorkshopState(state)

        return self.store.run(write, failed="Your answers were not marked as finished; try again.")

    def revealed_assessment_for_participant(self, participant_token: str) -> Assessment:
        """Everyone's answers, for a participant, once the facilitator has revealed them."""

        def read(conn: Connection) -> Assessment:
            p = self._participant_row(conn, participant_token)
            if p.w_state != WorkshopState.REVEALED:
                raise WorkshopError(_HIDDEN)
            w = conn.execute(select(workshops).where(workshops.c.id == p.workshop_id)).one()
            return self._assessment(conn, w)

        return self.store.run(read, write=False, failed="The results could not be loaded.")


def _duplicate(name: str) -> WorkshopError:
    return WorkshopError(
        f"Someone called '{name}' has already joined this workshop. Add an initial or your "
        "role to tell yourselves apart; if it was you on another device, open your own link."
    )


def _upsert(conn: Connection, table: Any, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE, atomic on both SQLite and PostgreSQL."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other databases: update, then insert if nothing was there
        done = conn.execute(
            update(table).where(and_(*(table.c[k] == v for k, v in keys.items()))).values(**values)
        )
        if done.rowcount == 0:
            conn.execute(insert(table).values(**keys, **values))
        return
    statement = dialect_insert(table).values(**keys, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))
