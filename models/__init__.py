"""SQLAlchemy models (one module per table family), the engine and sessions."""

from models.auth_session import AuthSession
from models.base import Base
from models.outbox import OutboxEmail, OutboxStatus
from models.user import User, UserKind

__all__ = ["AuthSession", "Base", "OutboxEmail", "OutboxStatus", "User", "UserKind"]
