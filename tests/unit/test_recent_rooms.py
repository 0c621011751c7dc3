"""partnership_ui.data.RecentRooms: the waiting screens of one workshop share one read."""

from __future__ import annotations

import pytest

from partnership_core.errors import StorageError
from partnership_core.workshop import RoomState, WorkshopState
from partnership_ui.data import RecentRooms


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _reader(reads: list[str], version: int = 1):
    def read() -> RoomState:
        reads.append("read")
        return RoomState(version=version, state=WorkshopState.OPEN)

    return read


def test_screens_of_one_workshop_share_a_read_until_it_is_too_old() -> None:
    clock, reads = _Clock(), []
    rooms = RecentRooms(max_age=1.0, clock=clock)
    assert rooms.get("w1", _reader(reads)).version == 1
    clock.now += 0.9
    assert rooms.get("w1", _reader(reads, version=2)).version == 1
    assert len(reads) == 1
    clock.now += 0.2
    assert rooms.get("w1", _reader(reads, version=2)).version == 2
    assert len(reads) == 2


def test_a_facilitator_change_makes_the_next_screen_read_afresh() -> None:
    clock, reads = _Clock(), []
    rooms = RecentRooms(max_age=1.0, clock=clock)
    rooms.get("w1", _reader(reads, version=1))
    rooms.forget("w1")
    assert rooms.get("w1", _reader(reads, version=2)).version == 2
    assert len(reads) == 2


def test_each_workshop_is_read_for_itself() -> None:
    reads: list[str] = []
    rooms = RecentRooms(max_age=1.0, clock=_Clock())
    rooms.get("w1", _reader(reads, version=1))
    assert rooms.get("w2", _reader(reads, version=7)).version == 7
    assert len(reads) == 2


def test_a_failed_read_is_raised_and_not_kept() -> None:
    reads: list[str] = []
    rooms = RecentRooms(max_age=1.0, clock=_Clock())

    def broken() -> RoomState:
        raise StorageError("database unavailable")

    with pytest.raises(StorageError):
        rooms.get("w1", broken)
    assert rooms.get("w1", _reader(reads, version=3)).version == 3
    assert len(reads) == 1


def test_forgetting_one_workshop_keeps_the_others() -> None:
    reads: list[str] = []
    rooms = RecentRooms(max_age=1.0, clock=_Clock())
    rooms.get("w1", _reader(reads, version=1))
    rooms.get("w2", _reader(reads, version=1))
    rooms.forget("w1")
    assert rooms.get("w1", _reader(reads, version=2)).version == 2
    assert rooms.get("w2", _reader(reads, version=2)).version == 1
    assert len(reads) == 3


def test_a_read_overtaken_by_a_change_is_not_kept() -> None:
    """A screen read the room just before the facilitator's change committed: the screens
    pushed after the change must not be given that older read."""
    reads: list[str] = []
    rooms = RecentRooms(max_age=1.0, clock=_Clock())

    def read_then_changed() -> RoomState:
        reads.append("read")
        rooms.forget("w1")  # the change commits while this read is on its way
        return RoomState(version=1, state=WorkshopState.OPEN)

    assert rooms.get("w1", read_then_changed).version == 1
    assert rooms.get("w1", _reader(reads, version=2)).version == 2
    assert len(reads) == 2
