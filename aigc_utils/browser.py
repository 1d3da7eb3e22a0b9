"""Open the rendered book in headless Chromium and check it like a reader would.

The test of the book (``tests/test_book.py``) serves ``_build/book`` on
localhost, opens every page in headless Chromium and checks that it loads,
that every image is decoded, that every link inside the book reaches a page
and an anchor that exist, that nothing is requested from outside localhost,
that no script fails and that MathJax typeset the formulas; it saves
screenshots for a human to look at::

    python -m aigc_utils.browser _build/book _build/screenshots

Chromium is driven through the DevTools protocol over a pipe
(``--remote-debugging-pipe``), so nothing but the standard library is needed.
Debian's ``chromium-headless-shell`` or ``chromium`` (installed by
``scripts/setup.sh``), Google Chrome, or the binary named in
``$AIGC_CHROMIUM`` will do.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ENV_VAR = "AIGC_CHROMIUM"
CHROMIUM_NAMES = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
_PAGE_REPORT_JS = """(() => {
  const images = Array.from(document.images).map(i => ({
    src: i.currentSrc.slice(0, 80), ok: i.complete && i.naturalWidth > 0}));
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
  const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
  const math = document.querySelectorAll('mjx-container').length;
  const mathErrors = document.querySelectorAll('mjx-merror').length;
  const solutions = document.querySelectorAll('details.aigc-solution').length;
  const openSolutions = document.querySelectorAll('details.aigc-solution[open]').length;
  return JSON.stringify({title: document.title, images, links, ids, math, mathErrors, solutions, openSolutions,
                         text: document.body ? document.body.innerText.length : 0});
})()"""
_MATHJAX_READY_JS = """(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; return true; }
  return !document.getElementById('MathJax-script');
})()"""


class BrowserError(RuntimeError):
    """Chromium could not be started, or it stopped answering."""


def find_chromium() -> str | None:
    """The path of a headless-capable Chromium: ``$AIGC_CHROMIUM``, else the first of
    ``CHROMIUM_NAMES`` on ``PATH``; ``None`` when there is none."""
    named = os.environ.get(CHROMIUM_ENV_VAR)
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What one page showed: its HTTP status, images, links, ids, formulas and any failures."""

    url: str
    status: int = 0
    title: str = ""
    images: list[dict[str, Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    math: int = 0
    math_errors: int = 0
    solutions: int = 0
    open_solutions: int = 0
    text_length: int = 0
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def broken_images(self) -> list[str]:
        """The sources of the images that did not decode."""
        return [image["src"] for image in self.images if not image["ok"]]


class Chromium:
    """A headless Chromium driven over the DevTools protocol through a pipe (use as a context manager)."""

    def __init__(self, executable: str | None = None, *, width: int = 1200, height: int = 900) -> None:
        """Start Chromium (``executable`` or :func:`find_chromium`) with a window of ``width`` x ``height``.

        Raises:
            TypeError: ``width`` or ``height`` is not an int.
            ValueError: ``width`` or ``height`` is not positive.
            BrowserError: no Chromium was found, or it did not start.
        """
        for name, value in (("width", width), ("height", height)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")
        path = executable or find_chromium()
        if path is None:
            raise BrowserError(
                "no Chromium found: run scripts/setup.sh (it installs Debian's chromium-headless-shell with apt-get) "
                f"or name a Chromium/Chrome binary in ${CHROMIUM_ENV_VAR}"
            )
        self.width, self.height = width, height
        self._profile = tempfile.mkdtemp(prefix="aigc-chromium-")
        to_child, self._write_fd = os.pipe()
        self._read_fd, from_child = os.pipe()

        # In the child: fd 3 = commands in, fd 4 = answers out. preexec_fn only calls dup2; start
        # Chromium before any thread of yours (e.g. before serve()) to stay clear of fork-with-threads issues.
        def wire() -> None:
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        arguments = [
            path,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--remote-debugging-pipe",
            f"--user-data-dir={self._profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        try:
            self._process = subprocess.Popen(
                arguments, preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError as exc:
            raise BrowserError(f"could not start {path}: {exc}") from exc
        finally:
            os.close(to_child)
            os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._session = ""
        try:
            self.version = str(self.command("Browser.getVersion", timeout=60).get("product", ""))
            target = self.command("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self.command("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page.enable", "Network.enable", "Runtime.enable"):
                self.command(domain, session=True)
            self.command(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                session=True,
            )
        except BrowserError:
            self.close()
            raise

    def __enter__(self) -> "Chromium":
        """The browser itself."""
        return self

    def __exit__(self, *exc: Any) -> None:
        """Close the browser."""
        self.close()

    def close(self) -> None:
        """Stop Chromium and remove its temporary profile."""
        try:
            self.command("Browser.close", timeout=5)
        except BrowserError:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._write_fd, self._read_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        if self._process.stderr is not None:
            self._process.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _receive(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._read_fd], [], [], remaining)
            if ready:
                chunk = os.read(self._read_fd, 1 << 20)
                if not chunk:
                    error = self._process.stderr.read().decode(errors="replace")[-2000:] if self._process.stderr else ""
                    raise BrowserError(f"Chromium closed the pipe: {error}")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(message))

    def command(self, method: str, params: dict[str, Any] | None = None, *, session: bool = False, timeout: float = 30) -> dict[str, Any]:
        """Send one DevTools command (to the page when ``session``) and return its result;
        events that arrive meanwhile are kept for :meth:`open`.

        Raises:
            BrowserError: Chromium answered with an error or not in time.
        """
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        try:
            os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        except OSError as exc:
            raise BrowserError(f"Chromium is gone: {exc}") from exc
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            if "method" in answer:
                self._events.append(answer)

    def _wait_for_event(self, method: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self._events):
            answer = self._receive(deadline)
            if "method" in answer:
                self._events.append(answer)

    def evaluate(self, expression: str, *, timeout: float = 30) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited).

        Raises:
            BrowserError: the expression threw or did not finish in time.
        """
        result = self.command(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=True, timeout=timeout
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails'].get('text', '')}")
        return result.get("result", {}).get("value")

    def open(self, url: str, *, timeout: float = 60) -> PageReport:
        """Load ``url``, wait for it (and for MathJax), and report what the page shows.

        Raises:
            TypeError: ``url`` is not a string.
            BrowserError: the page did not load in time.
        """
        if not isinstance(url, str):
            raise TypeError(f"url must be a string, got {type(url).__name__}")
        started = time.monotonic()
        self._events.clear()
        self.command("Page.navigate", {"url": url}, session=True)
        self._wait_for_event("Page.loadEventFired", timeout)
        self.evaluate(_MATHJAX_READY_JS, timeout=timeout)
        report = PageReport(url=url, **_page_fields(json.loads(self.evaluate(_PAGE_REPORT_JS))))
        for event in self._events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                report.requests.append(params["request"]["url"][:200])
            elif method == "Network.responseReceived":
                response = params["response"]
                if params.get("type") == "Document" and response["url"].split("#")[0] == url.split("#")[0]:
                    report.status = int(response["status"])
                if int(response["status"]) >= 400:
                    report.failed_requests.append(f"{response['status']} {response['url'][:200]}")
            elif method == "Network.loadingFailed":
                report.failed_requests.append(f"{params.get('errorText', 'failed')} (request {params.get('requestId')})")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                report.script_errors.append(str(details.get("exception", {}).get("description", details.get("text", "")))[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                report.script_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))[:300])
        report.seconds = round(time.monotonic() - started, 2)
        return report

    def screenshot(self, path: Path | str, *, full_page: bool = False) -> Path:
        """Save a PNG of the current page (the window, or the whole page with ``full_page``).

        Raises:
            TypeError: ``path`` is not a path.
        """
        if not isinstance(path, (str, Path)):
            raise TypeError(f"path must be a path, got {type(path).__name__}")
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.command("Page.getLayoutMetrics", session=True)["cssContentSize"]
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": self.width, "height": min(size["height"], 8000), "scale": 1})
        data = self.command("Page.captureScreenshot", params, session=True, timeout=60)["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


def _page_fields(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": raw["title"],
        "images": raw["images"],
        "links": raw["links"],
        "ids": raw["ids"],
        "math": raw["math"],
        "math_errors": raw["mathErrors"],
        "solutions": raw["solutions"],
        "open_solutions": raw["openSolutions"],
        "text_length": raw["text"],
    }


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Serve silently."""


@contextmanager
def serve(folder: Path | str) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) while the block runs; yields the base URL.

    Raises:
        ValueError: ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {folder}")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SiteReport:
    """Every page visited from the index, and the problems found."""

    pages: dict[str, PageReport]
    problems: list[str]
    external_links: list[str]
    seconds: float


def check_site(browser: Chromium, base_url: str, *, start: str = "index.html") -> SiteReport:
    """Visit ``start`` and every page of the site it links to; list the problems.

    A problem is a page that does not load (HTTP status other than 200), an
    image that does not decode, a link to a page of the site that does not
    exist or to an anchor missing from its page, a request to anything but
    the site itself (the book must work offline), a script error, or a
    formula MathJax could not typeset. Links that leave the site are only
    collected (``external_links``).

    Raises:
        TypeError: ``browser`` is not a :class:`Chromium`.
        ValueError: ``base_url`` is not an http URL ending with ``/``.
    """
    if not isinstance(browser, Chromium):
        raise TypeError(f"browser must be a Chromium, got {type(browser).__name__}")
    if not isinstance(base_url, str) or not re.match(r"https?://[^/]+/$", base_url):
        raise ValueError(f"base_url must look like http://127.0.0.1:8000/, got {base_url!r}")
    started = time.monotonic()
    pages: dict[str, PageReport] = {}
    queue = [urllib.parse.urljoin(base_url, start)]
    problems: list[str] = []
    external: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in pages:
            continue
        report = browser.open(url)
        pages[url] = report
        name = url[len(base_url):]
        if report.status != 200:
            problems.append(f"{name}: HTTP status {report.status}")
        problems += [f"{name}: image does not load: {src}" for src in report.broken_images]
        problems += [f"{name}: request failed: {failed}" for failed in report.failed_requests]
        problems += [f"{name}: request leaves the site: {r}" for r in report.requests if not r.startswith((base_url, "data:", "about:"))]
        problems += [f"{name}: script error: {error}" for error in report.script_errors]
        if report.math_errors:
            problems.append(f"{name}: {report.math_errors} formula(s) MathJax could not typeset")
        for link in report.links:
            target = link.split("#")[0]
            if not link.startswith(base_url):
                if link.startswith(("http:", "https:", "mailto:")):
                    external.add(link)
                continue
            if target.endswith(".html") or target == base_url:
                if target not in pages and target not in queue:
                    queue.append(target)
            else:
                problems.append(f"{name}: link to a file that is not a page of the book: {link}")
    for url, report in pages.items():
        for link in report.links:
            target, _, fragment = link.partition("#")
            if not link.startswith(base_url):
                continue
            page = pages.get(target)
            if page is None or page.status != 200 or not fragment:
                continue
            if fragment not in page.ids and urllib.parse.unquote(fragment) not in page.ids:
                problems.append(f"{url[len(base_url):]}: link to a missing anchor: {link[len(base_url):]}")
    return SiteReport(pages=pages, problems=sorted(set(problems)), external_links=sorted(external), seconds=round(time.monotonic() - started, 1))


def main(argv: list[str] | None = None) -> int:
    """``python -m aigc_utils.browser BOOK_DIR [SCREENSHOT_DIR]``: check the book, save screenshots."""
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        print("usage: python -m aigc_utils.browser BOOK_DIR [SCREENSHOT_DIR]", file=sys.stderr)
        return 2
    shots = Path(args[1]) if len(args) == 2 else None
    with Chromium() as browser, serve(args[0]) as base:
        site = check_site(browser, base)
        if shots is not None:
            browser.open(base + "index.html")
            browser.screenshot(shots / "index.png")
    print(f"{len(site.pages)} pages checked in {site.seconds:.1f} s with {browser.version}; {len(site.problems)} problem(s)")
    for problem in site.problems:
        print("  " + problem)
    return 1 if site.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
