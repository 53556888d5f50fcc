import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin
from reflex.utils import prerequisites

from app.migrate import warn_if_schema_outdated
from app.settings import get_settings

settings = get_settings()

# `reflex run` compares the models with the database by itself and, misled by the search index the
# models do not describe, says "Detected database schema changes. Run reflex db makemigrations".
# The project's check says instead whether the database needs `python -m app.migrate` or the models
# a new migration.
prerequisites.check_schema_up_to_date = warn_if_schema_outdated

config = rx.Config(
    app_name="app",
    # Frontend and backend share one port and origin; the browser reaches both at the public URL.
    api_url=settings.public_base_url,
    deploy_url=settings.public_base_url,
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    cors_allowed_origins=list(settings.cors_origins),
    show_built_with_reflex=False,
    telemetry_enabled=False,
    disable_plugins=[SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium", has_background=True)
        )
    ],
)
