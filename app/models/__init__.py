"""Every table, imported here so Alembic and the app see the whole schema."""

from app.models.customer import Customer
from app.models.outbox import OutboxMessage
from app.models.user import AuthSession, PasswordToken, User

__all__ = ["AuthSession", "Customer", "OutboxMessage", "PasswordToken", "User"]
