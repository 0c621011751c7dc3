"""The workshop's use cases. Each checks its input, then does its work in ONE unit of work
(one transaction) through the repository; the rules it applies live in `rules`.

Participant-side use cases never return anyone else's answers before the reveal, and the
facilitator's dashboard shows counts, not answers.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar, Unpack

from pydantic import ValidationError

from ..assessment import Action, AgreedItem, Answer, Assessment, Partner, WorkshopRecord
from ..bank import QUESTIONS_DIR, PartnershipType, Sector, load_bank_set
from ..errors import PartnershipFitError, QuestionBankError, StorageError, WorkshopError
from ..plan import SessionPlan, planned_statements
from ..sectors import partnership_type_for, settle_sectors
from ..storage import DatabaseService, ServiceOptions
from ..text import name_key
from . import invite, rules
from .health import SaveFailures
from .models import (
    ActionItem,
    AnonymityOptions,
    Dashboard,
    Discussion,
    ParticipantProgress,
    ParticipantSession,
    ParticipantView,
    RoomState,
    RoomView,
    StoredParticipant,
    StoredWorkshop,
    WorkshopCreated,
    WorkshopInfo,
    WorkshopLinks,
    WorkshopState,
)
from .repository import Lock, UnitOfWork, WorkshopRepository, is_unique_conflict
from .throttle import Gate, checked_client_key, take_wrong_code, wrong_code_refused

__all__ = ["WorkshopService"]

T = TypeVar("T")
_JOIN_CODE_ATTEMPTS = 5  # a join code collision (about 1 in 10^13) just draws another code


class _Statements:
    """Qualified statement ids a session of a bank choice asks (every applicable one without
    a plan), in bank order (cached: banks do not change while the app runs)."""

    def __init__(self, questions_dir: Path) -> None:
        self.questions_dir = questions_dir
        self._cache: dict[tuple[tuple[str, ...], str, str], tuple[str, ...]] = {}

    def __call__(
        self,
        banks: Sequence[str],
        ptype: PartnershipType | str,
        plan: SessionPlan | None = None,
    ) -> tuple[str, ...]:
        key = (tuple(banks), str(ptype), "" if plan is None else plan.model_dump_json())
        cached = self._cache.get(key)
        if cached is None:
            try:
                bank_set = load_bank_set(list(banks), self.questions_dir)
            except QuestionBankError as exc:
                raise WorkshopError(
                    f"The workshop's question banks cannot be used: {exc}"
                ) from None
            cached = tuple(planned_statements(bank_set, PartnershipType(ptype), plan))
            self._cache[key] = cached
        return cached


class WorkshopService(DatabaseService):
    """Workshops in a database: create, join, answer blind, reveal, export.

    Every answer is written the moment it is given, in its own short transaction;
    multi-row operations (creating a workshop, importing an offline file) are all-or-nothing.

    Args:
        questions_dir: where the question banks live.
        on_room_change: called with a workshop's id after a committed change of what its
            waiting screens show (`RoomState.version` moved on: a lock, the reveal, the
            discussion, someone removed or moved), in the caller's thread; must not raise.
            The other arguments, and the errors at start-up, are those of
            `storage.DatabaseService`.
    """

    def __init__(
        self,
        database_url: str,
        *,
        questions_dir: Path | str = QUESTIONS_DIR,
        on_room_change: Callable[[str], None] | None = None,
        **options: Unpack[ServiceOptions],
    ) -> None:
        self.questions_dir = Path(questions_dir)
        self._statements = _Statements(self.questions_dir)
        super().__init__(database_url, **options)
        self._unit_of_work = UnitOfWork(self.store, self._now, on_room_change)
        self._save_failures = SaveFailures(self._clock)

    # ------------------------------------------------------------------ facilitator

    def create_workshop(
        self,
        name: str,
        partnership_type: PartnershipType | str,
        banks: list[str],
        partner_names: list[str],
        ask_predictions: bool = True,
        auto_reveal: bool = False,
        *,
        expected_headcounts: Sequence[int] | None = None,
        anonymity: AnonymityOptions | Mapping[str, object] | None = None,
        sectors: Sequence[Sector | None] = (),
        plan: SessionPlan | None = None,
    ) -> WorkshopCreated:
        """Create a workshop with its partners, in one transaction.

        Args:
            auto_reveal: reveal by itself once the people expected for every partner have
                finished; without `expected_headcounts` it waits until they are set.
            expected_headcounts: people expected per partner, in the order of
                `partner_names` (can be set later with `set_expected_headcounts`).
            anonymity: what shared screens and exports show (default: names hidden,
                comments attributed, groups of at least 3).
            sectors: each partner's sector, in the order of `partner_names` (None or
                missing: not said); when all are said they decide the partnership type.
            plan: a short session (levels, core set, importance); its guesses follow
                `ask_predictions`. None, or a plan that asks everything: the whole session.

        Returns:
            The id, the facilitator token (keep it: it is the only key to the workshop;
            only its hash is stored) and the join code for participants.
        """
        name = rules.valid_name(name, "The workshop name")
        names = rules.partner_names(partner_names)
        given = (list(sectors) + [None] * len(names))[: len(names)]
        ptype = partnership_type_for(given) or rules.parse_partnership_type(partnership_type)
        banks = rules.check_banks(banks)
        plan = _stored_plan(plan, bool(ask_predictions))
        if not self._statements(banks, ptype, plan):
            raise WorkshopError(
                "The chosen question banks and session plan have no statements for this "
                "partnership type; choose another bank or more levels."
            )
        listed = [
            Partner(id=rules.partner_id(i), name=n, sector=sector)
            for i, (n, sector) in enumerate(zip(names, settle_sectors(ptype, given), strict=True))
        ]
        headcounts = _headcounts_by_partner(listed, expected_headcounts)
        settings = {
            "name": name,
            "partnership_type": ptype,
            "banks": banks,
            "ask_predictions": bool(ask_predictions),
            "auto_reveal": bool(auto_reveal),
            "anonymity": _anonymity(anonymity),
            "plan": plan,
        }
        return self._insert_workshop(settings, listed, headcounts)

    def _insert_workshop(
        self, settings: dict[str, object], listed: list[Partner], headcounts: dict[str, int]
    ) -> WorkshopCreated:
        """Store a checked workshop with a fresh join code (another on a collision)."""

        def create(repo: WorkshopRepository) -> WorkshopCreated:
            facilitator_token = secrets.token_urlsafe(24)
            links = rules.links_of(facilitator_token)
            created = WorkshopCreated(
                workshop_id=secrets.token_hex(16),
                facilitator_token=facilitator_token,
                join_code=rules.new_join_code(),
                **links.model_dump(),
            )
            repo.add_workshop(
                workshop_id=created.workshop_id,
                facilitator_token=created.facilitator_token,
                links=links,
                join_code=created.join_code,
                **settings,
            )
            repo.add_partners(created.workshop_id, listed, headcounts)
            return created

        for _ in range(_JOIN_CODE_ATTEMPTS):
            try:
                return self._unit_of_work(create, failed="The workshop was not created.")
            except StorageError as exc:
                if not is_unique_conflict(exc):
                    raise
        raise StorageError("The workshop was not created: no free join code was found; try again.")

    def set_expected_headcounts(self, token: str, headcounts: Mapping[str, int]) -> WorkshopState:
        """Set (or change) how many people each partner brings (partner id -> number).

        Returns:
            The workshop state afterwards: with the automatic reveal on, REVEALED when that
            many people of every partner have already finished.
        """

        def write(repo: WorkshopRepository) -> WorkshopState:
            w = self._facilitated(repo, token, lock=True)
            partner_ids = [p.id for p in repo.partners(w.id)]
            repo.set_expected_headcounts(w.id, rules.check_headcounts(headcounts, partner_ids))
            return self._reveal_if_due(repo, w)

        return self._unit_of_work(write, failed="The numbers of people were not saved.")

    def dashboard(self, token: str) -> Dashboard:
        """Progress of every participant: counts only, never answers."""

        def read(repo: WorkshopRepository) -> Dashboard:
            w = self._facilitated(repo, token)
            info = self._info(repo, w)
            counts = repo.answer_counts(w.id, info.statements)
            unsaved, unsaved_people = self._save_failures.waiting(w.id)
            names = {p.id: p.name for p in info.partners}
            people = repo.participants(w.id)
            return Dashboard(
                workshop=info,
                participants=[
                    _progress(p, names, counts.get(p.id, 0), len(info.statements)) for p in people
                ],
                partners=rules.partner_progress(info, people, counts),
                state=info.state,
                join_code=rules.format_join_code(w.join_code),
                room=w.room,
                failed_saves=self._save_failures.recent(w.id),
                unsaved_answers=unsaved,
                unsaved_people=unsaved_people,
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
        """The whole workshop as a core `Assessment`; only after the reveal. When the
        workshop keeps comments anonymous, respondents are "Harbour Trust, respondent 1"
        and so on, with fresh ids (`rules.unattributed`). A partner with fewer people than
        the minimum group size who left comments has its respondents named that way too
        (`rules.unnamed`). Score it with the workshop's `rules.scoring_rules`."""

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

    def record_agreement(self, token: str, item: AgreedItem, *, version: int | None = None) -> int:
        """Store (or replace) what the partners agreed about one statement.

        Args:
            version: the agreement's version the editor's page showed (0: there was none;
                see `discussion`); a newer stored one refuses the save. None: no check.

        Returns:
            The agreement's version now stored.
        """
        item = AgreedItem.model_validate(item)

        def write(repo: WorkshopRepository) -> int:
            w = self._facilitated(repo, token, lock=True)
            self._check_statement(w, item.statement)
            stored = repo.agreement_version(w.id, item.statement)
            rules.check_version(version, stored, "agreement")
            if not repo.save_agreement(w.id, item, version):
                raise rules.stale_copy("agreement")
            repo.change_room(w.id)
            return stored + 1

        return self._unit_of_work(write, failed="The agreement was not saved.")

    def add_action(self, token: str, action: Action) -> int:
        """Append an action; returns its index in `assessment().workshop.actions` (its
        stable id is in `discussion(token).actions`)."""
        action = Action.model_validate(action)

        def write(repo: WorkshopRepository) -> int:
            w = self._facilitated(repo, token, lock=True)
            if action.statement is not None:
                self._check_statement(w, action.statement)
            _, index = repo.add_action(w.id, action)
            repo.change_room(w.id)
            return index

        return self._unit_of_work(write, failed="The action was not saved.")

    def remove_action(self, token: str, action: str | int) -> None:
        """Remove an action by its id (`ActionItem.id`, a string).

        An int is taken as the action's position in `assessment().workshop.actions`; a
        tab showing an older list then removes another action than the one shown, so pass
        the id.
        """

        def write(repo: WorkshopRepository) -> None:
            w = self._facilitated(repo, token, lock=True)
            row_id = _action_row(repo, w.id, action)
            if row_id is None or not repo.delete_action(w.id, row_id):
                raise WorkshopError(
                    "That action is not in the list any more (it may have been removed in "
                    "another tab); reload the page to see the current list."
                )
            repo.change_room(w.id)

        self._unit_of_work(write, failed="The action was not removed.")

    def discussion(self, token: str) -> Discussion:
        """The discussion for the facilitator: room state, agreements with their versions,
        actions with their ids."""

        def read(repo: WorkshopRepository) -> Discussion:
            return _discussion(repo, self._facilitated(repo, token))

        return self._unit_of_work(read, write=False, failed="The discussion could not be loaded.")

    def set_discussion_item(
        self, token: str, statement: str | None, *, timer_seconds: int | None = None
    ) -> RoomState:
        """Show `statement` (None: none) as the item under discussion, on every screen;
        with `timer_seconds`, its timer starts now."""
        seconds = rules.check_timer(timer_seconds)

        def write(repo: WorkshopRepository) -> RoomState:
            w = self._facilitated(repo, token, lock=True)
            if statement is not None:
                self._check_statement(w, statement)
            repo.change_room(
                w.id,
                current_statement=statement,
                timer_started_at=None if seconds is None else repo.stamp,
                timer_seconds=seconds,
            )
            return self._facilitated(repo, token).room

        return self._unit_of_work(write, failed="The discussion item was not changed.")

    # ------------------------------------------------------------------ room view

    def links(self, token: str) -> WorkshopLinks:
        """The keys of the workshop's shared links, always the same for a workshop:

        - `room_token`, for the projector's room view (`room_view`, `room_results`): the
          code, progress per partner and, after the reveal, the results; no facilitator
          power, no answers before the reveal;
        - `join_key`, for the QR code's join link (`lookup_code`/`join` with `join_key=`):
          it is too long to guess, so it joins without the wrong-code throttle.
        """
        if not isinstance(token, str) or not token:
            raise WorkshopError(rules.BAD_FACILITATOR)
        links = rules.links_of(token)

        def read(repo: WorkshopRepository) -> bool:
            return self._facilitated(repo, token).has_links

        def write(repo: WorkshopRepository) -> None:
            # Workshops created before these links existed get them on first use.
            repo.set_links(self._facilitated(repo, token, lock=True).id, links)

        if not self._unit_of_work(read, write=False, failed="The links are not ready."):
            self._unit_of_work(write, failed="The links are not ready.")
        return links

    def room_view(self, room_token: str) -> RoomView:
        """What the projector shows: counts per partner (names only when the workshop
        shows names on shared screens), the join code and the discussion state."""

        def read(repo: WorkshopRepository) -> RoomView:
            w = self._projected(repo, room_token)
            info = self._info(repo, w)
            people = repo.participants(w.id)
            counts = repo.answer_counts(w.id, info.statements)
            names = {p.id: p.name for p in info.partners}
            total = len(info.statements)
            shown = [] if w.anonymity.hide_names else people
            return RoomView(
                workshop=info,
                join_code=rules.format_join_code(w.join_code),
                partners=rules.partner_progress(info, people, counts),
                people=[_progress(p, names, counts.get(p.id, 0), total) for p in shown],
                room=w.room,
            )

        return self._unit_of_work(read, write=False, failed="The room view could not be loaded.")

    def room_results(self, room_token: str) -> Assessment:
        """Everyone's answers for the projector, once revealed; nobody named when the
        workshop hides names on shared screens or keeps comments anonymous."""

        def read(repo: WorkshopRepository) -> Assessment:
            w = self._projected(repo, room_token)
            if w.state != WorkshopState.REVEALED:
                raise WorkshopError(rules.HIDDEN_FROM_PARTICIPANTS)
            return self._assessment(repo, w, shared_screen=True)

        return self._unit_of_work(read, write=False, failed="The results could not be loaded.")

    # ------------------------------------------------------------------ people

    def remove_participant(self, token: str, respondent_id: str) -> None:
        """Remove a participant (a stray, a duplicate) with their answers; their link stops
        working and their name is free again."""

        def write(repo: WorkshopRepository) -> None:
            w = self._facilitated(repo, token, lock=True)
            repo.remove_participant(_someone(repo, w, respondent_id).id)
            repo.change_room(w.id)  # the removed person's page says their link is gone

        self._unit_of_work(write, failed="The participant was not removed.")

    def move_participant(
        self, token: str, respondent_id: str, partner_id: str, *, keep_answers: bool
    ) -> WorkshopState:
        """Move a participant to another partner organisation, with their answers
        (`keep_answers`) or without them (discarded; they answer again). Not after the
        reveal. Returns the workshop state afterwards (the move may complete the expected
        headcount of the automatic reveal)."""

        def write(repo: WorkshopRepository) -> WorkshopState:
            w = self._facilitated(repo, token, lock=True)
            rules.check_allowed("move", w.state)
            person = _someone(repo, w, respondent_id)
            self._check_newcomer(repo, w, partner_id, person.name, moving=person)
            repo.move_participant(person.id, partner_id, keep_answers=bool(keep_answers))
            repo.change_room(w.id)  # the moved person's page shows their new organisation
            return self._reveal_if_due(repo, w)

        return self._unit_of_work(write, failed="The participant was not moved.")

    def switch_partner(self, participant_token: str, partner_id: str) -> ParticipantSession:
        """The caller chose the wrong organisation: answer for `partner_id` instead. Only
        before their first answer, and while the workshop is open."""

        def write(repo: WorkshopRepository) -> ParticipantSession:
            p, w = self._participant(repo, participant_token, lock="update")
            rules.check_allowed("answer", w.state)
            if p.finished or repo.has_answers(p.id):
                raise WorkshopError(
                    "You have already answered, so you cannot switch organisation yourself; "
                    "ask the facilitator to move you."
                )
            self._check_newcomer(repo, w, partner_id, p.name, moving=p)
            repo.move_participant(p.id, partner_id, keep_answers=True)
            return ParticipantSession(
                participant_token=participant_token,
                workshop_id=w.id,
                respondent_id=p.respondent_id,
                partner_id=partner_id,
                name=p.name,
            )

        return self._unit_of_work(write, failed="Your organisation was not changed.")

    def import_assessment(
        self,
        token: str,
        assessment: Assessment,
        partner_map: dict[str, str] | None = None,
    ) -> int:
        """Add an offline participant's file: all its respondents and answers, or nothing.

        In a short session only the answers to the planned statements are added; the others
        are left out (`rules.planned_answers` counts them, `rules.left_out_note` says so).

        Args:
            assessment: the parsed file (`parse_assessment`).
            partner_map: file partner id -> workshop partner id; by default partners are
                matched by name (case-insensitive). Only partners with respondents need a match.

        Returns:
            The number of respondents added.

        Raises:
            WorkshopError: other banks, a statement its banks do not ask, an unknown
                partner, or a respondent name already in the workshop. Nothing is stored.
        """
        assessment = Assessment.model_validate(assessment)
        if not assessment.respondents:
            raise WorkshopError("The file has no respondents; there is nothing to import.")

        def write(repo: WorkshopRepository) -> int:
            w = self._facilitated(repo, token, lock=True)
            info = self._info(repo, w)
            rules.fits_file(info, assessment, self._statements(w.banks, w.partnership_type))
            answers, _ = rules.planned_answers(info, assessment)
            mapping = rules.match_partners(assessment, info.partners, partner_map)
            named = rules.new_participant_names(assessment.respondents, repo.name_keys(w.id))
            partner_names = {p.id: p.name for p in info.partners}
            new_ids = {}
            for r, name, key in named:
                target = mapping[r.partner]
                others = repo.names_of_partner(w.id, target)  # this file's earlier ones too
                rules.check_look_alike(name, others, partner_names[target], "import")
                new_ids[r.id] = repo.add_participant(
                    w.id,
                    respondent_id=rules.new_respondent_id(),
                    name=name,
                    name_key=key,
                    partner_id=target,
                    token=None,
                    finished=True,
                    is_estimate=r.is_estimate,
                )
            repo.add_answers([(new_ids[a.respondent], _as_asked(a, w)) for a in answers])
            repo.change_room(w.id)  # after the reveal, the results shown change with it
            self._reveal_if_due(repo, w)
            return len(new_ids)

        return self._unit_of_work(write, failed="The file was not imported.")

    def delete_workshop(self, token: str) -> None:
        """Delete the workshop and everything stored for it, in one transaction.

        Partners, participants (names and links), answers with their comments, agreements
        and actions go with it; afterwards the facilitator link, the join code and every
        participant link are refused like unknown ones. The join throttle's buckets are kept:
        they belong to clients and the server, not to a workshop.

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

    def lookup_code(
        self, join_code: str, client_key: str, *, join_key: str | None = None
    ) -> WorkshopInfo:
        """The workshop a code opens (name, partners, state), without any answers.

        Args:
            join_key: from the QR code's join link (`links`); a right one opens the
                workshop whatever the throttle says, a wrong one counts as a wrong code.

        Raises:
            WorkshopError: wrong code; or too many wrong codes were tried lately, by this
                client or on the whole server (see `throttle`), so it was not checked.
        """
        client_key = checked_client_key(client_key)
        code = rules.normalise_join_code(join_code)

        def read(repo: WorkshopRepository) -> WorkshopInfo | str | None:
            w = self._by_code(repo, code, client_key, join_key=join_key)
            return w if not isinstance(w, StoredWorkshop) else self._info(repo, w)

        return _found(self._unit_of_work(read, failed="The code could not be checked."))

    def join(
        self,
        join_code: str,
        partner_id: str,
        name: str,
        client_key: str,
        *,
        join_key: str | None = None,
    ) -> ParticipantSession:
        """Join an open workshop for a partner under a name unique in the workshop (and not
        a look-alike of a name already used for that partner); `join_key` as in
        `lookup_code`.

        Returns:
            The session; its `participant_token` is the participant's only key (keep it in
            the browser); only its hash is stored.
        """
        client_key = checked_client_key(client_key)
        code = rules.normalise_join_code(join_code)
        name = rules.valid_name(name, "Your name")

        def write(repo: WorkshopRepository) -> ParticipantSession | str | None:
            w = self._by_code(repo, code, client_key, lock=True, join_key=join_key)
            if not isinstance(w, StoredWorkshop):
                return w
            rules.check_allowed("join", w.state)
            self._check_newcomer(repo, w, partner_id, name)
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
                name_key=name_key(name),
                partner_id=partner_id,
                token=session.participant_token,
            )
            return session

        try:
            session = _found(self._unit_of_work(write, failed="You have not joined yet."))
        except StorageError as exc:
            # Two people typing the same name at the same moment: the unique index decides.
            if is_unique_conflict(exc):
                raise rules.duplicate_name(name) from None
            raise
        self._save_failures.remember(session.participant_token, session.workshop_id)
        return session

    def participant(self, participant_token: str) -> ParticipantView:
        """The caller's own view: workshop info, own answers, finished flag. Nobody else's."""

        def read(repo: WorkshopRepository) -> ParticipantView:
            # Reads only: a page must load even while the database refuses writes.
            p, w = self._participant(repo, participant_token)
            info = self._info(repo, w)
            own = repo.answers_of(p)
            return ParticipantView(
                workshop=info,
                respondent=p.respondent(),
                own_answers={a.statement: a for a, _ in own},
                answer_versions={a.statement: v for a, v in own},
                finished=p.finished,
                state=info.state,
                room=w.room,
            )

        view = self._unit_of_work(read, write=False, failed="Your answers could not be loaded.")
        self._save_failures.remember(participant_token, view.workshop.workshop_id)
        return view

    def room_state(self, participant_token: str) -> RoomState:
        """One small read for a waiting screen: poll it, and reload the page only when
        `version` changed."""

        def read(repo: WorkshopRepository) -> RoomState:
            return self._participant(repo, participant_token)[1].room

        return self._unit_of_work(read, write=False, failed="The workshop could not be read.")

    def participant_discussion(self, participant_token: str) -> Discussion:
        """The discussion as a participant follows it: the current item and its timer,
        what was agreed and the actions."""

        def read(repo: WorkshopRepository) -> Discussion:
            return _discussion(repo, self._participant(repo, participant_token)[1])

        return self._unit_of_work(read, write=False, failed="The discussion could not be loaded.")

    def save_answer(
        self, participant_token: str, answer: Answer, *, version: int | None = None
    ) -> Answer:
        """Store one answer now (insert or replace), as the caller's respondent.

        Args:
            version: the version of this answer the caller's page showed
                (`ParticipantView.answer_versions`, 0 when unanswered). A stored answer of
                another version is not overwritten. A saved answer's version is then
                `version + 1`. None: no check (last save wins).

        Returns:
            The answer as stored: the caller's respondent id, no prediction unless the
            workshop asks for predictions.

        Raises:
            WorkshopError: locked or revealed workshop, unknown statement, invalid link,
                an out-of-date `version`.
            StorageError: not saved (database unavailable); keep the draft and try again.
        """
        answer = Answer.model_validate(answer)

        def write(repo: WorkshopRepository) -> Answer:
            p, w = self._answering(repo, participant_token)
            self._check_statement(w, answer.statement, then="; reload the page.")
            if answer.predictions:
                others = {q.id for q in repo.partners(w.id)} - {p.partner_id}
                if not set(answer.predictions) <= others:
                    raise WorkshopError(
                        "A guess can only be about another partner of the workshop."
                    )
            stored = _as_asked(answer.model_copy(update={"respondent": p.respondent_id}), w)
            # The version is compared by the write itself, under the row's lock.
            if not repo.save_answer(p.id, stored, version):
                raise rules.stale_copy("answer")  # another save of this copy came first
            if rules.last_seen_due(p.last_seen, repo.now):
                repo.touch(p.id)
            return stored

        return self._participant_write(
            participant_token,
            write,
            failed="Your answer was NOT saved. It is still on this page; press save again.",
            statement=answer.statement,
        )

    def clear_answer(
        self, participant_token: str, statement_id: str, *, version: int | None = None
    ) -> None:
        """Remove the caller's answer to one statement (back to unanswered); `version` as
        in `save_answer`."""

        def write(repo: WorkshopRepository) -> None:
            p, _ = self._answering(repo, participant_token)
            rules.check_version(version, repo.answer_version(p.id, statement_id), "answer")
            repo.delete_answer(p.id, statement_id)
            repo.touch(p.id)

        self._participant_write(
            participant_token,
            write,
            failed="Your answer was not cleared; try again.",
            statement=statement_id,
        )

    def report_unsaved(self, participant_token: str, statements: Sequence[str]) -> None:
        """The caller's page holds answers to `statements` that are not saved: a save just
        failed, so the others were not tried. Counted for the dashboard; no database call."""
        self._save_failures.waiting_on(participant_token, statements)

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

        return self._participant_write(
            participant_token, write, failed="Your answers were not marked as finished; try again."
        )

    def revealed_assessment_for_participant(self, participant_token: str) -> Assessment:
        """Everyone's answers, for a participant, once the facilitator has revealed them."""

        def read(repo: WorkshopRepository) -> Assessment:
            _, w = self._participant(repo, participant_token)
            if w.state != WorkshopState.REVEALED:
                raise WorkshopError(rules.HIDDEN_FROM_PARTICIPANTS)
            return self._assessment(repo, w)

        return self._unit_of_work(read, write=False, failed="The results could not be loaded.")

    # ------------------------------------------------------------------ invitation by link

    def invite_partners(
        self, assessment: Assessment, owner_respondent: str | None, *, owner_finished: bool
    ) -> WorkshopCreated:
        """Share a solo assessment by link: a workshop without a room, made from its set-up
        (`invite.invitation_of`), with its owner's own answers in and the answers opening by
        themselves once every partner has one person finished (`set_expected_headcounts`
        changes those numbers). All of it, or nothing.

        Args:
            owner_respondent: who answered the solo assessment for their own organisation.
            owner_finished: whether the owner has handed in; if not, the answers wait for
                them too.

        Returns:
            As `create_workshop`; the owner's participant link is `invite.owner_token` of
            its facilitator token.
        """
        invitation = invite.invitation_of(Assessment.model_validate(assessment), owner_respondent)
        created = self.create_workshop(
            invitation.name,
            invitation.partnership_type,
            invitation.banks,
            invitation.partner_names,
            ask_predictions=invitation.ask_predictions,
            auto_reveal=True,
            expected_headcounts=[1] * len(invitation.partner_names),
            sectors=invitation.sectors,
            plan=invitation.plan,
        )
        try:
            self._seat_owner(created.facilitator_token, invitation, bool(owner_finished))
        except PartnershipFitError:
            self.delete_workshop(created.facilitator_token)
            raise
        return created

    def _seat_owner(self, token: str, invitation: invite.Invitation, finished: bool) -> None:
        """The workshop made without a room, and the owner a participant of their own
        organisation, with their answers."""
        owner = invitation.owner
        name = rules.valid_name(owner.name, "Your name")

        def write(repo: WorkshopRepository) -> None:
            w = self._facilitated(repo, token, lock=True)
            repo.set_without_room(w.id)
            self._check_newcomer(repo, w, owner.partner, name)
            asked = set(self._statements(w.banks, w.partnership_type, w.plan))
            row = repo.add_participant(
                w.id,
                respondent_id=rules.new_respondent_id(),
                name=name,
                name_key=name_key(name),
                partner_id=owner.partner,
                token=invite.owner_token(token),
                finished=finished,
            )
            kept = [a for a in invitation.answers if a.statement in asked]
            repo.add_answers([(row, _as_asked(a, w)) for a in kept])
            self._reveal_if_due(repo, w)

        self._unit_of_work(write, failed="Your own answers were not brought in.")

    # ------------------------------------------------------------------ shared steps

    @staticmethod
    def _facilitated(repo: WorkshopRepository, token: str, lock: bool = False) -> StoredWorkshop:
        """The workshop a facilitator link opens (locked for update when `lock`)."""
        w = repo.by_facilitator(token, lock) if isinstance(token, str) and token else None
        if w is None:
            raise WorkshopError(rules.BAD_FACILITATOR)
        return w

    @staticmethod
    def _projected(repo: WorkshopRepository, room_token: str) -> StoredWorkshop:
        w = repo.by_room(room_token) if isinstance(room_token, str) and room_token else None
        if w is None:
            raise WorkshopError(rules.BAD_ROOM)
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

    def _answering(
        self, repo: WorkshopRepository, token: str
    ) -> tuple[StoredParticipant, StoredWorkshop]:
        """The participant of a link, in a workshop that takes answers now."""
        p, w = self._participant(repo, token, lock="share")
        rules.check_allowed("answer", w.state)
        return p, w

    def _participant_write(
        self,
        token: str,
        work: Callable[[WorkshopRepository], T],
        *,
        failed: str,
        statement: str | None = None,
    ) -> T:
        """A participant's save (of their answer to `statement`); one that fails is counted
        for the dashboard, and the answer is waiting until a save of it is stored or refused
        (a refused one is not retried)."""
        try:
            done = self._unit_of_work(work, failed=failed)
        except StorageError:
            self._save_failures.failed(token, statement)
            raise
        except WorkshopError:
            self._save_failures.settled(token, statement)
            raise
        self._save_failures.settled(token, statement)
        return done

    @staticmethod
    def _by_code(
        repo: WorkshopRepository,
        code: str,
        client_key: str,
        lock: bool = False,
        join_key: str | None = None,
    ) -> StoredWorkshop | str | None:
        """The workshop of a join link's key, else of a normalised code; None for a wrong
        code (counted against the throttle's buckets); the refusal's message when the
        buckets let no code through. A join key is 256 bits: guessing it needs no throttle."""
        if isinstance(join_key, str) and join_key:
            w = repo.by_join_key(join_key, lock)
            if w is not None:
                return w
        gate = Gate.open(repo, client_key)
        if gate.refusal is not None:
            return gate.refusal
        w = repo.by_join_code(code, lock) if rules.is_join_code(code) else None
        if w is None:
            take_wrong_code(repo, gate)
        return w

    def _check_newcomer(
        self,
        repo: WorkshopRepository,
        w: StoredWorkshop,
        partner_id: str,
        name: str,
        moving: StoredParticipant | None = None,
    ) -> None:
        """`name` may join `partner_id` (or `moving` move there): a partner of the
        workshop, the name not taken in the workshop, nor a look-alike within the partner."""
        names = {p.id: p.name for p in repo.partners(w.id)}
        if partner_id not in names:
            raise WorkshopError("Choose the partner organisation you answer for.")
        if moving is None and repo.name_taken(w.id, name_key(name)):
            raise rules.duplicate_name(name)
        others = repo.names_of_partner(w.id, partner_id)
        if moving is not None:
            others = [n for n in others if n != moving.name]
        rules.check_look_alike(name, others, names[partner_id])

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
            statements=list(self._statements(w.banks, w.partnership_type, w.plan)),
            created_at=w.created_at,
            revealed_at=w.revealed_at,
            anonymity=w.anonymity,
            expected_headcounts=repo.expected_headcounts(w.id),
            plan=w.plan,
            has_room=w.has_room,
        )

    def _check_statement(self, w: StoredWorkshop, statement: str, then: str = ".") -> None:
        if statement not in self._statements(w.banks, w.partnership_type, w.plan):
            raise WorkshopError(f"'{statement}' is not a question of this workshop{then}")

    @staticmethod
    def _reveal_if_due(repo: WorkshopRepository, w: StoredWorkshop) -> WorkshopState:
        """Reveal now if the workshop reveals itself and the people the facilitator
        expects have all finished."""
        if rules.may_auto_reveal(w) and rules.expected_people_finished(
            repo.participants(w.id),
            repo.expected_headcounts(w.id),
            {p.id for p in repo.partners(w.id)},
        ):
            repo.mark_revealed(w.id)
            return WorkshopState.REVEALED
        return w.state

    def _assessment(
        self, repo: WorkshopRepository, w: StoredWorkshop, shared_screen: bool = False
    ) -> Assessment:
        """Everything stored for the workshop; answers and agreements in statement order;
        nobody named where the anonymity options (and a `shared_screen`) say so, nor in a
        partner smaller than the minimum group size."""
        info = self._info(repo, w)
        order = {q: i for i, q in enumerate(info.statements)}

        def place(statement: str) -> tuple[int, str]:
            return order.get(statement, len(order)), statement

        people = repo.participants(w.id)
        rank = {p.id: i for i, p in enumerate(people)}
        answers = sorted(
            repo.workshop_answers(w.id), key=lambda pa: (rank[pa[0]], *place(pa[1].statement))
        )
        respondents = [p.respondent() for p in people]
        answer_list = [a for _, a in answers]
        if w.anonymity.anonymous_comments or (shared_screen and w.anonymity.hide_names):
            respondents, answer_list = rules.unattributed(respondents, answer_list, info.partners)
        else:
            small = rules.small_groups_with_comments(
                answer_list, respondents, w.anonymity.min_group_size
            )
            respondents = rules.unnamed(respondents, info.partners, small)
        return Assessment(
            name=info.name,
            partnership_type=info.partnership_type,
            banks=info.banks,
            partners=info.partners,
            respondents=respondents,
            answers=answer_list,
            workshop=WorkshopRecord(
                agreed=sorted(repo.agreements(w.id), key=lambda a: place(a.statement)),
                actions=repo.actions(w.id),
                revealed_at=info.revealed_at,
            ),
            created_at=info.created_at,
            plan=info.plan,
        )


def _as_asked(answer: Answer, w: StoredWorkshop) -> Answer:
    """The answer without what the workshop does not ask: predictions, importance."""
    dropped: dict[str, object] = {}
    if not w.ask_predictions:
        dropped.update(prediction=None, predictions=None)
    if w.plan is not None and not w.plan.ask_importance:
        dropped["importance"] = None
    return answer.model_copy(update=dropped) if dropped else answer


def _stored_plan(plan: SessionPlan | None, ask_predictions: bool) -> SessionPlan | None:
    """The plan to store: its guesses are the workshop's predictions; None when it asks
    everything, so such a workshop is stored (and exported) as before plans existed."""
    if plan is None:
        return None
    plan = SessionPlan.model_validate(plan)
    if plan.model_copy(update={"ask_guesses": True}) == SessionPlan():
        return None
    return plan.model_copy(update={"ask_guesses": ask_predictions})


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


def _headcounts_by_partner(
    listed: Sequence[Partner], counts: Sequence[int] | None
) -> dict[str, int]:
    """Partner id -> people expected, from numbers in the order of the partners."""
    if counts is None:
        return {}
    counts = list(counts)
    if len(counts) != len(listed):
        raise WorkshopError(
            f"Give the number of people for each of the {len(listed)} partners; "
            f"{len(counts)} were given."
        )
    return rules.check_headcounts(
        {p.id: n for p, n in zip(listed, counts, strict=True)}, [p.id for p in listed]
    )


def _anonymity(options: AnonymityOptions | Mapping[str, object] | None) -> AnonymityOptions:
    try:
        return AnonymityOptions.model_validate(options or {})
    except ValidationError:
        raise WorkshopError(
            "The anonymity options are not valid: the minimum group size is a whole number "
            "from 1 to 50."
        ) from None


def _found(found: T | str | None) -> T:
    """What a code found; a wrong or unchecked code as its error (raised after the
    transaction that counted it has committed)."""
    if found is None or isinstance(found, str):
        raise wrong_code_refused(found)
    return found


def _someone(repo: WorkshopRepository, w: StoredWorkshop, respondent_id: str) -> StoredParticipant:
    person = repo.by_respondent(w.id, respondent_id) if isinstance(respondent_id, str) else None
    if person is None:
        raise WorkshopError(
            "That participant is not in this workshop any more (perhaps removed in another "
            "tab); reload the page to see the current list."
        )
    return person


def _action_row(repo: WorkshopRepository, workshop_id: str, action: str | int) -> int | None:
    """The row id of an action id ("17"), or of an old-style position in the list."""
    if isinstance(action, str):
        return int(action) if action.isdigit() else None
    if isinstance(action, int) and not isinstance(action, bool):
        ids = repo.action_ids(workshop_id)
        return ids[action] if 0 <= action < len(ids) else None
    return None


def _discussion(repo: WorkshopRepository, w: StoredWorkshop) -> Discussion:
    versioned = repo.versioned_agreements(w.id)
    return Discussion(
        room=w.room,
        agreed=[item for item, _ in versioned],
        agreement_versions={item.statement: v for item, v in versioned},
        actions=[ActionItem(id=str(i), action=a) for i, a in repo.actions_with_ids(w.id)],
    )
