"""The workshop's use cases. Each checks its input, then does its work in ONE unit of work
(one transaction) through the repository; the rules it applies live in `rules`.

Participant-side use cases never return anyone else's answers before the reveal, and the
facilitator's dashboard shows counts, not answers.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar, Unpack

from ..assessment import Action, AgreedItem, Answer, Assessment, Partner, WorkshopRecord
from ..bank import QUESTIONS_DIR, PartnershipType, load_bank_set
from ..errors import QuestionBankError, StorageError, WorkshopError
from ..storage import DatabaseService, ServiceOptions
from ..text import name_key
from . import rules
from .models import (
    Dashboard,
    ParticipantProgress,
    ParticipantSession,
    ParticipantView,
    StoredParticipant,
    StoredWorkshop,
    WorkshopCreated,
    WorkshopInfo,
    WorkshopState,
)
from .repository import Lock, UnitOfWork, WorkshopRepository, is_unique_conflict
from .throttle import JoinThrottle, checked_client_key

__all__ = ["WorkshopService"]

T = TypeVar("T")
_JOIN_CODE_ATTEMPTS = 5  # a join code collision (about 1 in 10^13) just draws another code


class _Statements:
    """Applicable qualified statement ids of a bank choice, in bank order (cached: banks
    do not change while the app runs)."""

    def __init__(self, questions_dir: Path) -> None:
        self.questions_dir = questions_dir
        self._cache: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}

    def __call__(self, banks: Sequence[str], ptype: PartnershipType | str) -> tuple[str, ...]:
        key = (tuple(banks), str(ptype))
        cached = self._cache.get(key)
        if cached is None:
            try:
                bank_set = load_bank_set(list(banks), self.questions_dir)
            except QuestionBankError as exc:
                raise WorkshopError(
                    f"The workshop's question banks cannot be used: {exc}"
                ) from None
            cached = tuple(bank_set.applicable(PartnershipType(ptype)))
            self._cache[key] = cached
        return cached


class WorkshopService(DatabaseService):
    """Workshops in a database: create, join, answer blind, reveal, export.

    Every answer is written the moment it is given, in its own short transaction;
    multi-row operations (creating a workshop, importing an offline file) are all-or-nothing.

    Args:
        questions_dir: where the question banks live. The other arguments, and the errors
            at start-up, are those of `storage.DatabaseService`.
    """

    def __init__(
        self,
        database_url: str,
        *,
        questions_dir: Path | str = QUESTIONS_DIR,
        **options: Unpack[ServiceOptions],
    ) -> None:
        self.questions_dir = Path(questions_dir)
        self._statements = _Statements(self.questions_dir)
        super().__init__(database_url, **options)
        self._unit_of_work = UnitOfWork(self.store, self._now)
        self._throttle = JoinThrottle(self._unit_of_work)

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
        name = rules.valid_name(name, "The workshop name")
        ptype = rules.parse_partnership_type(partnership_type)
        banks = rules.check_banks(banks)
        if not self._statements(banks, ptype):
            raise WorkshopError(
                "The chosen question banks have no statements for this partnership type; "
                "choose another bank."
            )
        names = rules.partner_names(partner_names)
        listed = [Partner(id=rules.partner_id(i), name=n) for i, n in enumerate(names)]

        def create(repo: WorkshopRepository) -> WorkshopCreated:
            created = WorkshopCreated(
                workshop_id=secrets.token_hex(16),
                facilitator_token=secrets.token_urlsafe(24),
                join_code=rules.new_join_code(),
            )
            repo.add_workshop(
                workshop_id=created.workshop_id,
                facilitator_token=created.facilitator_token,
                join_code=created.join_code,
                name=name,
                partnership_type=ptype,
                banks=banks,
                ask_predictions=bool(ask_predictions),
                auto_reveal=bool(auto_reveal),
            )
            repo.add_partners(created.workshop_id, listed)
            return created

        for _ in range(_JOIN_CODE_ATTEMPTS):
            try:
                return self._unit_of_work(create, failed="The workshop was not created.")
            except StorageError as exc:
                if not is_unique_conflict(exc):
                    raise
        raise StorageError("The workshop was not created: no free join code was found; try again.")

    def dashboard(self, token: str) -> Dashboard:
        """Progress of every participant: counts only, never answers."""

        def read(repo: WorkshopRepository) -> Dashboard:
            w = self._facilitated(repo, token)
            info = self._info(repo, w)
            counts = repo.answer_counts(w.id, info.statements)
            names = {p.id: p.name for p in info.partners}
            return Dashboard(
                workshop=info,
                participants=[
                    _progress(p, names, counts.get(p.id, 0), len(info.statements))
                    for p in repo.participants(w.id)
                ],
                state=info.state,
                join_code=rules.format_join_code(w.join_code),
            )

        return self._unit_of_work(read, write=False, failed="The dashboard could not be loaded.")

    def set_locked(self, token: str, locked: bool) -> WorkshopState:
        """Lock (no joining, no answer changes) or unlock an unrevealed workshop."""

        def write(repo: WorkshopRepository) -> WorkshopState:
            w = self._facilitated(repo, token, lock=True)
            rules.check_allowed("lock", w.state)
            state = WorkshopState.LOCKED if locked else WorkshopState.OPEN
            repo.set_state(w.id, state)
            return state

        return self._unit_of_work(write, failed="The workshop was not locked or unlocked.")

    def reveal(self, token: str) -> datetime:
        """Reveal every answer to everyone in the workshop (final). Returns the reveal time;
        revealing again changes nothing and returns the first reveal's time."""

        def write(repo: WorkshopRepository) -> datetime:
            w = self._facilitated(repo, token, lock=True)
            if w.state == WorkshopState.REVEALED and w.revealed_at is not None:
                return w.revealed_at
            return repo.mark_revealed(w.id)

        return self._unit_of_work(write, failed="The answers were not revealed.")

    def assessment(self, token: str) -> Assessment:
        """The whole workshop as a core `Assessment`; only after the reveal."""

        def read(repo: WorkshopRepository) -> Assessment:
            w = self._facilitated(repo, token)
            if w.state != WorkshopState.REVEALED:
                raise WorkshopError(
                    "Answers stay hidden until you reveal them; reveal first to see results."
                )
            return self._assessment(repo, w)

        return self._unit_of_work(read, write=False, failed="The results could not be loaded.")

    def export(self, token: str) -> Assessment:
        """The assessment for download (same rule as `assessment`: only after the reveal)."""
        return self.assessment(token)

    def record_agreement(self, token: str, item: AgreedItem) -> None:
        """Store (or replace) what the partners agreed about one statement."""
        item = AgreedItem.model_validate(item)

        def write(repo: WorkshopRepository) -> None:
            w = self._facilitated(repo, token, lock=True)
            self._check_statement(w, item.statement)
            repo.save_agreement(w.id, item)

        self._unit_of_work(write, failed="The agreement was not saved.")

    def add_action(self, token: str, action: Action) -> int:
        """Append an action; returns its index in `assessment().workshop.actions`."""
        action = Action.model_validate(action)

        def write(repo: WorkshopRepository) -> int:
            w = self._facilitated(repo, token, lock=True)
            if action.statement is not None:
                self._check_statement(w, action.statement)
            return repo.add_action(w.id, action)

        return self._unit_of_work(write, failed="The action was not saved.")

    def remove_action(self, token: str, index: int) -> None:
        """Remove the action at `index` (its position in `assessment().workshop.actions`)."""

        def write(repo: WorkshopRepository) -> None:
            w = self._facilitated(repo, token, lock=True)
            ids = repo.action_ids(w.id)
            if not isinstance(index, int) or not 0 <= index < len(ids):
                raise WorkshopError(
                    f"There is no action number {index}; reload the page to see the current list."
                )
            repo.delete_action(ids[index])

        self._unit_of_work(write, failed="The action was not removed.")

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

        def write(repo: WorkshopRepository) -> int:
            w = self._facilitated(repo, token, lock=True)
            info = self._info(repo, w)
            rules.fits_file(info, assessment)
            mapping = rules.match_partners(assessment, info.partners, partner_map)
            named = rules.new_participant_names(assessment.respondents, repo.name_keys(w.id))
            new_ids = {
                r.id: repo.add_participant(
                    w.id,
                    respondent_id=rules.new_respondent_id(),
                    name=name,
                    name_key=key,
                    partner_id=mapping[r.partner],
                    token=None,
                    finished=True,
                    is_estimate=r.is_estimate,
                )
                for r, name, key in named
            }
            repo.add_answers([(new_ids[a.respondent], _as_asked(a, w)) for a in assessment.answers])
            self._reveal_if_due(repo, w)
            return len(new_ids)

        return self._unit_of_work(write, failed="The file was not imported.")

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

        def write(repo: WorkshopRepository) -> None:
            # Exclusive on the workshop: a participant saving an answer right now either
            # finishes first or finds the workshop gone, never half of it.
            w = self._facilitated(repo, token, lock=True)
            repo.delete_workshop(w.id)

        self._unit_of_work(write, failed="The workshop was not deleted.")

    # ------------------------------------------------------------------ participant

    def lookup_code(self, join_code: str, client_key: str) -> WorkshopInfo:
        """The workshop a code opens (name, partners, state), without any answers.

        Raises:
            WorkshopError: wrong code; after a few wrong codes from one client, a wait.
        """
        client_key = checked_client_key(client_key)
        code = rules.normalise_join_code(join_code)

        def read(repo: WorkshopRepository) -> WorkshopInfo | None:
            w = self._by_code(repo, code, client_key)
            return None if w is None else self._info(repo, w)

        info = self._unit_of_work(read, write=False, failed="The code could not be checked.")
        return self._right_code(info, client_key)

    def join(
        self, join_code: str, partner_id: str, name: str, client_key: str
    ) -> ParticipantSession:
        """Join an open workshop for a partner under a name unique in the workshop.

        Returns:
            The session; its `participant_token` is the participant's only key (keep it in
            the browser); only its hash is stored.
        """
        client_key = checked_client_key(client_key)
        code = rules.normalise_join_code(join_code)
        name = rules.valid_name(name, "Your name")
        key = name_key(name)

        def write(repo: WorkshopRepository) -> ParticipantSession | None:
            w = self._by_code(repo, code, client_key)
            if w is None:
                return None
            rules.check_allowed("join", w.state)
            if partner_id not in {p.id for p in repo.partners(w.id)}:
                raise WorkshopError("Choose the partner organisation you answer for.")
            if repo.name_taken(w.id, key):
                raise rules.duplicate_name(name)
            session = ParticipantSession(
                participant_token=secrets.token_urlsafe(24),
                workshop_id=w.id,
                respondent_id=rules.new_respondent_id(),
                partner_id=partner_id,
                name=name,
            )
            repo.add_participant(
                w.id,
                respondent_id=session.respondent_id,
                name=name,
                name_key=key,
                partner_id=partner_id,
                token=session.participant_token,
            )
            return session

        try:
            session = self._unit_of_work(write, failed="You have not joined yet.")
        except StorageError as exc:
            # Two people typing the same name at the same moment: the unique index decides.
            if is_unique_conflict(exc):
                raise rules.duplicate_name(name) from None
            raise
        return self._right_code(session, client_key)

    def participant(self, participant_token: str) -> ParticipantView:
        """The caller's own view: workshop info, own answers, finished flag. Nobody else's."""

        def read(repo: WorkshopRepository) -> ParticipantView:
            p, w = self._participant(repo, participant_token)
            info = self._info(repo, w)
            own = {a.statement: a for a in repo.answers_of(p)}
            repo.touch(p.id)
            return ParticipantView(
                workshop=info,
                respondent=p.respondent(),
                own_answers=own,
                finished=p.finished,
                state=info.state,
            )

        return self._unit_of_work(read, failed="Your answers could not be loaded.")

    def save_answer(self, participant_token: str, answer: Answer) -> Answer:
        """Store one answer now (insert or replace), as the caller's respondent.

        Returns:
            The answer as stored: the caller's respondent id, no prediction unless the
            workshop asks for predictions.

        Raises:
            WorkshopError: locked or revealed workshop, unknown statement, invalid link.
            StorageError: not saved (database unavailable); keep the draft and try again.
        """
        answer = Answer.model_validate(answer)

        def write(repo: WorkshopRepository) -> Answer:
            p, w = self._participant(repo, participant_token, lock="share")
            rules.check_allowed("answer", w.state)
            self._check_statement(w, answer.statement, then="; reload the page.")
            stored = _as_asked(answer.model_copy(update={"respondent": p.respondent_id}), w)
            repo.save_answer(p.id, stored)
            repo.touch(p.id)
            return stored

        return self._unit_of_work(
            write,
            failed="Your answer was NOT saved. It is still on this page; press save again.",
        )

    def clear_answer(self, participant_token: str, statement_id: str) -> None:
        """Remove the caller's answer to one statement (back to unanswered)."""

        def write(repo: WorkshopRepository) -> None:
            p, w = self._participant(repo, participant_token, lock="share")
            rules.check_allowed("answer", w.state)
            repo.delete_answer(p.id, statement_id)
            repo.touch(p.id)

        self._unit_of_work(write, failed="Your answer was not cleared; try again.")

    def finish(self, participant_token: str, finished: bool = True) -> WorkshopState:
        """Mark the caller as done, or (`finished=False`) reopen their answers; finishing
        may trigger the automatic reveal.

        Returns:
            The workshop state afterwards (REVEALED when this finish revealed it).
        """

        def write(repo: WorkshopRepository) -> WorkshopState:
            # Exclusive on the workshop: two last finishers must not both miss the reveal.
            p, w = self._participant(repo, participant_token, lock="update")
            rules.check_allowed("answer", w.state)
            repo.touch(p.id, finished=bool(finished))
            return self._reveal_if_due(repo, w) if finished else w.state

        return self._unit_of_work(
            write, failed="Your answers were not marked as finished; try again."
        )

    def revealed_assessment_for_participant(self, participant_token: str) -> Assessment:
        """Everyone's answers, for a participant, once the facilitator has revealed them."""

        def read(repo: WorkshopRepository) -> Assessment:
            _, w = self._participant(repo, participant_token)
            if w.state != WorkshopState.REVEALED:
                raise WorkshopError(rules.HIDDEN_FROM_PARTICIPANTS)
            return self._assessment(repo, w)

        return self._unit_of_work(read, write=False, failed="The results could not be loaded.")

    # ------------------------------------------------------------------ shared steps

    @staticmethod
    def _facilitated(repo: WorkshopRepository, token: str, lock: bool = False) -> StoredWorkshop:
        """The workshop a facilitator link opens (locked for update when `lock`)."""
        w = repo.by_facilitator(token, lock) if isinstance(token, str) and token else None
        if w is None:
            raise WorkshopError(rules.BAD_FACILITATOR)
        return w

    @staticmethod
    def _participant(
        repo: WorkshopRepository, token: str, lock: Lock = None
    ) -> tuple[StoredParticipant, StoredWorkshop]:
        """The participant a link stands for, with its workshop (locked as `lock` says)."""
        found = repo.by_participant(token, lock) if isinstance(token, str) and token else None
        if found is None:
            raise WorkshopError(rules.BAD_PARTICIPANT)
        return found

    def _by_code(
        self, repo: WorkshopRepository, code: str, client_key: str
    ) -> StoredWorkshop | None:
        """The workshop of a normalised code, None for a wrong one; a waiting client is
        refused first, whatever the code."""
        JoinThrottle.check(repo, client_key)
        return repo.by_join_code(code) if rules.is_join_code(code) else None

    def _right_code(self, found: T | None, client_key: str) -> T:
        """What a code found; a wrong code is counted against the client and refused."""
        if found is None:
            raise self._throttle.wrong_code(client_key)
        self._throttle.forgive(client_key)
        return found

    def _info(self, repo: WorkshopRepository, w: StoredWorkshop) -> WorkshopInfo:
        return WorkshopInfo(
            workshop_id=w.id,
            name=w.name,
            partnership_type=w.partnership_type,
            banks=w.banks,
            partners=repo.partners(w.id),
            state=w.state,
            ask_predictions=w.ask_predictions,
            auto_reveal=w.auto_reveal,
            statements=list(self._statements(w.banks, w.partnership_type)),
            created_at=w.created_at,
            revealed_at=w.revealed_at,
        )

    def _check_statement(self, w: StoredWorkshop, statement: str, then: str = ".") -> None:
        if statement not in self._statements(w.banks, w.partnership_type):
            raise WorkshopError(f"'{statement}' is not a question of this workshop{then}")

    @staticmethod
    def _reveal_if_due(repo: WorkshopRepository, w: StoredWorkshop) -> WorkshopState:
        """Reveal now if the workshop reveals itself and everyone has finished."""
        if rules.may_auto_reveal(w) and rules.everyone_finished(
            repo.participants(w.id), {p.id for p in repo.partners(w.id)}
        ):
            repo.mark_revealed(w.id)
            return WorkshopState.REVEALED
        return w.state

    def _assessment(self, repo: WorkshopRepository, w: StoredWorkshop) -> Assessment:
        """Everything stored for the workshop; answers and agreements in statement order."""
        info = self._info(repo, w)
        order = {q: i for i, q in enumerate(info.statements)}

        def place(statement: str) -> tuple[int, str]:
            return order.get(statement, len(order)), statement

        people = repo.participants(w.id)
        rank = {p.id: i for i, p in enumerate(people)}
        answers = sorted(
            repo.workshop_answers(w.id), key=lambda pa: (rank[pa[0]], *place(pa[1].statement))
        )
        return Assessment(
            name=info.name,
            partnership_type=info.partnership_type,
            banks=info.banks,
            partners=info.partners,
            respondents=[p.respondent() for p in people],
            answers=[a for _, a in answers],
            workshop=WorkshopRecord(
                agreed=sorted(repo.agreements(w.id), key=lambda a: place(a.statement)),
                actions=repo.actions(w.id),
                revealed_at=info.revealed_at,
            ),
            created_at=info.created_at,
        )


def _as_asked(answer: Answer, w: StoredWorkshop) -> Answer:
    """The answer without its prediction when the workshop does not ask for predictions."""
    return answer if w.ask_predictions else answer.model_copy(update={"prediction": None})


def _progress(
    p: StoredParticipant, partner_names: dict[str, str], answered: int, total: int
) -> ParticipantProgress:
    return ParticipantProgress(
        respondent_id=p.respondent_id,
        name=p.name,
        partner_id=p.partner_id,
        partner_name=partner_names.get(p.partner_id, p.partner_id),
        answered=answered,
        total=total,
        finished=p.finished,
        last_seen=p.last_seen,
        is_estimate=p.is_estimate,
        offline=p.offline,
    )
