"""The REST API mounted where the app mounts it (/api/v1), alone: what the upstream fixture serves."""

from starlette.applications import Starlette
from starlette.routing import Mount

from app.api.v1 import v1

app = Starlette(routes=[Mount("/api/v1", app=v1)])
