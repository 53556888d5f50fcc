"""Use cases. Importing the package registers the card's version keeping (app.services.versions), so no
writer of customers, contacts or sites can skip it."""

from app.services import versions  # noqa: F401
