"""End to end in headless Chromium: names typed with Markdown, LaTeX, HTML, links and an
image render as the typed text on set-up, questionnaire and results, and the browser never
fetches the image (a local HTTP server started by the test logs every request).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import pytest

from benchmarks.app_server import AppServer, commit_text, free_port, wait_idle

pytestmark = pytest.mark.browser


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.requests.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def pixel_server() -> Iterator[tuple[int, list[str]]]:
    """A server on 127.0.0.1 that answers and records every request (the 'tracker')."""
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.requests
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def literal_app(browser_required: None, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("literal-data")
    env = {"PARTNERSHIP_FIT_DATABASE_URL": f"sqlite:///{data / 'app.sqlite3'}"}
    server = AppServer(free_port(), env=env, log_path=data / "server.log")
    with server.running(timeout=30):
        yield server.base


_RENDERED_MARKUP = """port => ({
  images: [...document.querySelectorAll('img')].filter(i => i.src.includes(':' + port + '/'))
    .length,
  links: [...document.querySelectorAll('a')].filter(a => a.href.includes(':' + port + '/'))
    .map(a => a.href),
  latex: document.querySelectorAll('.katex').length,
  bold: [...document.querySelectorAll('strong, b')].filter(
    e => e.innerText.trim() === 'Evil' || e.innerText.trim() === 'B').length,
})"""


def _no_markup(page, port: int, where: str) -> None:  # noqa: ANN001 - a Playwright Page
    found = page.evaluate(_RENDERED_MARKUP, port)
    assert found == {"images": 0, "links": [], "latex": 0, "bold": 0}, (where, found)


def _body(page) -> str:  # noqa: ANN001
    # A person does not see the invisible word joiners that keep addresses from linking.
    return " ".join(page.locator("body").inner_text().replace("\u2060", "").split())


def test_names_with_markup_render_literally_and_fetch_nothing(
    literal_app: str, browser, pixel_server: tuple[int, list[str]]
) -> None:
    port, requests = pixel_server
    partner_a = "**Evil** :red[Corp] $x^2$"
    partner_b = (
        f'![px](http://127.0.0.1:{port}/p.png) <b>B</b> <img src="http://127.0.0.1:{port}/h.png">'
    )
    respondent = f"[Log in again](http://127.0.0.1:{port}/login) :smile:"
    page = browser.new_page(viewport={"width": 1280, "height": 1800})
    page.goto(literal_app)
    page.get_by_role("heading", name="Partnership Fit").wait_for()
    page.get_by_text("Set up an assessment").click()
    page.get_by_role("heading", name="Set up the assessment").wait_for()
    for label, value in (
        ("Name of the partnership", "The $LaTeX$ **deal**"),
        ("Partner 1", partner_a),
        ("Partner 2", partner_b),
        ("Your name or role", respondent),
    ):
        commit_text(page, label, value)
    choice = page.locator('[data-testid="stSelectbox"]').filter(has_text="You answer for")
    shown = choice.inner_text() + " " + (choice.locator("input").first.get_attribute("value") or "")
    shown += " " + " ".join(choice.locator("input").first.evaluate("e => [e.value, e.placeholder]"))
    assert partner_a in shown, shown  # the "You answer for" choice shows the typed name
    _no_markup(page, port, "set-up")
    page.get_by_role("button", name="Start the questionnaire").click()
    page.get_by_text("answering for").wait_for()
    wait_idle(page)
    body = _body(page)
    assert "The $LaTeX$ **deal**" in body and respondent in body and partner_a in body, body
    _no_markup(page, port, "questionnaire")

    address = urlsplit(page.url)
    page.goto(urlunsplit(address._replace(path="/results")))
    page.get_by_text("The partners side by side").wait_for()
    wait_idle(page)
    body = _body(page)
    assert partner_a in body and " ".join(partner_b.split()) in body, body
    _no_markup(page, port, "results")
    page.wait_for_timeout(500)  # time for any image the page might still fetch
    assert requests == []
