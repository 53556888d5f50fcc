"""What every HTTP answer of the backend passes through, outermost first. Reflex mounts its own routes
(the upload endpoint, and in production the built pages) inside the app these layers wrap."""

from __future__ import annotations

from starlette.types import ASGIApp

from app.api.uploads import UploadGate


def wrap_backend(asgi_app: ASGIApp) -> ASGIApp:
    return UploadGate(asgi_app)
