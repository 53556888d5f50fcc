"""A browser tab's side of the app's websocket, without the browser: Engine.IO v4 over a websocket, the
`/_event` namespace of Socket.IO, and the events the compiled page sends (hydrate, on-load, handlers).
Used by the scaled-out mode's tests and by benchmarks/load.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets

ROOT_STATE = "reflex___state____state"
# A page load has finished when nothing more came for this long after it hydrated.
QUIET_S = 0.12
TIMEOUT_S = 15.0


@dataclass
class Timings:
    """Milliseconds per kind of event, and what went wrong."""

    values: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def add(self, kind: str, ms: float) -> None:
        self.values.setdefault(kind, []).append(ms)

    def error(self, kind: str, why: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {why[:200]}")


def hydrated(update: dict) -> bool:
    return (update.get("delta") or {}).get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True


class Tab:
    """One tab: its session cookie, its tab token (the browser keeps it in sessionStorage, so a reconnection
    to another app process names the same state), the state as the updates left it, and each event's time."""

    def __init__(self, base: str, session_token: str, timings: Timings | None = None, tab_token: str = "") -> None:
        self.base, self.timings = base, timings or Timings()
        self.cookie = f"registry_session={session_token}; registry_lang=it"
        self.tab_token = tab_token or str(uuid.uuid4())
        self.frames: list[tuple[float, dict, str]] = []
        self.arrived = asyncio.Event()
        self.state: dict[str, dict] = {}
        self.router: dict = {}

    def value(self, state_name: str, var: str) -> object:
        return self.state.get(state_name, {}).get(f"{var}_rx_state_")

    async def open(self, path: str, query: dict | None = None, kind: str = "page_load") -> None:
        ws_base = self.base.replace("http", "ws", 1)
        self.ws = await websockets.connect(f"{ws_base}/_event/?token={self.tab_token}&EIO=4&transport=websocket",
                                           additional_headers={"Cookie": self.cookie}, max_size=None,
                                           open_timeout=TIMEOUT_S, ping_interval=None)
        opened = await self.ws.recv()
        if not opened.startswith("0"):
            raise ConnectionError(opened[:100])
        await self.ws.send("40/_event,")
        while not (await self.ws.recv()).startswith("40/_event"):
            pass
        self.reader = asyncio.create_task(self._read())
        await self.navigate(path, query, kind, first=True)

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if message == "2":
                    await self.ws.send("3")
                elif message.startswith("42/_event,"):
                    _, update = json.loads(message[len("42/_event,"):])
                    for name, changes in (update.get("delta") or {}).items():
                        self.state.setdefault(name, {}).update(changes)
                    self.frames.append((time.perf_counter(), update, message))
                    self.arrived.set()
        except websockets.ConnectionClosed:
            pass

    def _router(self, path: str, query: dict | None) -> dict:
        as_path = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        return {"pathname": path, "asPath": as_path, **({"query": query} if query else {})}

    async def _send(self, name: str, payload: dict) -> None:
        body = {"name": name, "payload": payload, "router_data": self.router}
        await self.ws.send("42/_event," + json.dumps(["event", body]))

    async def _wait(self, since: int, done: Callable[[dict], bool], quiet: bool) -> tuple[float, list]:
        """Frames from `since` on until one satisfies `done` (then, with `quiet`, until none came for
        QUIET_S); returns the time of the last one."""
        deadline = time.perf_counter() + TIMEOUT_S
        satisfied = False
        while True:
            new = self.frames[since:]
            if not satisfied and any(done(update) for _, update, _ in new):
                satisfied = True
            if satisfied and (not quiet or time.perf_counter() - self.frames[-1][0] >= QUIET_S):
                return self.frames[-1][0], new
            if time.perf_counter() > deadline:
                raise TimeoutError("no answer")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), QUIET_S if satisfied else deadline - time.perf_counter())

    async def call(self, kind: str, name: str, payload: dict, done: Callable[[dict], bool] | None = None,
                   quiet: bool = False) -> list:
        """Sends one event and waits for the update that ends it (`done`; by default the first update). A
        refusal (an error toast, or the sign-in page) counts as an error of that kind, not as a time."""
        since, sent = len(self.frames), time.perf_counter()
        await self._send(name, payload)
        try:
            last, frames = await self._wait(since, done or (lambda update: True), quiet)
        except TimeoutError as error:
            self.timings.error(kind, str(error))
            return []
        refused = next((raw for _, _, raw in frames if "toast" in raw and '"error"' in raw or "/login" in raw), None)
        if refused:
            self.timings.error(kind, refused)
        else:
            self.timings.add(kind, (last - sent) * 1000)
        return frames

    async def navigate(self, path: str, query: dict | None, kind: str, first: bool = False,
                       also: Callable[[dict], bool] | None = None) -> None:
        """A page load: the first one hydrates the tab, later ones are the single-page app's navigation. It
        ends once the page is hydrated and `also` (the last of the loads it chains, when known) has come,
        then nothing more for QUIET_S."""
        self.router = self._router(path, query)
        name = "hydrate_and_load" if first else "reflex___state____on_load_internal_state.on_load_internal"
        seen = {"hydrated": False, "also": also is None}

        def done(update: dict) -> bool:
            seen["hydrated"] = seen["hydrated"] or hydrated(update)
            seen["also"] = seen["also"] or also(update)
            return seen["hydrated"] and seen["also"]

        await self.call(kind, f"{ROOT_STATE}.{name}", {}, done, quiet=True)

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()
