"""A real headless Chromium driven over the DevTools protocol on a pipe (no extra package).

`--remote-debugging-pipe` makes Chromium read protocol messages from fd 3 and write replies to
fd 4, each a JSON object ended by a NUL byte. That is enough to set a session cookie, size the
viewport, navigate, read the DOM, press keys and take screenshots, as a user's browser would.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _as_fds_3_and_4(read_end: int, write_end: int) -> None:
    """In the child: the pipe ends as fds 3 and 4 (copied high first, so neither clobbers the
    other when one of them already is 3 or 4)."""
    high_read = fcntl.fcntl(read_end, fcntl.F_DUPFD, 10)
    high_write = fcntl.fcntl(write_end, fcntl.F_DUPFD, 10)
    os.dup2(high_read, 3)
    os.dup2(high_write, 4)


class Chromium:
    """One headless Chromium process and its DevTools pipe; pages live in `Browser`s on it.

    Launching Chromium costs more than most browser tests, so the suite starts one per test
    process (`shared_chromium`) and gives each test a `Browser` in its own browser context:
    own cookies, storage and cache, as separate as a fresh browser profile.
    """

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # the child sees our pipe ends as its fds 3 and 4
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=lambda: _as_fds_3_and_4(to_browser_r, from_browser_w),  # noqa: PLW1509
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        # events by the session they belong to (None: the browser's own)
        self.events: dict[str | None, list[dict[str, Any]]] = {}

    def read_one(self, deadline: float) -> dict[str, Any]:
        """The next message; an event is also filed under its session."""
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        result: dict[str, Any] = json.loads(message)
        if "method" in result and "id" not in result:
            self.events.setdefault(result.get("sessionId"), []).append(result)
        return result

    def call(
        self, method: str, session: str | None = None, timeout: float = 60, **params: Any
    ) -> dict[str, Any]:
        self._next_id += 1
        wanted = self._next_id
        message: dict[str, Any] = {"id": wanted, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.read_one(deadline)
            if reply.get("id") == wanted:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", timeout=10)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self._to_browser)
        os.close(self._from_browser)


class Browser:
    """A page in a browser context of its own on `chromium` (else on a Chromium it starts and
    closes itself, with its profile in `profile`)."""

    def __init__(self, profile: Path | None = None, *, chromium: Chromium | None = None) -> None:
        if chromium is None:
            if profile is None:
                raise ValueError("a Browser needs a Chromium or a profile folder to start one")
            self._owned: Chromium | None = Chromium(profile)
            self.chromium = self._owned
        else:
            self._owned = None
            self.chromium = chromium
        self.context = self.call("Target.createBrowserContext")["browserContextId"]
        target = self.call("Target.createTarget", url="about:blank", browserContextId=self.context)
        self.session = self.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )["sessionId"]
        self.page("Page.enable")
        self.page("Runtime.enable")
        # a headless page has no window focus: without this, Tab moves nothing
        self.page("Emulation.setFocusEmulationEnabled", enabled=True)

    @property
    def events(self) -> list[dict[str, Any]]:
        """This page's events not consumed yet (the browser's own are not the page's)."""
        return self.chromium.events.setdefault(self.session, [])

    @events.setter
    def events(self, kept: list[dict[str, Any]]) -> None:
        self.chromium.events[self.session] = kept

    def call(
        self, method: str, session: str | None = None, timeout: float = 60, **params: Any
    ) -> dict[str, Any]:
        return self.chromium.call(method, session, timeout, **params)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, session=self.session, **params)

    def wait_event(self, method: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(i)
            self.chromium.read_one(deadline)

    def set_cookie(self, url: str, name: str, value: str) -> None:
        self.page("Network.enable")
        done = self.page(
            "Network.setCookie", name=name, value=value, url=url, httpOnly=True, sameSite="Lax"
        )
        assert done.get("success", True)

    def viewport(self, width: int, height: int) -> None:
        self.page(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )

    def open(self, url: str) -> None:
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def dom(self) -> str:
        return str(self.js("document.documentElement.outerHTML"))

    def press_tab(self) -> None:
        self.press_key("Tab", 9)

    def press_key(self, key: str, code: int, text: str | None = None) -> None:
        """A key pressed and released on the focused element (`text` is what it types: "\r"
        for Enter, so that it submits a form or activates a button)."""
        for kind in ("keyDown", "keyUp"):
            extra = {"text": text} if text is not None and kind == "keyDown" else {}
            self.page(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=key,
                windowsVirtualKeyCode=code,
                nativeVirtualKeyCode=code,
                **extra,
            )

    def screenshot(self, full_page: bool = True) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.page("Page.captureScreenshot", **params)["data"])

    def close(self) -> None:
        """Close the page's context (its cookies and storage go with it), or the own Chromium."""
        if self._owned is not None:
            self._owned.close()
            return
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Target.disposeBrowserContext", browserContextId=self.context, timeout=10)
        self.chromium.events.pop(self.session, None)
