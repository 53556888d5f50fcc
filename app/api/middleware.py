"""What every HTTP answer of the backend passes through, outermost first. Reflex mounts its own routes
(the upload endpoint, and in production the built pages) inside the app these layers wrap."""

from __future__ import annotations

from starlette.types import ASGIApp

from app.api.headers import SecurityHeaders
from app.api.uploads import UploadGate
from app.settings import Settings


def wrap_backend(asgi_app: ASGIApp, settings: Settings | None = None) -> ASGIApp:
    # The headers go outermost so that the gate's refusals carry them too.
    return SecurityHeaders(UploadGate(asgi_app, settings), settings)
