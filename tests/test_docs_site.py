"""The built documentation site renders in a headless browser without console errors.

Runs against a site built by ``sphinx-build -W -b html docs docs/_build/html``
(``.ci/run`` builds it, then runs this file with ``KAMCORE_DOCS_HTML`` set).
Skips when the site is not built or Debian's chromium is absent. Chromium is
driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``), so
every console message is seen with its level, along with uncaught exceptions
and failed resource loads.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("KAMCORE_DOCS_HTML", ROOT / "docs" / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = ROOT / "docs" / "site_screenshot.png"

pytestmark = [
    pytest.mark.skipif(
        not (SITE / "index.html").exists(),
        reason=f"documentation site not built at {SITE} (sphinx-build -b html docs docs/_build/html)",
    ),
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium not installed (CI installs it: apt-get install chromium)"
    ),
]

PAGES = {
    "home": "index.html",
    "tutorial": "tutorials/clv_study.html",
    "api": "api/generated/kamcore.clp.BetaGeo.html",
    "api_module": "api/kamcore.clp.html",
    "gallery": "gallery/index.html",
}


class Browser:
    """A minimal DevTools-protocol client for one headless chromium on a pipe."""

    def __init__(self) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child ends go above fd 9, so moving them to 3 and 4 cannot clobber either
        for fd in (to_child_r, from_child_w):
            high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
            os.close(fd)
            if fd == to_child_r:
                to_child_r = high
            else:
                from_child_w = high
        self._profile = tempfile.mkdtemp(prefix="kamcore-chromium-")
        flags = (
            "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
            "--disable-background-networking --disable-component-update --disable-sync "
            "--hide-scrollbars --window-size=1280,900 --remote-debugging-pipe "
            f"--user-data-dir={self._profile}"
        )
        # the protocol wants fds 3 (commands) and 4 (replies); bash moves them there (dash reads one-digit fds only)
        self._proc = subprocess.Popen(
            [
                "bash",
                "-c",
                f'exec "$0" {flags} about:blank 3<&{to_child_r} 4>&{from_child_w}',
                CHROMIUM,
            ],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if not os.environ.get("KAMCORE_DEBUG_CHROMIUM") else None,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call(
            "Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}
        )["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable", session=True)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = False
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read_message(deadline))

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        # let deferred scripts (theme, MathJax) run and report
        self.evaluate("new Promise(r => setTimeout(r, 1500))")

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=True,
        )
        return result.get("result", {}).get("value")

    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                found.append("console: " + " ".join(str(a.get("value")) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                found.append(f"uncaught: {text}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                found.append(f"log: {entry.get('text')} {entry.get('url', '')}")
        return found

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        shutil.rmtree(self._profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.mark.parametrize("page", sorted(PAGES), ids=str)
def test_page_renders_without_console_errors(browser, page):
    path = SITE / PAGES[page]
    assert path.exists(), f"{PAGES[page]} missing from the built site"
    browser.open(path.as_uri())
    assert browser.errors() == []
    title = browser.evaluate("document.title")
    assert "kamcore" in title
    text = browser.evaluate("document.querySelector('main').innerText")
    assert len(text) > 500, f"{page}: the main column is (nearly) empty"
    # the theme's navigation bar was laid out
    assert (
        browser.evaluate("document.querySelector('.bd-header').getBoundingClientRect().height") > 20
    )


def test_tutorial_shows_its_outputs_and_figure(browser):
    browser.open((SITE / PAGES["tutorial"]).as_uri())
    outputs = browser.evaluate("document.querySelectorAll('.cell_output').length")
    assert outputs >= 5
    loaded = browser.evaluate(
        "Array.from(document.querySelectorAll('.cell_output img'))"
        ".filter(i => i.complete && i.naturalWidth > 200).length"
    )
    assert loaded >= 1, "the tutorial's figure did not load"


def test_api_page_renders_its_formulas(browser):
    browser.open(
        (SITE / "api" / "generated" / "kamcore.allocation.ExponentialResponse.html").as_uri()
    )
    assert browser.errors() == []
    rendered = browser.evaluate(
        "new Promise(r => setTimeout(() => r(document.querySelectorAll('mjx-container').length), 2500))"
    )
    assert rendered >= 1, "MathJax rendered no formula"


def test_home_page_screenshot(browser):
    browser.open((SITE / "index.html").as_uri())
    out = Path(tempfile.mkdtemp()) / "home.png"
    browser.screenshot(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000  # a drawn page, not a blank one
    if os.environ.get("KAMCORE_UPDATE_SCREENSHOT"):
        shutil.copyfile(out, SCREENSHOT)
