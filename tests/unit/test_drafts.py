"""Solo drafts in the database: round trip, unknown and damaged drafts, hashed tokens,
failures, housekeeping and the upgrade that adds them.

Every test that takes `db_url` runs on SQLite (a file in tmp_path) and, when
PARTNERSHIP_FIT_TEST_POSTGRES_URL is set (see tests/pg_cluster.sh), on PostgreSQL too, each
test in a database of its own (the `db_url` fixture in tests/conftest.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from db_helpers import Clock, flaky_connect
from sqlalchemy import create_engine, inspect, text

from partnership_core import storage
from partnership_core.assessment import Assessment, dump_assessment
from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.drafts import DraftNotFoundError, DraftStore
from partnership_core.errors import AssessmentFileError, PartnershipFitError, StorageError
from partnership_core.storage import LATEST_VERSION, Store, hash_secret
from partnership_core.workshop import WorkshopService

UI = {"page": "questionnaire", "active_respondent": "me", "steps": {"q_me_": 3}}


@pytest.fixture
def drafts(db_url: str, clock: Clock):
    store = DraftStore(db_url, clock=clock)
    yield store
    store.close()


def _rows(db_url: str) -> list[dict]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text("SELECT * FROM drafts"))]
    finally:
        engine.dispose()


def _first_half(assessment: Assessment) -> Assessment:
    return assessment.model_copy(
        update={"answers": assessment.answers[: len(assessment.answers) // 2]}
    )


# --------------------------------------------------------------------------- round trip


def test_create_save_load_delete(drafts: DraftStore, example: Assessment, db_url: str) -> None:
    partial = _first_half(example)
    token = drafts.create(partial, {"page": "setup"})
    loaded, ui = drafts.load(token)
    assert loaded == partial
    assert ui == {"page": "setup"}

    drafts.save(token, example, UI)
    loaded, ui = drafts.load(token)
    assert loaded == example
    assert dump_assessment(loaded) == dump_assessment(example)
    assert ui == UI
    assert len(_rows(db_url)) == 1  # saving replaces, it does not pile up

    assert drafts.delete(token) is True
    assert _rows(db_url) == []
    with pytest.raises(DraftNotFoundError):
        drafts.load(token)
    assert drafts.delete(token) is False


def test_drafts_are_independent(drafts: DraftStore, example: Assessment) -> None:
    a = drafts.create(example, {"page": "results"})
    b = drafts.create(_first_half(example), {"page": "home"})
    assert a != b
    drafts.save(b, _first_half(example), {"page": "questionnaire"})
    assert drafts.load(a) == (example, {"page": "results"})
    assert drafts.load(b)[1] == {"page": "questionnaire"}
    drafts.delete(a)
    assert drafts.load(b)[0] == _first_half(example)


def test_clearing_an_answer_is_saved(drafts: DraftStore, example: Assessment) -> None:
    token = drafts.create(example)
    fewer = example.model_copy(update={"answers": example.answers[1:]})
    drafts.save(token, fewer)
    assert len(drafts.load(token)[0].answers) == len(example.answers) - 1
    assert drafts.load(token)[1] == {}


def test_another_store_on_the_same_database_sees_the_draft(
    drafts: DraftStore, example: Assessment, db_url: str
) -> None:
    """A reload may land on another server process: it must find the same draft."""
    token = drafts.create(example, UI)
    other = DraftStore(db_url)
    try:
        assert other.load(token) == (example, UI)
    finally:
        other.close()


# --------------------------------------------------------------------------- unknown and bad


@pytest.mark.parametrize(
    "token",
    ["", "no-such-token", "x" * 500, None, 42],
    ids=["empty", "unknown", "long", "none", "int"],
)
def test_unknown_token_is_a_clear_error(drafts: DraftStore, example: Assessment, token) -> None:
    drafts.create(example)
    with pytest.raises(DraftNotFoundError, match="not found.*Set up a new assessment") as info:
        drafts.load(token)
    # One hierarchy: pages catch the base classes.
    assert isinstance(info.value, AssessmentFileError)
    assert isinstance(info.value, PartnershipFitError)
    with pytest.raises(DraftNotFoundError):
        drafts.save(token, example)
    assert drafts.delete(token) is False


def test_damaged_assessment_is_a_clear_error(
    drafts: DraftStore, example: Assessment, db_url: str
) -> None:
    token = drafts.create(example, UI)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE drafts SET assessment = :a"), {"a": '{"format": "partner'})
    with pytest.raises(AssessmentFileError, match="line 1.*cannot be restored") as info:
        drafts.load(token)
    assert not isinstance(info.value, DraftNotFoundError)

    with engine.begin() as conn:  # valid JSON, wrong content
        body = dump_assessment(example).replace('"rating": 4', '"rating": 9', 1)
        conn.execute(text("UPDATE drafts SET assessment = :a"), {"a": body})
    engine.dispose()
    with pytest.raises(AssessmentFileError, match=r"answers\.\d+.*cannot be restored"):
        drafts.load(token)
    # A damaged draft can still be overwritten by the next save, and then loads again.
    drafts.save(token, example, UI)
    assert drafts.load(token) == (example, UI)


def test_damaged_position_keeps_the_answers(
    drafts: DraftStore, example: Assessment, db_url: str
) -> None:
    token = drafts.create(example, UI)
    engine = create_engine(db_url)
    for bad in ("{not json", "[1, 2]", "null"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE drafts SET ui_state = :u"), {"u": bad})
        assert drafts.load(token) == (example, {}), bad
    engine.dispose()


def test_bad_input_is_refused_before_the_database(
    drafts: DraftStore, example: Assessment, db_url: str
) -> None:
    with pytest.raises(ValueError, match="plain JSON"):
        drafts.create(example, {"when": datetime(2030, 1, 1)})
    with pytest.raises(ValueError, match="keep it under"):
        drafts.create(example, {"junk": "x" * 30_000})
    with pytest.raises(TypeError, match="expected an Assessment"):
        drafts.create({"name": "not a model"})  # type: ignore[arg-type]
    assert _rows(db_url) == []


# --------------------------------------------------------------------------- secrets


def test_tokens_are_stored_only_as_hashes(
    drafts: DraftStore, example: Assessment, db_url: str
) -> None:
    tokens = [drafts.create(example, UI) for _ in range(3)]
    assert len(set(tokens)) == 3
    assert all(len(t) == 32 for t in tokens)  # token_urlsafe(24): 192 random bits
    rows = _rows(db_url)
    assert sorted(r["token_hash"] for r in rows) == sorted(hash_secret(t) for t in tokens)
    dumped = repr(rows)
    assert not any(t in dumped for t in tokens)


# --------------------------------------------------------------------------- housekeeping


def test_long_idle_drafts_are_removed_when_a_new_one_is_created(
    db_url: str, example: Assessment, clock: Clock
) -> None:
    # An explicit period (the default, 90 days, comes from the environment: test_retention).
    drafts = DraftStore(db_url, clock=clock, retention=timedelta(days=180))
    old = drafts.create(example)
    kept = drafts.create(example)
    clock.now += timedelta(days=100)
    drafts.save(kept, example)  # in use: its clock restarts
    clock.now += timedelta(days=100)
    drafts.create(example)
    with pytest.raises(DraftNotFoundError, match="180 days"):
        drafts.load(old)
    assert drafts.load(kept)[0] == example
    drafts.close()


# --------------------------------------------------------------------------- failures


def test_transient_failure_is_retried(
    drafts: DraftStore, example: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = drafts.create(_first_half(example))
    calls = flaky_connect(drafts, monkeypatch, failures=2)
    drafts.save(token, example, UI)
    assert calls["n"] == 3
    monkeypatch.undo()
    assert drafts.load(token) == (example, UI)


def test_persistent_failure_is_a_storage_error_and_keeps_the_last_save(
    drafts: DraftStore, example: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = drafts.create(_first_half(example), {"page": "setup"})
    flaky_connect(drafts, monkeypatch, failures=100)
    with pytest.raises(StorageError, match="latest answer was not saved.*try again"):
        drafts.save(token, example, UI)
    with pytest.raises(StorageError, match="could not be saved"):
        drafts.create(example)
    with pytest.raises(StorageError, match="could not be read"):
        drafts.load(token)
    monkeypatch.undo()
    assert drafts.load(token) == (_first_half(example), {"page": "setup"})


def test_unusable_database_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="Cannot create the data folder"):
        DraftStore(f"sqlite:///{blocker / 'sub' / 'x.sqlite3'}")
    with pytest.raises(StorageError, match="cannot be reached"):
        DraftStore(
            "postgresql+psycopg://nobody@127.0.0.1:1/none",
            retry_attempts=2,
            retry_base_delay=0.01,
        )


def test_from_environment_uses_the_workshop_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, example: Assessment
) -> None:
    monkeypatch.delenv("PARTNERSHIP_FIT_DATABASE_URL", raising=False)
    monkeypatch.setenv("PARTNERSHIP_FIT_DATA_DIR", str(tmp_path / "d"))
    drafts = DraftStore.from_environment()
    token = drafts.create(example)
    drafts.close()
    svc = WorkshopService.from_environment()  # same file, already migrated
    assert svc.store.version() == LATEST_VERSION
    svc.close()
    assert (tmp_path / "d" / "partnership_fit.sqlite3").exists()
    again = DraftStore.from_environment()
    assert again.load(token)[0] == example
    again.close()


# --------------------------------------------------------------------------- upgrade


def test_upgrade_from_version_2_keeps_workshops_and_adds_drafts(
    db_url: str, example: Assessment
) -> None:
    # The database as the app released before drafts left it: migrations 1 and 2 only,
    # its rows written as that app wrote them (today's service needs today's schema).
    old = Store(db_url)
    assert old.migrate(target=2) == 2
    old.dispose()
    first = _insert_v2_workshop(db_url)
    engine = create_engine(db_url)
    assert "drafts" not in inspect(engine).get_table_names()
    engine.dispose()

    drafts = DraftStore(db_url)  # start-up migrates to the latest version
    assert drafts.store.version() == LATEST_VERSION
    token = drafts.create(example, UI)
    assert drafts.load(token) == (example, UI)
    drafts.close()

    svc = WorkshopService(db_url)
    board = svc.dashboard("old-facilitator")
    assert board.workshop.name == "Old workshop"
    assert [(p.name, p.answered) for p in board.participants] == [("Ann", 1)]
    assert svc.participant("old-participant").own_answers[first].rating == 5
    svc.close()

    engine = create_engine(db_url)
    with engine.connect() as conn:
        versions = [r[0] for r in conn.execute(text("SELECT version FROM schema_version"))]
    engine.dispose()
    assert sorted(versions) == list(range(1, LATEST_VERSION + 1))


def _insert_v2_workshop(url: str) -> str:
    """One workshop with one participant and one answer, as schema version 2 held them;
    returns the answered statement."""
    first = load_bank_set(["three-levels"]).applicable(PartnershipType.OTHER)[0]
    now = datetime(2029, 5, 1, 10, 0)
    rows = [
        "INSERT INTO workshops (id, name, partnership_type, banks, ask_predictions, "
        "auto_reveal, state, facilitator_token_hash, join_code, created_at) VALUES ('w1', "
        "'Old workshop', 'other', '[\"three-levels\"]', TRUE, FALSE, 'open', :fh, "
        "'ACDEFHJKMN', :now)",
        "INSERT INTO partners (workshop_id, partner_id, name, position) VALUES "
        "('w1', 'p1', 'A', 0), ('w1', 'p2', 'B', 1)",
        "INSERT INTO participants (workshop_id, respondent_id, name, name_key, partner_id, "
        "token_hash, finished, joined_at, last_seen, is_estimate) VALUES ('w1', 'r1', 'Ann', "
        "'ann', 'p1', :ph, FALSE, :now, :now, FALSE)",
        "INSERT INTO answers (participant_id, statement, rating, updated_at) "
        "SELECT id, :q, '5', :now FROM participants",
    ]
    values = {
        "fh": hash_secret("old-facilitator"),
        "ph": hash_secret("old-participant"),
        "now": now,
        "q": first,
    }
    engine = create_engine(url)
    with engine.begin() as conn:
        for row in rows:
            conn.execute(text(row), values)
    engine.dispose()
    return first


def test_drafts_table_matches_the_code(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    inspector = inspect(store.engine)
    columns = {c["name"] for c in inspector.get_columns("drafts")}
    assert columns == set(storage.drafts.columns.keys())
    assert "ix_drafts_updated" in {ix["name"] for ix in inspector.get_indexes("drafts")}
    store.dispose()
