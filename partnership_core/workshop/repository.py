"""All of the workshop's SQL: rows in, records and core models out.

A `WorkshopRepository` works on one connection inside one transaction; `UnitOfWork` opens
that transaction through `Store.run` (retried when the database is briefly unavailable, so
work given to it must touch nothing but the repository). Tokens and client keys arrive raw
and are stored and looked up only as hashes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from ..assessment import Action, AgreedItem, Answer, Importance, Partner
from ..bank import PartnershipType
from ..errors import StorageError
from ..storage import (
    Store,
    actions,
    agreements,
    answers,
    from_db,
    hash_secret,
    join_attempts,
    participants,
    partners,
    workshops,
)
from .models import StoredParticipant, StoredWorkshop, WorkshopState

__all__ = ["Lock", "UnitOfWork", "WorkshopRepository", "is_unique_conflict"]

T = TypeVar("T")
# "share": the workshop's state must not change under us (saving an answer);
# "update": nobody else may change the workshop until we commit.
Lock = Literal["share", "update"] | None

# Wrong-code records of clients idle for longer are dropped: the table stays small.
_THROTTLE_MEMORY = timedelta(days=1)


def is_unique_conflict(exc: StorageError) -> bool:
    """The transaction failed on a unique index (a name or join code taken just now)."""
    return isinstance(exc.__cause__, IntegrityError)


class UnitOfWork:
    """Runs work on a `WorkshopRepository` in one transaction, all or nothing.

    Args:
        store: the database.
        now: the time every row written in one transaction is stamped with (database form).
    """

    def __init__(self, store: Store, now: Callable[[], datetime]) -> None:
        self.store = store
        self._now = now

    def __call__(
        self, work: Callable[[WorkshopRepository], T], *, failed: str, write: bool = True
    ) -> T:
        """Raises: StorageError starting with `failed`; anything `work` raises, rolled back."""
        return self.store.run(
            lambda conn: work(WorkshopRepository(conn, self._now())), write=write, failed=failed
        )


class WorkshopRepository:
    """The workshop tables seen through one transaction.

    Args:
        conn: the transaction's connection.
        stamp: the time written into rows of this transaction (naive UTC, as stored).
    """

    def __init__(self, conn: Connection, stamp: datetime) -> None:
        self.conn = conn
        self.stamp = stamp
        self.now = from_db(stamp)

    # ------------------------------------------------------------------ workshops

    def add_workshop(
        self,
        *,
        workshop_id: str,
        facilitator_token: str,
        join_code: str,
        name: str,
        partnership_type: PartnershipType,
        banks: list[str],
        ask_predictions: bool,
        auto_reveal: bool,
    ) -> None:
        self.conn.execute(
            insert(workshops).values(
                id=workshop_id,
                name=name,
                partnership_type=partnership_type.value,
                banks=json.dumps(banks),
                ask_predictions=ask_predictions,
                auto_reveal=auto_reveal,
                state=WorkshopState.OPEN.value,
                facilitator_token_hash=hash_secret(facilitator_token),
                join_code=join_code,
                created_at=self.stamp,
                revealed_at=None,
            )
        )

    def add_partners(self, workshop_id: str, listed: Sequence[Partner]) -> None:
        """The partners in the order given (that order is kept)."""
        self.conn.execute(
            insert(partners),
            [
                {"workshop_id": workshop_id, "partner_id": p.id, "name": p.name, "position": i}
                for i, p in enumerate(listed)
            ],
        )

    def by_facilitator(self, token: str, lock: bool = False) -> StoredWorkshop | None:
        query = select(workshops).where(workshops.c.facilitator_token_hash == hash_secret(token))
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else _workshop_from_row(row._mapping)

    def by_join_code(self, code: str) -> StoredWorkshop | None:
        row = self.conn.execute(select(workshops).where(workshops.c.join_code == code)).first()
        return None if row is None else _workshop_from_row(row._mapping)

    def partners(self, workshop_id: str) -> list[Partner]:
        rows = self.conn.execute(
            select(partners.c.partner_id, partners.c.name)
            .where(partners.c.workshop_id == workshop_id)
            .order_by(partners.c.position)
        ).all()
        return [Partner(id=r.partner_id, name=r.name) for r in rows]

    def set_state(self, workshop_id: str, state: WorkshopState) -> None:
        self.conn.execute(
            update(workshops).where(workshops.c.id == workshop_id).values(state=state.value)
        )

    def mark_revealed(self, workshop_id: str) -> datetime:
        """Reveal now; returns the reveal time (aware UTC)."""
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(state=WorkshopState.REVEALED.value, revealed_at=self.stamp)
        )
        return self.now

    def delete_workshop(self, workshop_id: str) -> None:
        """The workshop and every row stored for it."""
        people = select(participants.c.id).where(participants.c.workshop_id == workshop_id)
        # Children first and explicitly, so nothing depends on the database cascading
        # (SQLite only does with foreign keys switched on; participants have no foreign
        # key to workshops at all).
        self.conn.execute(delete(answers).where(answers.c.participant_id.in_(people)))
        for table in (participants, agreements, actions, partners):
            self.conn.execute(delete(table).where(table.c.workshop_id == workshop_id))
        self.conn.execute(delete(workshops).where(workshops.c.id == workshop_id))

    # ------------------------------------------------------------------ participants

    def add_participant(
        self,
        workshop_id: str,
        *,
        respondent_id: str,
        name: str,
        name_key: str,
        partner_id: str,
        token: str | None,
        finished: bool = False,
        is_estimate: bool = False,
    ) -> int:
        """Returns the new participant's row id. `token` None: imported, no link."""
        result = self.conn.execute(
            insert(participants).values(
                workshop_id=workshop_id,
                respondent_id=respondent_id,
                name=name,
                name_key=name_key,
                partner_id=partner_id,
                token_hash=None if token is None else hash_secret(token),
                finished=finished,
                joined_at=self.stamp,
                last_seen=self.stamp,
                is_estimate=is_estimate,
            )
        )
        return int(result.inserted_primary_key[0])

    def by_participant(
        self, token: str, lock: Lock = None
    ) -> tuple[StoredParticipant, StoredWorkshop] | None:
        """The participant a link stands for, with its workshop."""
        w_columns = [c.label(f"w_{c.name}") for c in workshops.c]
        query = (
            select(participants, *w_columns)
            .join(workshops, workshops.c.id == participants.c.workshop_id)
            .where(participants.c.token_hash == hash_secret(token))
        )
        if lock:
            query = query.with_for_update(read=lock == "share", of=workshops)
        row = self.conn.execute(query).first()
        if row is None:
            return None
        columns = row._mapping
        workshop = _workshop_from_row({c.name: columns[f"w_{c.name}"] for c in workshops.c})
        return _participant_from_row(row), workshop

    def participants(self, workshop_id: str) -> list[StoredParticipant]:
        """In the order they joined (or were imported)."""
        rows = self.conn.execute(
            select(participants)
            .where(participants.c.workshop_id == workshop_id)
            .order_by(participants.c.id)
        ).all()
        return [_participant_from_row(r) for r in rows]

    def name_keys(self, workshop_id: str) -> set[str]:
        return set(
            self.conn.execute(
                select(participants.c.name_key).where(participants.c.workshop_id == workshop_id)
            ).scalars()
        )

    def name_taken(self, workshop_id: str, name_key: str) -> bool:
        where = and_(participants.c.workshop_id == workshop_id, participants.c.name_key == name_key)
        return self.conn.execute(select(participants.c.id).where(where)).first() is not None

    def touch(self, participant_id: int, *, finished: bool | None = None) -> None:
        """Seen now; and finished or not, when `finished` is given."""
        values: dict[str, Any] = {"last_seen": self.stamp}
        if finished is not None:
            values["finished"] = finished
        self.conn.execute(
            update(participants).where(participants.c.id == participant_id).values(**values)
        )

    # ------------------------------------------------------------------ answers

    def answers_of(self, participant: StoredParticipant) -> list[Answer]:
        rows = self.conn.execute(
            select(answers).where(answers.c.participant_id == participant.id)
        ).all()
        return [_answer_from_row(a, participant.respondent_id) for a in rows]

    def workshop_answers(self, workshop_id: str) -> list[tuple[int, Answer]]:
        """Every answer of the workshop with its participant's row id."""
        rows = self.conn.execute(
            select(answers, participants.c.respondent_id)
            .join(participants, participants.c.id == answers.c.participant_id)
            .where(participants.c.workshop_id == workshop_id)
        ).all()
        return [(r.participant_id, _answer_from_row(r, r.respondent_id)) for r in rows]

    def answer_counts(self, workshop_id: str, statements: Iterable[str]) -> dict[int, int]:
        """Participant row id -> how many of `statements` it has answered."""
        wanted = set(statements)
        counts: dict[int, int] = {}
        for pid, statement in self.conn.execute(
            select(answers.c.participant_id, answers.c.statement)
            .join(participants, participants.c.id == answers.c.participant_id)
            .where(participants.c.workshop_id == workshop_id)
        ):
            if statement in wanted:
                counts[pid] = counts.get(pid, 0) + 1
        return counts

    def save_answer(self, participant_id: int, answer: Answer) -> None:
        """Insert or replace the participant's answer to `answer.statement`."""
        _upsert(
            self.conn,
            answers,
            {"participant_id": participant_id, "statement": answer.statement},
            _answer_values(answer, self.stamp),
        )

    def add_answers(self, rows: Sequence[tuple[int, Answer]]) -> None:
        """(participant row id, answer) pairs, all new."""
        if rows:
            self.conn.execute(
                insert(answers),
                [
                    {
                        "participant_id": pid,
                        "statement": a.statement,
                        **_answer_values(a, self.stamp),
                    }
                    for pid, a in rows
                ],
            )

    def delete_answer(self, participant_id: int, statement: str) -> None:
        self.conn.execute(
            delete(answers).where(
                and_(answers.c.participant_id == participant_id, answers.c.statement == statement)
            )
        )

    # ------------------------------------------------------------------ the discussion

    def agreements(self, workshop_id: str) -> list[AgreedItem]:
        rows = self.conn.execute(
            select(agreements).where(agreements.c.workshop_id == workshop_id)
        ).all()
        return [
            AgreedItem(
                statement=a.statement,
                agreed_rating=a.agreed_rating,
                disagreement=bool(a.disagreement),
                notes=a.notes,
            )
            for a in rows
        ]

    def save_agreement(self, workshop_id: str, item: AgreedItem) -> None:
        """Insert or replace what was agreed about `item.statement`."""
        values = {
            "agreed_rating": item.agreed_rating,
            "disagreement": item.disagreement,
            "notes": item.notes,
            "updated_at": self.stamp,
        }
        _upsert(
            self.conn, agreements, {"workshop_id": workshop_id, "statement": item.statement}, values
        )

    def actions(self, workshop_id: str) -> list[Action]:
        """In the order they were added."""
        rows = self.conn.execute(
            select(actions).where(actions.c.workshop_id == workshop_id).order_by(actions.c.id)
        ).all()
        return [
            Action(title=t.title, owner=t.owner, due=t.due, statement=t.statement) for t in rows
        ]

    def add_action(self, workshop_id: str, action: Action) -> int:
        """Append; returns the action's index in `actions(workshop_id)`."""
        self.conn.execute(
            # The columns are the Action's fields (title, owner, due, statement) and these two.
            insert(actions).values(
                workshop_id=workshop_id, created_at=self.stamp, **action.model_dump()
            )
        )
        count = (
            select(func.count()).select_from(actions).where(actions.c.workshop_id == workshop_id)
        )
        return int(self.conn.execute(count).scalar_one()) - 1

    def action_ids(self, workshop_id: str) -> list[int]:
        """Row ids in the order of `actions(workshop_id)`."""
        query = select(actions.c.id).where(actions.c.workshop_id == workshop_id)
        return list(self.conn.execute(query.order_by(actions.c.id)).scalars())

    def delete_action(self, action_id: int) -> None:
        self.conn.execute(delete(actions).where(actions.c.id == action_id))

    # ------------------------------------------------------------------ wrong join codes

    def join_failures(self, client_key: str) -> tuple[int, datetime] | None:
        """How many wrong codes the client has given in a row, and when the last one was."""
        row = self.conn.execute(
            select(join_attempts).where(join_attempts.c.client_key == hash_secret(client_key))
        ).first()
        return None if row is None else (int(row.failures), from_db(row.last_failure))

    def count_join_failure(self, client_key: str) -> int:
        """One more wrong code from the client; returns its count."""
        key = hash_secret(client_key)
        if not self._add_failure(key):
            try:
                with self.conn.begin_nested():
                    self.conn.execute(
                        insert(join_attempts).values(
                            client_key=key, failures=1, last_failure=self.stamp
                        )
                    )
            except IntegrityError:  # another request of this client was quicker
                self._add_failure(key)
        self.conn.execute(
            delete(join_attempts).where(
                join_attempts.c.last_failure < self.stamp - _THROTTLE_MEMORY
            )
        )
        return int(
            self.conn.execute(
                select(join_attempts.c.failures).where(join_attempts.c.client_key == key)
            ).scalar_one()
        )

    def _add_failure(self, key: str) -> bool:
        updated = self.conn.execute(
            update(join_attempts)
            .where(join_attempts.c.client_key == key)
            .values(failures=join_attempts.c.failures + 1, last_failure=self.stamp)
        )
        return updated.rowcount > 0

    def forget_join_failures(self, client_key: str) -> None:
        key = hash_secret(client_key)
        self.conn.execute(delete(join_attempts).where(join_attempts.c.client_key == key))


# --------------------------------------------------------------------------- row mapping


def _workshop_from_row(m: Mapping[str, Any]) -> StoredWorkshop:
    """A `workshops` row (its columns by name) as a record."""
    return StoredWorkshop(
        id=m["id"],
        name=m["name"],
        partnership_type=PartnershipType(m["partnership_type"]),
        banks=json.loads(m["banks"]),
        ask_predictions=bool(m["ask_predictions"]),
        auto_reveal=bool(m["auto_reveal"]),
        state=WorkshopState(m["state"]),
        join_code=m["join_code"],
        created_at=from_db(m["created_at"]),
        revealed_at=from_db(m["revealed_at"]),
    )


def _participant_from_row(row: Row[Any]) -> StoredParticipant:
    return StoredParticipant(
        id=row.id,
        workshop_id=row.workshop_id,
        respondent_id=row.respondent_id,
        name=row.name,
        partner_id=row.partner_id,
        finished=bool(row.finished),
        is_estimate=bool(row.is_estimate),
        offline=row.token_hash is None,
        last_seen=from_db(row.last_seen),
    )


def _answer_from_row(answer: Row[Any], respondent_id: str) -> Answer:
    """The core `Answer` an `answers` row holds (the row knows its participant, not its id)."""
    return Answer(
        respondent=respondent_id,
        statement=answer.statement,
        rating=int(answer.rating) if answer.rating.isdigit() else answer.rating,
        importance=Importance(answer.importance) if answer.importance else None,
        prediction=answer.prediction,
        comment=answer.comment,
    )


def _answer_values(answer: Answer, stamp: datetime) -> dict[str, Any]:
    """The `answers` columns besides its key; ratings are stored as text ("3", "not_sure")."""
    return {
        "rating": str(answer.rating),
        "importance": answer.importance.value if answer.importance else None,
        "prediction": answer.prediction,
        "comment": answer.comment,
        "updated_at": stamp,
    }


def _upsert(conn: Connection, table: Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
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
