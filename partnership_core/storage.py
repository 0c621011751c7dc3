"""Workshop storage: the SQLAlchemy engine, the versioned schema and safe transactions.

SQLite by default (a file in the data folder, WAL journal, busy timeout, foreign keys on),
PostgreSQL when `PARTNERSHIP_FIT_DATABASE_URL` is set. The app creates and upgrades its own
schema: `schema_version` records which of the ordered `MIGRATIONS` have been applied, and
every start-up applies the missing ones inside one transaction under a lock, so an upgrade
either completes or leaves the database exactly as it was, and two processes starting at
once do not trip over each other.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypedDict, TypeVar, Unpack

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .errors import StorageError

__all__ = [
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "DB_FILENAME",
    "LATEST_VERSION",
    "MIGRATIONS",
    "Migration",
    "Store",
    "DatabaseService",
    "metadata",
    "schema_version",
    "workshops",
    "partners",
    "participants",
    "answers",
    "agreements",
    "actions",
    "join_buckets",
    "database_identity",
    "drafts",
    "StoreOptions",
    "ServiceOptions",
    "database_url_from_environment",
    "from_db",
    "hash_secret",
    "to_db",
    "utc_now",
]

DATABASE_URL_ENV = "PARTNERSHIP_FIT_DATABASE_URL"
DATA_DIR_ENV = "PARTNERSHIP_FIT_DATA_DIR"
DB_FILENAME = "partnership_fit.sqlite3"

T = TypeVar("T")

# --------------------------------------------------------------------------- current schema
# What the queries use. It is NOT created with `create_all`: the migrations below build it,
# and a test checks that a fully migrated database has exactly these columns.

metadata = MetaData()


def _cascade(target: str) -> ForeignKey:
    """A reference whose rows go when the row they refer to is deleted."""
    return ForeignKey(target, ondelete="CASCADE")


def _statement(**options: Any) -> Column[Any]:
    """A qualified statement id, "bank-id:statement-id"."""
    return Column("statement", String(130), **options)


def _workshop_ref(**options: Any) -> Column[Any]:
    """The `workshop_id` of a table whose rows belong to one workshop."""
    return Column("workshop_id", String(32), _cascade("workshops.id"), **options)


def _keyed_in_workshop(name: str, *columns: Any) -> Table:
    """A table of rows that belong to one workshop, keyed by the workshop and the first of
    `columns` (marked `primary_key=True`)."""
    return Table(name, metadata, _workshop_ref(primary_key=True), *columns)


schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

workshops = Table(
    "workshops",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("partnership_type", String(40), nullable=False),
    Column("banks", Text, nullable=False),  # JSON list of bank ids, in order
    Column("ask_predictions", Boolean, nullable=False),
    Column("auto_reveal", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("facilitator_token_hash", String(64), nullable=False, unique=True),
    Column("join_code", String(16), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revealed_at", DateTime, nullable=True),
    # Chosen at creation: what shared screens and exports may show.
    Column("hide_names", Boolean, nullable=False, server_default=text("TRUE")),
    Column("anonymous_comments", Boolean, nullable=False, server_default=text("FALSE")),
    Column("min_group_size", Integer, nullable=False, server_default=text("3")),
    # The discussion as phones follow it; `room_version` changes with every change a
    # waiting screen must show (state, current item, timer, agreements, actions).
    Column("current_statement", String(130), nullable=True),
    Column("timer_started_at", DateTime, nullable=True),
    Column("timer_seconds", Integer, nullable=True),
    Column("room_version", Integer, nullable=False, server_default=text("0")),
    # The projector's link: it shows progress and results, and carries no facilitator power.
    Column("room_token_hash", String(64), nullable=True, unique=True),
    # The QR code's join link: a long key that joins without the throttle a typed code meets.
    Column("join_key_hash", String(64), nullable=True, unique=True),
    # The session plan (JSON `SessionPlan`); NULL: every statement, importance asked.
    Column("session_plan", Text, nullable=True),
    # FALSE: an invitation from a solo assessment, answered on people's own time, no room.
    Column("has_room", Boolean, nullable=False, server_default=text("TRUE")),
)

# The partner organisations of a workshop, in the order the facilitator listed them.
partners = _keyed_in_workshop(
    "partners",
    Column("partner_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    # How many people the facilitator expects; the automatic reveal waits for them.
    Column("expected_headcount", Integer, nullable=True),
    Column("sector", String(16), nullable=True),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", String(32), nullable=False),
    Column("respondent_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("partner_id", String(64), nullable=False),
    # NULL for respondents imported from an offline file: they have no link to come back with.
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("finished", Boolean, nullable=False),
    Column("joined_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("is_estimate", Boolean, nullable=False, server_default=text("FALSE")),
    ForeignKeyConstraint(
        ["workshop_id", "partner_id"],
        ["partners.workshop_id", "partners.partner_id"],
        ondelete="CASCADE",
    ),
    UniqueConstraint("workshop_id", "respondent_id", name="uq_participants_respondent"),
    UniqueConstraint("workshop_id", "name_key", name="uq_participants_name"),
)

answers = Table(
    "answers",
    metadata,
    Column("participant_id", Integer, _cascade("participants.id"), primary_key=True),
    _statement(primary_key=True),
    Column("rating", String(8), nullable=False),  # "1".."5" or "not_sure"
    Column("importance", String(8), nullable=True),
    Column("prediction", SmallInteger, nullable=True),
    Column("predictions", Text, nullable=True),  # JSON: other partner id -> guess
    Column("comment", Text, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

# What the partners agreed in the discussion after the reveal, one row per statement.
agreements = _keyed_in_workshop(
    "agreements",
    _statement(primary_key=True),
    Column("agreed_rating", SmallInteger, nullable=False),
    Column("disagreement", Boolean, nullable=False),
    Column("notes", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _workshop_ref(nullable=False),
    Column("title", String(500), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("due", Date, nullable=True),
    _statement(nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_actions_workshop", "workshop_id"),
)

# Token buckets of the join throttle: one per client (sha256 of what the UI passes) and
# one for the whole server (`workshop.throttle.SERVER_BUCKET`).
join_buckets = Table(
    "join_buckets",
    metadata,
    Column("bucket", String(64), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# One row, written by the migration that added it: a database that does not hold the id a
# service read at start is another database (replaced or recreated under it).
database_identity = Table(
    "database_identity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("identity", String(36), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Solo work in progress (see drafts.py): one row per draft link, the token only as a hash.
drafts = Table(
    "drafts",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("assessment", Text, nullable=False),  # dump_assessment JSON
    Column("ui_state", Text, nullable=False),  # small JSON: page, step, active respondent
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # Bumped by every write: a session that wrote at another version knows that another
    # tab or device changed the draft since, and merges instead of overwriting.
    Column("version", Integer, nullable=False, server_default=text("0")),
    Index("ix_drafts_updated", "updated_at"),
)


# --------------------------------------------------------------------------- migrations


@dataclass(frozen=True)
class Migration:
    """One schema step. `apply` runs inside the migration transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    # The schema as first released: written out here (not taken from `metadata`) so that
    # later changes to the current tables never rewrite history.
    md = MetaData()
    Table(
        "workshops",
        md,
        Column("id", String(32), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("partnership_type", String(40), nullable=False),
        Column("banks", Text, nullable=False),
        Column("ask_predictions", Boolean, nullable=False),
        Column("auto_reveal", Boolean, nullable=False),
        Column("state", String(16), nullable=False),
        Column("facilitator_token_hash", String(64), nullable=False, unique=True),
        Column("join_code", String(16), nullable=False, unique=True),
        Column("created_at", DateTime, nullable=False),
        Column("revealed_at", DateTime, nullable=True),
    )
    Table(
        "partners",
        md,
        Column(
            "workshop_id",
            String(32),
            ForeignKey("workshops.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("partner_id", String(64), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("position", Integer, nullable=False),
    )
    Table(
        "participants",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("workshop_id", String(32), nullable=False),
        Column("respondent_id", String(64), nullable=False),
        Column("name", String(200), nullable=False),
        Column("name_key", String(200), nullable=False),
        Column("partner_id", String(64), nullable=False),
        Column("token_hash", String(64), nullable=True, unique=True),
        Column("finished", Boolean, nullable=False),
        Column("joined_at", DateTime, nullable=False),
        Column("last_seen", DateTime, nullable=False),
        ForeignKeyConstraint(
            ["workshop_id", "partner_id"],
            ["partners.workshop_id", "partners.partner_id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("workshop_id", "respondent_id", name="uq_participants_respondent"),
        UniqueConstraint("workshop_id", "name_key", name="uq_participants_name"),
    )
    Table(
        "answers",
        md,
        Column(
            "participant_id",
            Integer,
            ForeignKey("participants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("statement", String(130), primary_key=True),
        Column("rating", String(8), nullable=False),
        Column("importance", String(8), nullable=True),
        Column("prediction", SmallInteger, nullable=True),
        Column("comment", Text, nullable=True),
        Column("updated_at", DateTime, nullable=False),
    )
    Table(
        "agreements",
        md,
        Column(
            "workshop_id",
            String(32),
            ForeignKey("workshops.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("statement", String(130), primary_key=True),
        Column("agreed_rating", SmallInteger, nullable=False),
        Column("disagreement", Boolean, nullable=False),
        Column("notes", Text, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )
    Table(
        "actions",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "workshop_id",
            String(32),
            ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("title", String(500), nullable=False),
        Column("owner", String(200), nullable=False),
        Column("due", Date, nullable=True),
        Column("statement", String(130), nullable=True),
        Column("created_at", DateTime, nullable=False),
        Index("ix_actions_workshop", "workshop_id"),
    )
    Table(
        "join_attempts",
        md,
        Column("client_key", String(64), primary_key=True),
        Column("failures", Integer, nullable=False),
        Column("last_failure", DateTime, nullable=False),
    )
    md.create_all(conn)


def _v2_estimates(conn: Connection) -> None:
    # Offline files may hold estimates (someone guessing for a partner); keep that flag when
    # such a file is imported. Existing participants answered themselves: FALSE.
    conn.execute(
        text("ALTER TABLE participants ADD COLUMN is_estimate BOOLEAN NOT NULL DEFAULT FALSE")
    )


def _v3_drafts(conn: Connection) -> None:
    # Solo assessments kept across browser reloads. Written out, like v1, so that later
    # changes to `drafts` above never rewrite this step.
    md = MetaData()
    Table(
        "drafts",
        md,
        Column("token_hash", String(64), primary_key=True),
        Column("assessment", Text, nullable=False),
        Column("ui_state", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        Index("ix_drafts_updated", "updated_at"),
    )
    md.create_all(conn)


def _v4_room(conn: Connection) -> None:
    # Workshops that hold up in a room: anonymity options, discussion state, the keys of
    # the room view's and the QR code's links, expected headcounts, versions for edits,
    # the token-bucket join throttle and the database id.
    for table, column in (
        ("workshops", "hide_names BOOLEAN NOT NULL DEFAULT TRUE"),
        ("workshops", "anonymous_comments BOOLEAN NOT NULL DEFAULT FALSE"),
        ("workshops", "min_group_size INTEGER NOT NULL DEFAULT 3"),
        ("workshops", "current_statement VARCHAR(130)"),
        ("workshops", "timer_started_at TIMESTAMP"),
        ("workshops", "timer_seconds INTEGER"),
        ("workshops", "room_version INTEGER NOT NULL DEFAULT 0"),
        ("partners", "expected_headcount INTEGER"),
        ("answers", "version INTEGER NOT NULL DEFAULT 1"),
        ("agreements", "version INTEGER NOT NULL DEFAULT 1"),
        ("workshops", "room_token_hash VARCHAR(64)"),
        ("workshops", "join_key_hash VARCHAR(64)"),
    ):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column}"))
    # SQLite cannot add a UNIQUE column; a unique index does the same on both databases.
    for index, column in (
        ("uq_workshops_room_token", "room_token_hash"),
        ("uq_workshops_join_key", "join_key_hash"),
    ):
        conn.execute(text(f"CREATE UNIQUE INDEX {index} ON workshops ({column})"))
    conn.execute(text("DROP TABLE join_attempts"))
    conn.execute(
        text(
            "CREATE TABLE join_buckets (bucket VARCHAR(64) PRIMARY KEY, tokens FLOAT NOT NULL, "
            "updated_at TIMESTAMP NOT NULL)"
        )
    )
    conn.execute(
        text(
            "CREATE TABLE database_identity (id INTEGER PRIMARY KEY, identity VARCHAR(36) "
            "NOT NULL, created_at TIMESTAMP NOT NULL)"
        )
    )
    conn.execute(
        text("INSERT INTO database_identity (id, identity, created_at) VALUES (1, :i, :t)"),
        {"i": str(uuid.uuid4()), "t": to_db(utc_now())},
    )


def _v5_draft_versions(conn: Connection) -> None:
    # Two sessions on one draft link merge their answers instead of overwriting them.
    conn.execute(text("ALTER TABLE drafts ADD COLUMN version INTEGER NOT NULL DEFAULT 0"))


def _v6_sectors(conn: Connection) -> None:
    # Each partner's sector (issue 10), NULL for workshops created before it was asked; a
    # guess per other partner, NULL for answers that carry one guess for all of them.
    conn.execute(text("ALTER TABLE partners ADD COLUMN sector VARCHAR(16)"))
    conn.execute(text("ALTER TABLE answers ADD COLUMN predictions TEXT"))


def _v7_session_plan(conn: Connection) -> None:
    # A workshop's short session (issue 10); NULL for workshops that ask everything.
    conn.execute(text("ALTER TABLE workshops ADD COLUMN session_plan TEXT"))


def _v8_has_room(conn: Connection) -> None:
    # A solo assessment shared by link is a workshop without a room (issue 14); every
    # workshop created before it had one.
    conn.execute(text("ALTER TABLE workshops ADD COLUMN has_room BOOLEAN NOT NULL DEFAULT TRUE"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "workshops, partners, participants, answers, agreements, actions", _v1_initial),
    Migration(2, "participants.is_estimate for imported estimates", _v2_estimates),
    Migration(3, "drafts: solo work in progress kept across reloads", _v3_drafts),
    Migration(4, "room: anonymity, discussion state, headcounts, versions, throttle", _v4_room),
    Migration(5, "drafts.version: sessions on one draft link merge", _v5_draft_versions),
    Migration(6, "partners.sector, answers.predictions (a guess per partner)", _v6_sectors),
    Migration(7, "workshops.session_plan: a short session", _v7_session_plan),
    Migration(8, "workshops.has_room: an invitation by link has none", _v8_has_room),
)
LATEST_VERSION = MIGRATIONS[-1].version

# The first schema version with a `database_identity` row.
_IDENTITY_VERSION = 4
_REPLACED = (
    "{failed} The database was deleted or replaced while the app was running, so nothing "
    "was stored. Keep this page open; the organiser must restore the database (or its "
    "folder) and restart the app."
)

# Any constant works: it only has to be the same in every process of this app.
_PG_MIGRATION_LOCK = 0x5046_4D49  # "PFMI"


# --------------------------------------------------------------------------- helpers


def utc_now() -> datetime:
    """Aware UTC now."""
    return datetime.now(UTC)


def to_db(moment: datetime) -> datetime:
    """Stored as naive UTC: SQLite and PostgreSQL then round-trip the same value."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def from_db(moment: datetime | None) -> datetime | None:
    """A stored moment as aware UTC (None stays None)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def hash_secret(secret: str) -> str:
    """sha256 hex of a token or client key: the database never holds the raw value.

    A link can carry any text, lone surrogates included: those are hashed as they are (and
    then match nothing) instead of failing to encode."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def database_url_from_environment(data_dir: Path | str | None = None) -> str:
    """`PARTNERSHIP_FIT_DATABASE_URL`, else a SQLite file in the data folder.

    The data folder is `data_dir`, else `PARTNERSHIP_FIT_DATA_DIR`, else `./data`.
    """
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(data_dir or os.environ.get(DATA_DIR_ENV, "") or Path.cwd() / "data")
    return f"sqlite:///{folder.resolve() / DB_FILENAME}"


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | PoolTimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _short_reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return first[:160]


# --------------------------------------------------------------------------- the store


class Store:
    """An engine plus the rules for using it: short transactions, retried when transient.

    Args:
        url: any SQLAlchemy URL; `sqlite:///path` gets WAL, busy timeout and foreign keys.
        busy_timeout_ms: how long SQLite waits for another writer before giving up.
        retry_attempts: tries per transaction before `StorageError` (transient errors only).
        retry_base_delay: first back-off in seconds; doubled each retry, with some jitter.
    """

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_ms: int = 5000,
        retry_attempts: int = 4,
        retry_base_delay: float = 0.05,
    ) -> None:
        self.url = url
        self.retry_attempts = max(1, retry_attempts)
        self.retry_base_delay = retry_base_delay
        self.engine = self._create_engine(url, busy_timeout_ms)
        # SQLite lets one writer in at a time and makes the others poll with growing sleeps,
        # so under load some threads starve for seconds. Queueing this process's writers
        # on a lock first keeps the wait short and fair; other processes still meet the
        # busy timeout.
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None
        # Set once the schema is ready (`migrate`): what a running app must keep finding.
        self._file_identity: tuple[int, int] | None = None
        self.identity: str | None = None
        _STORES.add(self)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _create_engine(self, url: str, busy_timeout_ms: int) -> Engine:
        try:
            if url.startswith("sqlite"):
                return self._sqlite_engine(url, busy_timeout_ms)
            return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StorageError(
                f"The database address in {DATABASE_URL_ENV} cannot be used ({exc}). "
                "Correct it, e.g. postgresql+psycopg://user:password@host:5432/dbname."
            ) from None

    @staticmethod
    def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            pool_size=10,
            max_overflow=20,
        )
        database = engine.url.database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"Cannot create the data folder {Path(database).parent} ({exc.strerror}). "
                    f"Set {DATA_DIR_ENV} to a folder the app may write to."
                ) from None

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # We issue BEGIN ourselves (see _on_begin), so the driver must not.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA foreign_keys = ON")
                # FULL: a committed answer survives a power cut, not only a killed process.
                cur.execute("PRAGMA synchronous = FULL")
            finally:
                cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # A writer takes the write lock up front: a deferred transaction that reads and
            # then writes would fail at once with "database is locked" when another writer got
            # in between, instead of waiting for the busy timeout.
            write = conn.get_execution_options().get("pf_write", True)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def run(self, fn: Callable[[Connection], T], *, write: bool = True, failed: str) -> T:
        """Run `fn` in one transaction; retry transient database errors with back-off.

        Args:
            fn: does all its work through the connection; may be re-run, so it must not
                have side effects outside the database.
            write: the transaction writes (SQLite then takes the write lock at BEGIN).
            failed: first sentence of the error when it cannot be done, e.g.
                "Your answer was not saved."

        Raises:
            StorageError: the database stayed unavailable; nothing of `fn` was stored.
            Anything `fn` raises (e.g. `WorkshopError`), after rolling back.
        """
        self._check_file(failed)
        last: BaseException | None = None
        for attempt in range(self.retry_attempts):
            if attempt:
                delay = self.retry_base_delay * (2 ** (attempt - 1))
                time.sleep(delay * (1 + random.random() / 2))
            try:
                if write and self._write_lock is not None:
                    with self._write_lock:
                        return self._once(fn, write)
                return self._once(fn, write)
            except SQLAlchemyError as exc:
                if not _is_transient(exc):
                    raise StorageError(
                        f"{failed} The database refused the request ({_short_reason(exc)}). "
                        "Nothing was changed; try again, and tell the organiser if it persists."
                    ) from exc
                last = exc
        raise StorageError(
            f"{failed} The database is busy or cannot be reached right now "
            f"({_short_reason(last) if last else 'unknown error'}). Nothing was changed; "
            "please try again in a moment."
        ) from last

    def _once(self, fn: Callable[[Connection], T], write: bool) -> T:
        with self.engine.connect() as conn:
            conn.execution_options(pf_write=write)
            with conn.begin():
                return fn(conn)

    # ------------------------------------------------------------------ schema

    def version(self) -> int:
        """Schema version of the database; 0 when it has no schema yet."""

        def read(conn: Connection) -> int:
            if not inspect(conn).has_table("schema_version"):
                return 0
            value = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
            return int(value or 0)

        return self.run(read, write=False, failed="The database could not be read.")

    def migrate(self, target: int | None = None) -> int:
        """Bring the schema to `target` (default: latest) in ONE transaction, under a lock.

        Returns:
            The schema version afterwards.

        Raises:
            StorageError: the database is newer than this app, or cannot be reached.
        """
        target = LATEST_VERSION if target is None else target

        def apply(conn: Connection) -> int:
            if self.dialect == "postgresql":
                # Held until commit: a second process starting at the same moment waits here
                # and then finds the work done. (SQLite: BEGIN IMMEDIATE already serialises.)
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            schema_version.create(conn, checkfirst=True)
            current = int(
                conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0
            )
            if current > LATEST_VERSION:
                raise StorageError(
                    f"The database is at schema version {current}, but this version of "
                    f"Partnership Fit only knows up to {LATEST_VERSION}. Update the app; "
                    "the data has not been touched."
                )
            for migration in MIGRATIONS:
                if current < migration.version <= target:
                    migration.apply(conn)
                    conn.execute(
                        schema_version.insert().values(
                            version=migration.version,
                            description=migration.description,
                            applied_at=to_db(utc_now()),
                        )
                    )
                    current = migration.version
            return current

        version = self.run(apply, failed="The database schema could not be prepared.")
        if version >= _IDENTITY_VERSION:
            self._pin_identity()
        return version

    # ------------------------------------------------------------------ same database

    def _sqlite_file(self) -> Path | None:
        database = self.engine.url.database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            return None
        return Path(database)

    def _pin_identity(self) -> None:
        """Remember which database this is, so that a replaced one is refused, not used."""
        read = text("SELECT identity FROM database_identity WHERE id = 1")
        self.identity = self.run(
            lambda conn: conn.execute(read).scalar_one(),
            write=False,
            failed="The database could not be read.",
        )
        path = self._sqlite_file()
        if path is not None:
            stat = path.stat()
            self._file_identity = (stat.st_dev, stat.st_ino)
        if not getattr(self, "_identity_listener", False):
            event.listen(self.engine, "connect", self._check_identity)
            self._identity_listener = True

    def _check_identity(self, dbapi_conn: Any, _record: Any) -> None:
        # Every new connection: an emptied or restored-elsewhere database has another id.
        cur = dbapi_conn.cursor()
        try:
            cur.execute("SELECT identity FROM database_identity WHERE id = 1")
            row = cur.fetchone()
        except Exception:  # noqa: BLE001 - no table at all: a new, empty database
            row = None
        finally:
            cur.close()
        if row is None or row[0] != self.identity:
            raise StorageError(_REPLACED.format(failed="Nothing could be read or saved."))

    def _check_file(self, failed: str) -> None:
        """Refuse to go on when the SQLite file was deleted or replaced under the app: its
        open connections would keep writing into a file nobody will read again."""
        if self._file_identity is None:
            return
        path = self._sqlite_file()
        try:
            stat = path.stat() if path is not None else None
        except OSError:
            stat = None
        if stat is None or (stat.st_dev, stat.st_ino) != self._file_identity:
            raise StorageError(_REPLACED.format(failed=failed))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # A forked child must not use the parent's pooled connections (two processes on one
    # socket corrupt the protocol); drop them without closing the parent's.
    for store in list(_STORES):
        store.engine.dispose(close=False)
        if store._write_lock is not None:
            store._write_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class StoreOptions(TypedDict, total=False):
    """How a `Store` waits and retries: `busy_timeout_ms`, `retry_attempts`, `retry_base_delay`."""

    busy_timeout_ms: int
    retry_attempts: int
    retry_base_delay: float


class ServiceOptions(StoreOptions, total=False):
    """What every `DatabaseService` takes besides its URL: the `Store` options and a `clock`."""

    clock: Callable[[], datetime]


class DatabaseService:
    """Base of the services that keep their data in the app's database (workshops, drafts).

    Opens a `Store`, brings its schema up to date, and keeps the clock that stamps rows.
    A subclass that needs settings of its own takes them as keywords and passes the rest on
    as `**options: Unpack[ServiceOptions]`.

    Args:
        database_url: SQLAlchemy URL (`sqlite:///...` or `postgresql+psycopg://...`).
        clock: returns the aware UTC time; replaceable in tests.
        store_options: see `Store`.

    Raises:
        StorageError: the database cannot be reached or is newer than this app.
    """

    def __init__(
        self,
        database_url: str,
        *,
        clock: Callable[[], datetime] = utc_now,
        **store_options: Unpack[StoreOptions],
    ) -> None:
        self.store = Store(database_url, **store_options)
        self._clock = clock
        try:
            self.store.migrate()
        except BaseException:
            # A service that failed to start must not keep its connections open.
            self.store.dispose()
            raise

    @classmethod
    def from_environment(cls, data_dir: Path | str | None = None) -> Self:
        """`PARTNERSHIP_FIT_DATABASE_URL`, else SQLite in `PARTNERSHIP_FIT_DATA_DIR` or ./data."""
        return cls(database_url_from_environment(data_dir))

    def close(self) -> None:
        self.store.dispose()

    def _now(self) -> datetime:
        """The clock's time as the database stores it."""
        return to_db(self._clock())
