"""A stand-in for the upstream registry: a real HTTP server on a local port speaking the REST API contract
(/work/briefs/api-contract.md) for the routes this app calls: search, one customer, changes after a cursor.

Paths under `/slow` answer the same after `delay` seconds (or when the server stops): the timeout and the
cancel cases. `closed_port_url()` is an address where nothing listens."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEY = "rk_0a1b2c3d_" + "k" * 43

SUMMARY = ("id", "code", "external_code", "kind", "display_name", "company_name", "first_name", "last_name",
           "vat_number", "tax_code", "email", "pec", "phone", "city", "province", "status", "version", "updated_at")
DETAIL = (*SUMMARY, "sdi_code", "mobile", "street", "cap", "country", "notes")


@dataclass
class Upstream:
    url: str = ""
    slow_url: str = ""
    key: str = KEY
    delay: float = 30.0
    customers: dict[int, dict] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    _clock: datetime = field(default_factory=lambda: datetime(2026, 11, 1, tzinfo=UTC))

    def add(self, **values) -> dict:  # noqa: ANN003
        new_id = max(self.customers, default=100) + 1
        row = {name: None for name in DETAIL}
        row.update(id=new_id, code=f"HQ{new_id:06d}", kind="business", status="active", version=1, country="IT",
                   contacts=[], sites=[])
        row.update(values)
        row["display_name"] = row["company_name"] if row["kind"] == "business" else \
            f"{row['first_name']} {row['last_name']}"
        row["updated_at"] = self._tick()
        self.customers[new_id] = row
        return row

    def change(self, upstream_id: int, **values) -> dict:  # noqa: ANN003
        row = self.customers[upstream_id]
        row.update(values)
        row["version"] += 1
        row["updated_at"] = self._tick()
        return row

    def _tick(self) -> str:
        self._clock += timedelta(seconds=1)
        return self._clock.isoformat().replace("+00:00", "Z")


def _cursor(row: dict) -> str:
    return base64.urlsafe_b64encode(f"{row['updated_at']}|{row['id']}".encode()).decode()


def _after(cursor: str) -> tuple[str, int]:
    stamp, _, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
    return stamp, int(row_id)


def _matches(row: dict, q: str) -> bool:
    q = q.casefold().strip()
    return not q or any(q in str(row.get(k) or "").casefold()
                        for k in ("display_name", "code", "vat_number", "tax_code", "email", "city"))


def _handler(upstream: Upstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # noqa: ANN002
            return

        def _send(self, status: int, body: dict, content_type: str = "application/json", **headers) -> None:  # noqa: ANN003
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def _problem(self, status: int, title: str) -> None:
            self._send(status, {"type": "about:blank", "title": title, "status": status, "detail": title, "errors": []},
                       "application/problem+json")

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            path, params = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
            upstream.requests.append(self.path)
            if path.startswith("/slow/"):
                path = path[len("/slow"):]
                end = time.monotonic() + upstream.delay
                while time.monotonic() < end and not upstream.stopping.wait(0.02):
                    pass
            if self.headers.get("Authorization") != f"Bearer {upstream.key}":
                return self._problem(401, "Unauthorized")
            if path == "/api/v1/customers":
                return self._search(params)
            if path == "/api/v1/customers/changes":
                return self._changes(params)
            if path.startswith("/api/v1/customers/") and path.rsplit("/", 1)[-1].isdigit():
                row = upstream.customers.get(int(path.rsplit("/", 1)[-1]))
                if row is None:
                    return self._problem(404, "Not Found")
                return self._send(200, row, ETag=f'"{row["version"]}"')
            return self._problem(404, "Not Found")

        def _search(self, params: dict) -> None:
            limit = max(1, min(int(params.get("limit", "25")), 100))
            found = sorted((r for r in upstream.customers.values()
                            if _matches(r, params.get("q", ""))
                            and params.get("kind", r["kind"]) == r["kind"]
                            and params.get("status", r["status"]) == r["status"]),
                           key=lambda r: (r["display_name"].casefold(), r["id"]))
            items = [{k: r[k] for k in SUMMARY} for r in found[:limit]]
            self._send(200, {"items": items, "next_cursor": None})

        def _changes(self, params: dict) -> None:
            limit = max(1, min(int(params.get("limit", "100")), 500))
            rows = sorted(upstream.customers.values(), key=lambda r: (r["updated_at"], r["id"]))
            if params.get("after"):
                after = _after(params["after"])
                rows = [r for r in rows if (r["updated_at"], r["id"]) > after]
            page = rows[:limit]
            items = [{k: r[k] for k in DETAIL} for r in page]
            following = _cursor(page[-1]) if page else params.get("after", "")
            self._send(200, {"items": items, "next": following})

    return Handler


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class UpstreamServer:
    def __init__(self) -> None:
        self.upstream = Upstream()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.upstream))
        self.server.daemon_threads = True
        port = self.server.server_address[1]
        self.upstream.url, self.upstream.slow_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/slow"
        self.thread = threading.Thread(target=self.server.serve_forever, name="upstream-server", daemon=True)

    def __enter__(self) -> Upstream:
        self.thread.start()
        return self.upstream

    def __exit__(self, *exc: object) -> None:
        self.upstream.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
