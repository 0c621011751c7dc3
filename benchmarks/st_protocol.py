"""A browser-less Streamlit session: the websocket protocol the frontend speaks, in asyncio.

One `ProtocolSession` stands for one browser tab. It connects to `ws://HOST:PORT/_stcore/stream`
(subprotocol "streamlit"), asks for script runs with `BackMsg.rerun_script` the way the
frontend does (query string, page name, then the page's script hash, the widget that changed,
the browser context), and keeps what the server drew: the elements of the latest run by delta
path, the fragments that asked to be rerun on a timer (`auto_rerun`), the query string the
script set. Nothing is rendered; finding a widget by its label and "clicking" it is all a
load generator needs.

The server may also run the page, or one of its fragments, without being asked (a change
pushed to a waiting screen, partnership_ui/push.py): its messages are applied like any
others, a run that finishes while this client waits for none of its own is counted in
`server_runs` (and wakes `server_run`), and `finished_at` says when the latest run of
either kind finished.

Used by `bench_capacity.py` and by `tests/test_protocol_client.py`. Only 127.0.0.1 is allowed:
this is a benchmark client, not a crawler.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

__all__ = ["NoRunError", "ProtocolSession", "RunResult", "ScriptError"]

_DONE = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
}
_WIDGETS = ("radio", "button", "text_input", "selectbox", "checkbox", "text_area")


class ScriptError(RuntimeError):
    """The app showed an exception, or a run did not finish in time."""


class NoRunError(ScriptError):
    """No run finished in time after a request (the server may have dropped it: a fragment
    timer's request for a fragment a whole-page run has just replaced gets no run)."""


@dataclass
class RunResult:
    """One requested run: how long until the server said it finished, and how it ended."""

    seconds: float
    status: int


@dataclass
class ProtocolSession:
    """One browser tab of the app at `base` (http://127.0.0.1:PORT), opened on `page`.

    `query_string` is what the address bar holds after the "?" (e.g. `code=ABCDE-FGHJK`).
    """

    base: str
    page: str
    query_string: str = ""
    timeout: float = 120.0
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    auto_reruns: dict[str, float] = field(default_factory=dict)
    page_script_hash: str = ""
    runs: int = 0
    server_runs: int = 0  # runs the server made by itself (none of this client's waiting)
    finished_at: float = 0.0  # time.monotonic() when the latest run finished
    _ws: websockets.ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _finished: asyncio.Queue[int] = field(default_factory=asyncio.Queue)
    _outstanding: int = 0  # runs asked for and not finished yet
    _server_run: asyncio.Event = field(default_factory=asyncio.Event)
    _server_runs_seen: int = 0
    _fragment_run: bool = False
    fragments: dict[tuple[int, ...], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        host = urlsplit(self.base).hostname
        if host != "127.0.0.1":
            raise ValueError(f"benchmark traffic goes to 127.0.0.1 only, not {host!r}")

    # ------------------------------------------------------------------ connection

    async def open(self) -> RunResult:
        """Connect and run the page once, as a browser opening the link does."""
        url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._ws = await websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout
        )
        self._reader = asyncio.create_task(self._read())
        return await self.rerun(first=True)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()

    # ------------------------------------------------------------------ runs

    async def rerun(
        self,
        widgets: Iterable[WidgetState] = (),
        *,
        fragment_id: str = "",
        timer: bool = True,
        first: bool = False,
        timeout: float | None = None,
    ) -> RunResult:
        """Ask for a run (whole page, or one fragment) and wait until it has finished, at
        most `timeout` s (default: the session's); NoRunError if none did.

        A run that ends early because the script asked for another one (`st.rerun`,
        `st.switch_page`) is followed by that run; this waits for the last of them.
        """
        if self._ws is None:
            raise ScriptError("session is not open")
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        if first or not self.page_script_hash:
            rerun.page_name = self.page
        else:
            rerun.page_script_hash = self.page_script_hash
        rerun.widget_states.widgets.extend(widgets)
        if fragment_id:
            rerun.fragment_id = fragment_id
            rerun.is_auto_rerun = timer
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-GB"
        info.url = f"{self.base}/{self.page}" + (
            f"?{self.query_string}" if self.query_string else ""
        )
        while not self._finished.empty():
            self._finished.get_nowait()
        started = time.perf_counter()
        self._outstanding += 1
        try:
            await self._ws.send(msg.SerializeToString())
            wait = self.timeout if timeout is None else timeout
            status = await asyncio.wait_for(self._finished.get(), wait)
        except TimeoutError:
            raise NoRunError(f"no run finished within {wait} s") from None
        finally:
            self._outstanding -= 1
        self.runs += 1
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise ScriptError("the page failed to compile")
        error = self.exception_text()
        if error:
            raise ScriptError(f"the page shows an exception: {error}")
        return RunResult(time.perf_counter() - started, status)

    async def server_run(self, timeout: float) -> bool:
        """Whether a run the server made by itself has finished since the last call, waiting
        up to `timeout` s for one."""
        if self.server_runs == self._server_runs_seen:
            self._server_run.clear()
            try:
                await asyncio.wait_for(self._server_run.wait(), timeout)
            except TimeoutError:
                return False
        self._server_runs_seen = self.server_runs
        return True

    async def _read(self) -> None:
        assert self._ws is not None
        async for raw in self._ws:
            if isinstance(raw, str):
                continue
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            self._apply(msg)

    def _apply(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._fragment_run = bool(msg.metadata.run.fragment_ids)
            if not self._fragment_run:
                self.elements.clear()
                self.auto_reruns.clear()
                self.fragments.clear()
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta":
            self._apply_delta(msg)
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "script_finished" and msg.script_finished in _DONE:
            self.finished_at = time.monotonic()
            if self._outstanding:
                self._finished.put_nowait(msg.script_finished)
            else:  # nobody here asked for it: the server ran the page by itself
                self.server_runs += 1
                self._server_run.set()

    def _apply_delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        if delta.WhichOneof("type") == "new_element":
            self.elements[path] = delta.new_element
            self.fragments[path] = delta.fragment_id
        elif delta.WhichOneof("type") == "add_block":
            # A redrawn container: what was drawn inside it before is gone.
            for old in [p for p in self.elements if p[: len(path)] == path and p != path]:
                del self.elements[old]
                self.fragments.pop(old, None)

    # ------------------------------------------------------------------ what is shown

    def shown(self, kind: str) -> list[Element]:
        """Elements of one kind ("radio", "button", "progress", ...) in page order."""
        return [e for _, e in sorted(self.elements.items()) if e.WhichOneof("type") == kind]

    def texts(self) -> list[str]:
        """Every markdown, alert, heading and progress text on the page, in order."""
        out: list[str] = []
        for _, e in sorted(self.elements.items()):
            kind = e.WhichOneof("type")
            if kind in ("markdown", "alert", "heading"):
                out.append(getattr(e, kind).body)
            elif kind == "progress":
                out.append(e.progress.text)
        return out

    def has_text(self, fragment: str) -> bool:
        return any(fragment in t for t in self.texts())

    def exception_text(self) -> str:
        found = self.shown("exception")
        return f"{found[0].exception.type}: {found[0].exception.message}" if found else ""

    def widget(self, kind: str, label: str, *, contains: bool = False):  # noqa: ANN201 - a proto
        """The widget proto of `kind` whose label is `label` (or contains it); ScriptError."""
        for e in self.shown(kind):
            proto = getattr(e, kind)
            if proto.label == label or (contains and label in proto.label):
                if not getattr(proto, "disabled", False):
                    return proto
        labels = [getattr(e, kind).label for e in self.shown(kind)]
        raise ScriptError(f"no {kind} labelled {label!r} on the page (have {labels})")

    # ------------------------------------------------------------------ actions

    async def click(self, label: str, *, contains: bool = False) -> RunResult:
        """Press the button labelled `label`, as the browser does (a trigger value)."""
        button = self.widget("button", label, contains=contains)
        return await self.rerun([WidgetState(id=button.id, trigger_value=True)])

    async def choose(self, radio_id: str, option: str) -> RunResult:
        """Pick `option` (its shown label) on the radio with `radio_id`; as the browser
        does, a radio drawn inside a fragment asks for a run of that fragment only."""
        return await self.rerun(
            [WidgetState(id=radio_id, string_value=option)],
            fragment_id=self.fragment_of(radio_id),
            timer=False,
        )

    def fragment_of(self, widget_id: str) -> str:
        """The fragment the widget with `widget_id` was drawn in ("" for the page)."""
        for path, element in self.elements.items():
            kind = element.WhichOneof("type")
            if kind and getattr(getattr(element, kind), "id", None) == widget_id:
                return self.fragments.get(path, "")
        return ""

    async def submit_form(self, button_label: str, values: Iterable[WidgetState]) -> RunResult:
        """Submit a form: its widgets' values travel with the submit button's trigger."""
        button = self.widget("button", button_label)
        return await self.rerun([*values, WidgetState(id=button.id, trigger_value=True)])
