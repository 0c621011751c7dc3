"""Solo work in progress kept in the database, so a browser reload does not lose answers.

A person assessing alone gets a draft link (`?draft=<token>`). Every change is written at
once, in one short transaction: the whole assessment as JSON (`dump_assessment`) when its
set-up or respondents change, only the changed answers when an answer changes, plus a
small JSON of where the person was (page, step, active respondent). The stored text is an
assessment file either way. The token is shown to the person only; the database holds its
sha256, like the workshop links.

Same database and schema as the workshops (`storage.Store`, migration 3 adds the table):
`PARTNERSHIP_FIT_DATABASE_URL`, else SQLite in `PARTNERSHIP_FIT_DATA_DIR` (or ./data).
Errors: `DraftNotFoundError` (unknown or started-over link), `AssessmentFileError` (the
stored row is damaged), `StorageError` (database unavailable after a few retries; nothing
was changed). All are `PartnershipFitError`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from .assessment import Answer, Assessment, dump_assessment, parse_assessment
from .errors import AssessmentFileError
from .retention import RetainingService
from .storage import drafts as _drafts
from .storage import hash_secret

__all__ = [
    "AnswerChange",
    "SaveOutcome",
    "MAX_UI_STATE_CHARS",
    "DraftNotFoundError",
    "DraftStore",
]

# The UI position is a handful of ids and numbers; anything bigger is a bug, not a state.
MAX_UI_STATE_CHARS = 20_000

_NOT_FOUND = (
    "These saved answers were not found: the link may be mistyped, or the assessment was "
    "started over or removed after {days} days without changes. Set up a new assessment, "
    "or open a downloaded assessment file from Home."
)


class DraftNotFoundError(AssessmentFileError):
    """No draft has this token (mistyped, started over, or removed after a long idle time)."""


class AnswerChange(NamedTuple):
    """One answer given, changed or cleared (`answer` None) since the draft was written."""

    respondent: str
    statement: str
    answer: Answer | None


class SaveOutcome(NamedTuple):
    """What a save left in the database: its `version`, and `refreshed`, the merged
    assessment, when another session had written in between (None otherwise)."""

    version: int
    refreshed: Assessment | None


def _answer_key(answer: Mapping[str, Any]) -> tuple[Any, Any]:
    return answer.get("respondent"), answer.get("statement")


def _check_change(data: Mapping[str, Any], change: AnswerChange) -> None:
    if change.respondent not in {r.get("id") for r in data.get("respondents", [])}:
        raise ValueError(f"respondent {change.respondent!r} is not in the saved draft")
    if change.statement.split(":", 1)[0] not in data.get("banks", []):
        raise ValueError(f"statement {change.statement!r} is from a bank the draft lacks")


def _merged(stored: str, new: str | None, changes: Sequence[AnswerChange]) -> dict[str, Any]:
    """The stored draft with this session's work laid over it, losing nobody's answers.

    `new` (this session's whole assessment, or None) brings the set-up; its answers are
    added where the stored draft has none for that statement, since a stored answer that
    differs is another session's newer one. `changes` are this session's own latest
    answers (None: cleared), so they win. Answers of respondents or banks the set-up no
    longer has are dropped with them.
    """
    try:
        data = json.loads(stored)
    except json.JSONDecodeError:
        raise AssessmentFileError("The saved answers of this link are damaged.") from None
    mine = json.loads(new) if new is not None else None
    base = mine if mine is not None else data
    respondents = {r.get("id") for r in base.get("respondents", [])}
    banks = set(base.get("banks", []))
    answers = {
        _answer_key(a): a
        for a in data.get("answers", [])
        if a.get("respondent") in respondents and str(a.get("statement")).split(":")[0] in banks
    }
    for a in (mine or {}).get("answers", []):
        answers.setdefault(_answer_key(a), a)
    for change in changes:
        _check_change(base, change)
        key = (change.respondent, change.statement)
        if change.answer is None:
            answers.pop(key, None)
        else:
            answers[key] = json.loads(change.answer.model_dump_json(exclude_none=True))
    base["answers"] = list(answers.values())
    return base


def _ui_json(ui_state: Mapping[str, Any] | None) -> str:
    try:
        text = json.dumps(dict(ui_state or {}), sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"ui_state must be plain JSON data ({exc})") from None
    if len(text) > MAX_UI_STATE_CHARS:
        raise ValueError(f"ui_state is {len(text)} characters; keep it under {MAX_UI_STATE_CHARS}")
    return text


def _assessment_json(assessment: Assessment) -> str:
    if not isinstance(assessment, Assessment):
        raise TypeError(f"expected an Assessment, got {type(assessment).__name__}")
    return dump_assessment(assessment)


class DraftStore(RetainingService):
    """Solo drafts in the workshop database: create, save, load, delete.

    Its arguments are those of `retention.RetainingService`: drafts untouched for longer
    than `retention` are removed when a new draft is created (and by
    `retention.RetentionService.purge`).

    Raises:
        StorageError: the database cannot be reached or is newer than this app.
    """

    def _not_found(self) -> DraftNotFoundError:
        return DraftNotFoundError(_NOT_FOUND.format(days=self.retention.days))

    # ------------------------------------------------------------------ public

    def create(self, assessment: Assessment, ui_state: Mapping[str, Any] | None = None) -> str:
        """Store a new draft and return its token (show it to the person; it is not kept).

        Raises:
            StorageError: nothing was stored.
        """
        body, ui = _assessment_json(assessment), _ui_json(ui_state)
        token = secrets.token_urlsafe(24)
        key = hash_secret(token)

        def write(conn: Connection) -> None:
            now = self._now()
            conn.execute(
                insert(_drafts).values(
                    token_hash=key, assessment=body, ui_state=ui, created_at=now, updated_at=now
                )
            )
            # Housekeeping rides on the rare create, never on the frequent save.
            conn.execute(delete(_drafts).where(_drafts.c.updated_at < now - self.retention))

        self.store.run(write, failed="Your answers could not be saved.")
        return token

    def save(
        self,
        token: str,
        assessment: Assessment | None = None,
        ui_state: Mapping[str, Any] | None = None,
        *,
        changes: Sequence[AnswerChange] = (),
        base_version: int | None = None,
    ) -> SaveOutcome:
        """Write the draft and its UI position (one short transaction, the row locked).

        Args:
            assessment: this session's whole assessment (set-up changed), or None to write
                only the answer `changes` into the stored one.
            changes: answers this session gave or cleared that the draft may lack.
            base_version: the version this session last wrote or read. When the draft has
                moved on since (another tab or device wrote), both sessions' work is kept:
                see `_merged`; the merged copy comes back as `refreshed`. None: the whole
                `assessment` replaces the stored one, as for a draft nobody else uses.

        Raises:
            DraftNotFoundError: no draft has this token (e.g. started over in another tab).
            ValueError: a change names a respondent or bank the draft does not have.
            StorageError: the database stayed unavailable; the previous save is kept.
        """
        body = None if assessment is None else _assessment_json(assessment)
        ui = _ui_json(ui_state)
        key = self._key(token)

        def write(conn: Connection) -> tuple[int, str | None] | None:
            row = conn.execute(
                select(_drafts.c.assessment, _drafts.c.version)
                .where(_drafts.c.token_hash == key)
                .with_for_update()
            ).first()
            if row is None:
                return None
            moved_on = base_version is not None and row.version != base_version
            if body is not None and not moved_on:
                new_body = body  # this session has seen every write: its copy is whole
            else:
                new_body = json.dumps(_merged(row.assessment, body, changes), ensure_ascii=False)
            version = row.version + 1
            conn.execute(
                update(_drafts)
                .where(_drafts.c.token_hash == key)
                .values(assessment=new_body, ui_state=ui, updated_at=self._now(), version=version)
            )
            return version, (new_body if moved_on else None)

        written = self.store.run(write, failed="Your latest answer was not saved.")
        if written is None:
            raise self._not_found()
        version, merged = written
        refreshed = None if merged is None else self._parsed(merged)
        return SaveOutcome(version, refreshed)

    def load(self, token: str) -> tuple[Assessment, dict[str, Any]]:
        """The stored assessment and UI position (see `load_versioned`)."""
        assessment, ui, _ = self.load_versioned(token)
        return assessment, ui

    def load_versioned(self, token: str) -> tuple[Assessment, dict[str, Any], int]:
        """The stored assessment, UI position and version (pass it to `save`).

        Raises:
            DraftNotFoundError: no draft has this token.
            AssessmentFileError: the stored draft is damaged (named, with what to do).
            StorageError: the database cannot be read right now.
        """
        key = self._key(token)

        def read(conn: Connection) -> Any:
            return conn.execute(
                select(_drafts.c.assessment, _drafts.c.ui_state, _drafts.c.version).where(
                    _drafts.c.token_hash == key
                )
            ).first()

        row = self.store.run(read, write=False, failed="Your saved answers could not be read.")
        if row is None:
            raise self._not_found()
        assessment = self._parsed(row.assessment)
        try:
            ui = json.loads(row.ui_state)
        except (TypeError, json.JSONDecodeError):
            ui = None
        if not isinstance(ui, dict):
            # The answers are intact; only the position is lost. Restore without it
            # rather than refuse: losing the step is far better than losing the answers.
            ui = {}
        return assessment, ui, row.version

    @staticmethod
    def _parsed(body: str) -> Assessment:
        try:
            return parse_assessment(body, source="The saved answers of this link")
        except AssessmentFileError as exc:
            raise AssessmentFileError(
                f"{exc} They cannot be restored; set up the assessment again, or open a "
                "downloaded assessment file from Home."
            ) from None

    def delete(self, token: str) -> bool:
        """Remove the draft. Returns False when there was none (already deleted).

        Raises:
            StorageError: the database cannot be reached; the draft is still there.
        """
        try:
            key = self._key(token)
        except DraftNotFoundError:
            return False

        def write(conn: Connection) -> int:
            return conn.execute(delete(_drafts).where(_drafts.c.token_hash == key)).rowcount

        return self.store.run(write, failed="The saved answers could not be removed.") > 0

    def _key(self, token: str) -> str:
        # Tokens come from URLs: anything that is not one of ours is simply unknown.
        if not isinstance(token, str) or not token or len(token) > 200:
            raise self._not_found()
        return hash_secret(token)
