"""The join throttle: token buckets in the database that bound how fast join codes can be
guessed, without ever locking a room out over a few typos.

Two buckets are consulted, in one transaction with the code's look-up, under row locks
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` serialises writers), so
check and count are one atomic step and every server process shares the same counts:

- the SERVER bucket holds at most `SERVER_BURST` tokens and gains `SERVER_RATE` per second;
- each CLIENT (what the UI passes as the client key: a browser session, or the address a
  proxy reports) has a bucket of `CLIENT_BURST` tokens gaining one every
  `CLIENT_REFILL_SECONDS`.

A code is looked up only while both buckets hold a token; only a WRONG code takes one from
each. A right code takes nothing, and nothing but time refills a bucket (a right code does
not: an attacker's own workshop buys no extra guesses). A room of people behind one address
shares one client bucket: 20 typos in a burst, then one more every 3 s, before even its
right codes must wait a few seconds; a person typing codes by hand never gets there.

While a bucket is empty, right and wrong codes alike are refused unchecked: a refusal that
let right codes through would tell an attacker nothing they did not learn from success, and
bound nothing. So an attacker who keeps the server bucket empty also delays the joins typed
by hand elsewhere (by seconds at a time, for as long as the attack lasts). The QR code's
join link is not delayed: it carries a 256-bit key (`WorkshopService.links`), looked up
before the buckets, which no one can guess; participants already in keep their links, and
nobody's answers are touched.

THE BOUND. However many sessions or addresses an attacker rotates through, at most
`SERVER_BURST + SERVER_RATE * t` wrong codes are checked in any `t` seconds, server-wide:
10 per second sustained. A code is 10 symbols of 21, N = 21**10 = 16,679,880,978,201 codes.
With W = 1,000 live workshops each guess hits one with probability W / N, so the expected
number of guesses to hit any is N / W = 1.67e10, and at 10 per second that takes
N / (W * 10) = 1.67e9 s = 52.9 years (the burst of 60 is negligible). One year of guessing
at the bound finds one of those workshops with probability 10 * 3.156e7 * W / N = 1.9 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import WorkshopError
from ..storage import hash_secret
from .repository import WorkshopRepository

__all__ = [
    "CLIENT_BURST",
    "CLIENT_REFILL_SECONDS",
    "SERVER_BUCKET",
    "SERVER_BURST",
    "SERVER_RATE",
    "Gate",
    "checked_client_key",
    "expected_years_to_hit",
    "take_wrong_code",
    "wrong_code_refused",
]

SERVER_BURST = 60
SERVER_RATE = 10.0  # wrong codes per second, the whole server
CLIENT_BURST = 20
CLIENT_REFILL_SECONDS = 3.0
# Client keys are stored as sha256 hex (64 characters); this cannot be one of them.
SERVER_BUCKET = "server"

_CODE_SPACE = 21**10
_SECONDS_PER_YEAR = 365.25 * 24 * 3600

WRONG_CODE = (
    "That workshop code is not valid. Check it with the facilitator: it has ten letters "
    "and digits, like ABCDE-FGHJK."
)


def expected_years_to_hit(live_workshops: int = 1000, rate: float = SERVER_RATE) -> float:
    """Expected years of guessing at `rate` codes per second to hit any live workshop."""
    return _CODE_SPACE / (live_workshops * rate) / _SECONDS_PER_YEAR


def checked_client_key(client_key: object) -> str:
    """The key the UI identifies a client (a browser) by."""
    if not isinstance(client_key, str) or not client_key:
        # Without a key every anonymous caller would share one bucket; refuse instead.
        raise WorkshopError("Cannot check the code without a client key (internal error).")
    return client_key


@dataclass(frozen=True)
class _Bucket:
    key: str
    burst: float
    per_second: float

    def tokens(self, repo: WorkshopRepository) -> float:
        """The bucket's tokens now (refilled for the time since it was last counted)."""
        tokens, counted = repo.bucket(self.key, self.burst)
        return _refilled(tokens, counted, repo.now, self.burst, self.per_second)

    def wait_seconds(self, tokens: float) -> int:
        """Whole seconds until the bucket holds a token again."""
        return max(1, int((1 - tokens) / self.per_second + 0.999))


def _refilled(tokens: float, counted: datetime, now: datetime, burst: float, rate: float) -> float:
    elapsed = max(0.0, (now - counted).total_seconds())  # a clock behind never drains
    return min(burst, tokens + elapsed * rate)


@dataclass(frozen=True)
class Gate:
    """The buckets one code check goes through, read (and locked) in its transaction.

    `refusal` is None when the code may be looked up.
    """

    tokens: dict[str, float]
    refusal: str | None

    @classmethod
    def open(cls, repo: WorkshopRepository, client_key: str) -> Gate:
        """Lock and read both buckets (the client's first, always in that order)."""
        buckets = _buckets(client_key)
        tokens = {b.key: b.tokens(repo) for b in buckets}
        waits = [b.wait_seconds(tokens[b.key]) for b in buckets if tokens[b.key] < 1]
        refusal = None
        if waits:
            refusal = (
                f"Too many wrong codes were tried; wait {max(waits)} seconds, then try again "
                "(check the code with the facilitator first)."
            )
        return cls(tokens, refusal)


def _buckets(client_key: str) -> tuple[_Bucket, _Bucket]:
    return (
        _Bucket(hash_secret(client_key), CLIENT_BURST, 1 / CLIENT_REFILL_SECONDS),
        _Bucket(SERVER_BUCKET, SERVER_BURST, SERVER_RATE),
    )


def take_wrong_code(repo: WorkshopRepository, gate: Gate) -> None:
    """A wrong code was checked: one token less in each bucket (same transaction)."""
    for key, tokens in gate.tokens.items():
        repo.set_bucket(key, tokens - 1)
    repo.forget_idle_buckets(keep=SERVER_BUCKET)


def wrong_code_refused(refusal: str | None) -> WorkshopError:
    """The error for a code that was wrong, or not checked (`refusal`)."""
    return WorkshopError(refusal or WRONG_CODE)
