"""SQLAlchemy models (one module per family of tables), the engine and sessions."""

from models.account import Account, AccountRole, Membership, Payment
from models.auth_session import AuthSession
from models.base import Base
from models.device import (
    Device,
    DeviceAssignment,
    DeviceModel,
    DeviceStatus,
    MeterKind,
    SupplyItem,
    SupplyKind,
    model_supplies,
)
from models.guide import Guide, guide_models
from models.idempotency import IdempotencyKey
from models.meter import MeterReading, MeterReadingSource
from models.outbox import OutboxEmail, OutboxStatus
from models.people import (
    AccessRequest,
    AccessRequestStatus,
    AuditEntry,
    IntegrationToken,
    Invitation,
    TokenPurpose,
    UserToken,
)
from models.supply import (
    SupplyLevel,
    SupplyOrder,
    SupplyOrderLine,
    SupplyOrderSource,
    SupplyOrderStatus,
)
from models.throttle import SignInFailure
from models.ticket import (
    Department,
    Ticket,
    TicketCategory,
    TicketMessage,
    TicketPriority,
    TicketStatus,
    TicketStatusChange,
)
from models.user import User, UserKind

__all__ = [
    "AccessRequest",
    "AccessRequestStatus",
    "Account",
    "AccountRole",
    "AuditEntry",
    "AuthSession",
    "Base",
    "Department",
    "Device",
    "DeviceAssignment",
    "DeviceModel",
    "DeviceStatus",
    "Guide",
    "IdempotencyKey",
    "IntegrationToken",
    "Invitation",
    "Membership",
    "MeterKind",
    "MeterReading",
    "MeterReadingSource",
    "OutboxEmail",
    "OutboxStatus",
    "Payment",
    "SignInFailure",
    "SupplyItem",
    "SupplyKind",
    "SupplyLevel",
    "SupplyOrder",
    "SupplyOrderLine",
    "SupplyOrderSource",
    "SupplyOrderStatus",
    "Ticket",
    "TicketCategory",
    "TicketMessage",
    "TicketPriority",
    "TicketStatus",
    "TicketStatusChange",
    "TokenPurpose",
    "User",
    "UserKind",
    "UserToken",
    "guide_models",
    "model_supplies",
]
