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

from sqlalchemy import Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from ..assessment import Action, AgreedItem, Answer, Importance, Partner
from ..bank import PartnershipType
from ..errors import StorageError
from ..plan import SessionPlan
from ..storage import (
    Store,
    actions,
    agreements,
    answers,
    from_db,
    hash_secret,
    join_buckets,
    participants,
    partners,
    workshops,
)
from .models import (
    AnonymityOptions,
    RoomState,
    StoredParticipant,
    StoredWorkshop,
    WorkshopLinks,
    WorkshopState,
)

__all__ = ["Lock", "UnitOfWork", "WorkshopRepository", "is_unique_conflict"]

T = TypeVar("T")
# "share": the workshop's state must not change under us (saving an answer);
# "update": nobody else may change the workshop until we commit.
Lock = Literal["share", "update"] | None

# Buckets of clients idle for longer are full again and are dropped: the table stays small.
_THROTTLE_MEMORY = timedelta(days=1)


def is_unique_conflict(exc: StorageError) -> bool:
    """The transaction failed on a unique index (a name or join code taken just now)."""
    return isinstance(exc.__cause__, IntegrityError)


class UnitOfWork:
    """Runs work on a `WorkshopRepository` in one transaction, all or nothing.

    Args:
        store: the database.
        now: the time every row written in one transaction is stamped with (database form).
        on_room_change: called with the id of each workshop whose room version the work
            moved on, once its transaction has committed (never for a rolled-back one).
    """

    def __init__(
        self,
        store: Store,
        now: Callable[[], datetime],
        on_room_change: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self._now = now
        self._on_room_change = on_room_change

    def __call__(
        self, work: Callable[[WorkshopRepository], T], *, failed: str, write: bool = True
    ) -> T:
        """Raises: StorageError starting with `failed`; anything `work` raises, rolled back."""
        changed: set[str] = set()

        def attempt(conn: Connection) -> T:
            repo = WorkshopRepository(conn, self._now())
            result = work(repo)
            changed.clear()  # a retried transaction: only the attempt that commits counts
            changed.update(repo.changed_rooms)
            return result

        result = self.store.run(attempt, write=write, failed=failed)
        if self._on_room_change is not None:
            for workshop_id in changed:
                self._on_room_change(workshop_id)
        return result


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
        self.changed_rooms: set[str] = set()  # workshops whose room version moved on

    # ------------------------------------------------------------------ workshops

    def add_workshop(
        self,
        *,
        workshop_id: str,
        facilitator_token: str,
        links: WorkshopLinks,
        join_code: str,
        name: str,
        partnership_type: PartnershipType,
        banks: list[str],
        ask_predictions: bool,
        auto_reveal: bool,
        anonymity: AnonymityOptions,
        plan: SessionPlan | None = None,
    ) -> None:
        self.conn.execute(
            insert(workshops).values(
                **anonymity.model_dump(),
                id=workshop_id,
                name=name,
                partnership_type=partnership_type.value,
                banks=json.dumps(banks),
                ask_predictions=ask_predictions,
                auto_reveal=auto_reveal,
                state=WorkshopState.OPEN.value,
                facilitator_token_hash=hash_secret(facilitator_token),
                room_token_hash=hash_secret(links.room_token),
                join_key_hash=hash_secret(links.join_key),
                join_code=join_code,
                created_at=self.stamp,
                revealed_at=None,
                session_plan=None if plan is None else plan.model_dump_json(),
            )
        )

    def add_partners(
        self, workshop_id: str, listed: Sequence[Partner], headcounts: Mapping[str, int]
    ) -> None:
        """The partners in the order given (that order is kept), with the people expected."""
        self.conn.execute(
            insert(partners),
            [
                {
                    "workshop_id": workshop_id,
                    "partner_id": p.id,
                    "name": p.name,
                    "position": i,
                    "expected_headcount": headcounts.get(p.id),
                    "sector": None if p.sector is None else p.sector.value,
                }
                for i, p in enumerate(listed)
            ],
        )

    def _workshop(self, where: Any, lock: bool = False) -> StoredWorkshop | None:
        """The one workshop `where` finds (locked for update when `lock`)."""
        query = select(workshops).where(where)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else _workshop_from_row(row._mapping)

    def by_facilitator(self, token: str, lock: bool = False) -> StoredWorkshop | None:
        return self._workshop(workshops.c.facilitator_token_hash == hash_secret(token), lock)

    def by_room(self, room_token: str) -> StoredWorkshop | None:
        return self._workshop(workshops.c.room_token_hash == hash_secret(room_token))

    def by_join_key(self, join_key: str, lock: bool = False) -> StoredWorkshop | None:
        return self._workshop(workshops.c.join_key_hash == hash_secret(join_key), lock)

    def set_links(self, workshop_id: str, links: WorkshopLinks) -> None:
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(
                room_token_hash=hash_secret(links.room_token),
                join_key_hash=hash_secret(links.join_key),
            )
        )

    def set_without_room(self, workshop_id: str) -> None:
        """An invitation by link: answered on people's own time, nobody in a room."""
        self.conn.execute(
            update(workshops).where(workshops.c.id == workshop_id).values(has_room=False)
        )

    def by_join_code(self, code: str, lock: bool = False) -> StoredWorkshop | None:
        return self._workshop(workshops.c.join_code == code, lock)

    def expected_headcounts(self, workshop_id: str) -> dict[str, int]:
        """Partner id -> people expected, for the partners that have a number."""
        rows = self.conn.execute(
            select(partners.c.partner_id, partners.c.expected_headcount).where(
                partners.c.workshop_id == workshop_id
            )
        ).all()
        return {r.partner_id: int(r.expected_headcount) for r in rows if r.expected_headcount}

    def set_expected_headcounts(self, workshop_id: str, headcounts: Mapping[str, int]) -> None:
        for partner, count in headcounts.items():
            self.conn.execute(
                update(partners)
                .where(
                    and_(partners.c.workshop_id == workshop_id, partners.c.partner_id == partner)
                )
                .values(expected_headcount=count)
            )

    def partners(self, workshop_id: str) -> list[Partner]:
        rows = self.conn.execute(
            select(partners.c.partner_id, partners.c.name, partners.c.sector)
            .where(partners.c.workshop_id == workshop_id)
            .order_by(partners.c.position)
        ).all()
        return [Partner(id=r.partner_id, name=r.name, sector=r.sector) for r in rows]

    def change_room(self, workshop_id: str, **values: Any) -> None:
        """Update workshop columns and move the room version on (waiting screens reload)."""
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(room_version=workshops.c.room_version + 1, **values)
        )
        self.changed_rooms.add(workshop_id)

    def set_state(self, workshop_id: str, state: WorkshopState) -> None:
        self.change_room(workshop_id, state=state.value)

    def mark_revealed(self, workshop_id: str) -> datetime:
        """Reveal now; returns the reveal time (aware UTC)."""
        self.change_room(workshop_id, state=WorkshopState.REVEALED.value, revealed_at=self.stamp)
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
        row = self.conn.execute(_BY_TOKEN[lock], {"token_hash": hash_secret(token)}).first()
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

    def by_respondent(self, workshop_id: str, respondent_id: str) -> StoredParticipant | None:
        row = self.conn.execute(
            select(participants).where(
                and_(
                    participants.c.workshop_id == workshop_id,
                    participants.c.respondent_id == respondent_id,
                )
            )
        ).first()
        return None if row is None else _participant_from_row(row)

    def names_of_partner(self, workshop_id: str, partner_id: str) -> list[str]:
        """The names of a partner's participants."""
        where = and_(
            participants.c.workshop_id == workshop_id, participants.c.partner_id == partner_id
        )
        return list(self.conn.execute(select(participants.c.name).where(where)).scalars())

    def remove_participant(self, participant_id: int) -> None:
        """The participant, their answers and their link."""
        self.conn.execute(delete(answers).where(answers.c.participant_id == participant_id))
        self.conn.execute(delete(participants).where(participants.c.id == participant_id))

    def move_participant(self, participant_id: int, partner_id: str, *, keep_answers: bool) -> None:
        """To another partner; without their answers (and unfinished) unless `keep_answers`."""
        values: dict[str, Any] = {"partner_id": partner_id}
        if not keep_answers:
            self.conn.execute(delete(answers).where(answers.c.participant_id == participant_id))
            values["finished"] = False
        self.conn.execute(
            update(participants).where(participants.c.id == participant_id).values(**values)
        )

    def has_answers(self, participant_id: int) -> bool:
        query = select(answers.c.statement).where(answers.c.participant_id == participant_id)
        return self.conn.execute(query.limit(1)).first() is not None

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

    def answers_of(self, participant: StoredParticipant) -> list[tuple[Answer, int]]:
        """The participant's answers, each with its version."""
        rows = self.conn.execute(
            select(answers).where(answers.c.participant_id == participant.id)
        ).all()
        return [(_answer_from_row(a, participant.respondent_id), int(a.version)) for a in rows]

    def answer_version(self, participant_id: int, statement: str) -> int:
        """The stored answer's version; 0 when there is none."""
        where = and_(answers.c.participant_id == participant_id, answers.c.statement == statement)
        value = self.conn.execute(select(answers.c.version).where(where)).scalar()
        return int(value or 0)

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

    def save_answer(self, participant_id: int, answer: Answer, expected: int | None) -> bool:
        """Insert (version 1) or replace (next version) the answer to `answer.statement`;
        with `expected`, only over that version (0: none yet). Whether it was saved."""
        return _upsert(
            self.conn,
            answers,
            {"participant_id": participant_id, "statement": answer.statement},
            _answer_values(answer, self.stamp),
            expected,
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
        return [item for item, _ in self.versioned_agreements(workshop_id)]

    def versioned_agreements(self, workshop_id: str) -> list[tuple[AgreedItem, int]]:
        rows = self.conn.execute(
            select(agreements).where(agreements.c.workshop_id == workshop_id)
        ).all()
        return [
            (
                AgreedItem(
                    statement=a.statement,
                    agreed_rating=a.agreed_rating,
                    disagreement=bool(a.disagreement),
                    notes=a.notes,
                ),
                int(a.version),
            )
            for a in rows
        ]

    def agreement_version(self, workshop_id: str, statement: str) -> int:
        """The stored agreement's version; 0 when there is none."""
        where = and_(agreements.c.workshop_id == workshop_id, agreements.c.statement == statement)
        value = self.conn.execute(select(agreements.c.version).where(where)).scalar()
        return int(value or 0)

    def save_agreement(self, workshop_id: str, item: AgreedItem, expected: int | None) -> bool:
        """Insert or replace what was agreed about `item.statement` (`expected`: as in
        `save_answer`). Whether it was saved."""
        values = {
            "agreed_rating": item.agreed_rating,
            "disagreement": item.disagreement,
            "notes": item.notes,
            "updated_at": self.stamp,
        }
        keys = {"workshop_id": workshop_id, "statement": item.statement}
        return _upsert(self.conn, agreements, keys, values, expected)

    def actions(self, workshop_id: str) -> list[Action]:
        """In the order they were added."""
        return [action for _, action in self.actions_with_ids(workshop_id)]

    def actions_with_ids(self, workshop_id: str) -> list[tuple[int, Action]]:
        """(row id, action) in the order they were added."""
        rows = self.conn.execute(
            select(actions).where(actions.c.workshop_id == workshop_id).order_by(actions.c.id)
        ).all()
        return [
            (t.id, Action(title=t.title, owner=t.owner, due=t.due, statement=t.statement))
            for t in rows
        ]

    def add_action(self, workshop_id: str, action: Action) -> tuple[int, int]:
        """Append; returns the action's row id and its index in `actions(workshop_id)`."""
        result = self.conn.execute(
            # The columns are the Action's fields (title, owner, due, statement) and these two.
            insert(actions).values(
                workshop_id=workshop_id, created_at=self.stamp, **action.model_dump()
            )
        )
        count = (
            select(func.count()).select_from(actions).where(actions.c.workshop_id == workshop_id)
        )
        index = int(self.conn.execute(count).scalar_one()) - 1
        return int(result.inserted_primary_key[0]), index

    def action_ids(self, workshop_id: str) -> list[int]:
        """Row ids in the order of `actions(workshop_id)`."""
        query = select(actions.c.id).where(actions.c.workshop_id == workshop_id)
        return list(self.conn.execute(query.order_by(actions.c.id)).scalars())

    def delete_action(self, workshop_id: str, action_id: int) -> bool:
        """Whether the workshop had that action (and now has not)."""
        done = self.conn.execute(
            delete(actions).where(
                and_(actions.c.id == action_id, actions.c.workshop_id == workshop_id)
            )
        )
        return done.rowcount > 0

    # ------------------------------------------------------------------ join throttle

    def bucket(self, key: str, full: float) -> tuple[float, datetime]:
        """A throttle bucket's tokens and when they were counted, locked until commit
        (created `full` when new). `key` is stored as it is: callers hash client keys."""
        _insert_if_missing(
            self.conn, join_buckets, {"bucket": key}, {"tokens": full, "updated_at": self.stamp}
        )
        row = self.conn.execute(
            select(join_buckets.c.tokens, join_buckets.c.updated_at)
            .where(join_buckets.c.bucket == key)
            .with_for_update()
        ).one()
        return float(row.tokens), from_db(row.updated_at)

    def set_bucket(self, key: str, tokens: float) -> None:
        self.conn.execute(
            update(join_buckets)
            .where(join_buckets.c.bucket == key)
            .values(tokens=tokens, updated_at=self.stamp)
        )

    def forget_idle_buckets(self, keep: str) -> None:
        """Drop buckets untouched for a day (full again by then), all but `keep`."""
        self.conn.execute(
            delete(join_buckets).where(
                and_(
                    join_buckets.c.updated_at < self.stamp - _THROTTLE_MEMORY,
                    join_buckets.c.bucket != keep,
                )
            )
        )


# --------------------------------------------------------------------------- row mapping


def _by_token_queries() -> dict[Lock, Any]:
    """The participant of a token hash with its workshop, per lock. Built once: every
    answer click runs it, and a statement built afresh is compiled-cache-keyed afresh."""
    query = (
        select(participants, *[c.label(f"w_{c.name}") for c in workshops.c])
        .join(workshops, workshops.c.id == participants.c.workshop_id)
        .where(participants.c.token_hash == bindparam("token_hash"))
    )
    return {
        None: query,
        "share": query.with_for_update(read=True, of=workshops),
        "update": query.with_for_update(of=workshops),
    }


_BY_TOKEN = _by_token_queries()


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
        anonymity=AnonymityOptions(
            hide_names=bool(m["hide_names"]),
            anonymous_comments=bool(m["anonymous_comments"]),
            min_group_size=int(m["min_group_size"]),
        ),
        room=RoomState(
            version=int(m["room_version"]),
            state=WorkshopState(m["state"]),
            current_statement=m["current_statement"],
            timer_started_at=from_db(m["timer_started_at"]),
            timer_seconds=m["timer_seconds"],
        ),
        has_links=m["room_token_hash"] is not None and m["join_key_hash"] is not None,
        plan=_plan(m["session_plan"]),
        has_room=bool(m["has_room"]),
    )


def _plan(stored: str | None) -> SessionPlan | None:
    return None if stored is None else SessionPlan.model_validate_json(stored)


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
        predictions=json.loads(answer.predictions) if answer.predictions else None,
        comment=answer.comment,
    )


def _answer_values(answer: Answer, stamp: datetime) -> dict[str, Any]:
    """The `answers` columns besides its key; ratings are stored as text ("3", "not_sure")."""
    return {
        "rating": str(answer.rating),
        "importance": answer.importance.value if answer.importance else None,
        "prediction": answer.prediction,
        "predictions": json.dumps(answer.predictions) if answer.predictions else None,
        "comment": answer.comment,
        "updated_at": stamp,
    }


def _dialect_insert(conn: Connection) -> Callable[[Table], Any]:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert


def _upsert(
    conn: Connection,
    table: Table,
    keys: dict[str, Any],
    values: dict[str, Any],
    expected: int | None = None,
) -> bool:
    """Insert a versioned row (version 1) or replace it (its version moves on by one), in
    one atomic statement on SQLite and PostgreSQL. With `expected` the row is written only
    if its stored version is that (0: no row yet), compared under the row's lock, so two
    saves of one copy cannot both land. Returns whether it was written."""
    insert_row = _dialect_insert(conn)(table).values(**keys, **values)
    bumped = {**values, "version": table.c.version + 1}
    if expected is None:
        conn.execute(insert_row.on_conflict_do_update(index_elements=list(keys), set_=bumped))
        return True
    if expected == 0:
        statement = insert_row.on_conflict_do_nothing(index_elements=list(keys))
    else:
        where = [table.c[k] == v for k, v in keys.items()] + [table.c.version == expected]
        statement = update(table).where(and_(*where)).values(**bumped)
    # RETURNING, not rowcount: drivers differ in what an INSERT ... DO NOTHING reports.
    return conn.execute(statement.returning(table.c.version)).first() is not None


def _insert_if_missing(
    conn: Connection, table: Table, keys: dict[str, Any], values: dict[str, Any]
) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (a concurrent insert of the same key waits, then
    does nothing)."""
    statement = _dialect_insert(conn)(table).values(**keys, **values)
    conn.execute(statement.on_conflict_do_nothing(index_elements=list(keys)))
