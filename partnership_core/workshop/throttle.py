"""The join throttle: after a few wrong join codes from one client, each try must wait longer.

While a client waits even the right code is refused, so guessing cannot go on in parallel;
a right code forgives the client. The counts live in the database (`join_attempts`), so
every server process sees the same ones.
"""

from __future__ import annotations

from datetime import timedelta

from ..errors import WorkshopError
from .repository import UnitOfWork, WorkshopRepository

__all__ = [
    "FREE_WRONG_CODES",
    "MAX_WAIT_SECONDS",
    "JoinThrottle",
    "checked_client_key",
    "wrong_code_wait_seconds",
]

FREE_WRONG_CODES = 3
MAX_WAIT_SECONDS = 15 * 60

_FAILED = "The code could not be checked."


def wrong_code_wait_seconds(failures: int) -> int:
    """Seconds a client must wait after `failures` wrong codes in a row (0 for the first few)."""
    if failures < FREE_WRONG_CODES:
        return 0
    return min(5 * 2 ** (failures - FREE_WRONG_CODES), MAX_WAIT_SECONDS)


def checked_client_key(client_key: object) -> str:
    """The key the UI identifies a client (a browser) by."""
    if not isinstance(client_key, str) or not client_key:
        # Without a key every anonymous caller would share one counter; refuse instead.
        raise WorkshopError("Cannot check the code without a client key (internal error).")
    return client_key


class JoinThrottle:
    """Counts wrong codes per client and makes the client wait.

    Args:
        unit_of_work: runs the throttle's own transactions (a wrong code is counted even
            though the look-up that found it fails).
    """

    def __init__(self, unit_of_work: UnitOfWork) -> None:
        self._unit_of_work = unit_of_work

    @staticmethod
    def check(repo: WorkshopRepository, client_key: str) -> None:
        """Refuse a client that must still wait (inside the look-up's transaction)."""
        record = repo.join_failures(client_key)
        if record is None:
            return
        failures, last_failure = record
        wait = timedelta(seconds=wrong_code_wait_seconds(failures))
        remaining = (last_failure + wait - repo.now).total_seconds()
        if remaining > 0:
            raise WorkshopError(
                f"Too many wrong codes; wait {int(remaining + 0.999)} seconds, then check the "
                "code with the facilitator and try again."
            )

    def wrong_code(self, client_key: str) -> WorkshopError:
        """Count a wrong code; the error to raise says how long to wait, if at all."""
        failures = self._unit_of_work(
            lambda repo: repo.count_join_failure(client_key), failed=_FAILED
        )
        message = (
            "That workshop code is not valid. Check it with the facilitator: it has ten letters "
            "and digits, like ABCDE-FGHJK."
        )
        wait = wrong_code_wait_seconds(failures)
        if wait:
            message += f" Too many wrong codes; wait {wait} seconds before the next try."
        return WorkshopError(message)

    def forgive(self, client_key: str) -> None:
        """A right code: the client starts again from zero."""
        self._unit_of_work(lambda repo: repo.forget_join_failures(client_key), failed=_FAILED)
