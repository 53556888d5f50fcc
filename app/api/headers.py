"""The security headers on every HTTP answer of the backend: the REST routes, Reflex's own endpoints and,
in production (`--single-port`), the built pages, which the same backend serves.

The policy is the strictest the built frontend works under: React Router's build inlines its start-up
scripts and Reflex runs `rx.call_script` and toasts through `eval`, so scripts need 'unsafe-inline' and
'unsafe-eval'; Radix and Emotion inject styles. Everything else is this origin only: no frames around the
app, no plugins, no form or `<base>` pointing elsewhere, and connections only back to the app, the
websocket included (named explicitly: older browsers do not count ws:// as 'self').
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings, get_settings


def content_security_policy(public_base_url: str) -> str:
    websocket = public_base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        f"connect-src 'self' {websocket}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(settings.public_base_url),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        # The field area may ask where the technician is; nothing asks for camera, microphone or payment.
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
    }
    if settings.hsts_seconds > 0:
        headers["Strict-Transport-Security"] = f"max-age={settings.hsts_seconds}; includeSubDomains"
    return headers


class SecurityHeaders:
    """Adds the headers to every HTTP answer that does not set its own."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.headers = security_headers(settings or get_settings())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
