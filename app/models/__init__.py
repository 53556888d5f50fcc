"""Every table, imported here so Alembic and the app see the whole schema."""

from app.models.customer import CodeSequence, Contact, Customer, Site
from app.models.movement import Movement
from app.models.outbox import OutboxMessage
from app.models.user import AuthSession, PasswordToken, User

__all__ = [
    "AuthSession", "CodeSequence", "Contact", "Customer", "Movement", "OutboxMessage", "PasswordToken", "Site",
    "User",
]
