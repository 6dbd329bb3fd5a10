"""The rules of a case, free of I/O: where it is routed, and who may move it where."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import Department, TicketCategory, TicketStatus

S = TicketStatus

ROUTING: dict[TicketCategory, Department] = {
    TicketCategory.FAULT: Department.TECHNICAL_SUPPORT,
    TicketCategory.MOVE_REQUEST: Department.LOGISTICS,
    TicketCategory.REMOVAL_REQUEST: Department.LOGISTICS,
    TicketCategory.ACCOUNT_QUESTION: Department.CUSTOMER_ACCOUNTS,
    TicketCategory.SUPPLIES: Department.SUPPLIES,
    TicketCategory.METER_READING: Department.BILLING,
    TicketCategory.OTHER: Department.CUSTOMER_ACCOUNTS,
}

# What customers may raise themselves (moves and removals have mutations of their own).
DEVICE_CATEGORIES = frozenset(
    {
        TicketCategory.FAULT,
        TicketCategory.SUPPLIES,
        TicketCategory.METER_READING,
        TicketCategory.OTHER,
    }
)
ACCOUNT_CATEGORIES = frozenset({TicketCategory.ACCOUNT_QUESTION, TicketCategory.OTHER})

# NEW -> OPEN -> IN_PROGRESS <-> WAITING_ON_CUSTOMER -> RESOLVED -> CLOSED;
# CANCELLED from any state before RESOLVED; RESOLVED may be reopened.
STAFF_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.OPEN, S.CANCELLED}),
    S.OPEN: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.WAITING_ON_CUSTOMER, S.RESOLVED, S.CANCELLED}),
    S.WAITING_ON_CUSTOMER: frozenset({S.IN_PROGRESS, S.OPEN, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset({S.CLOSED, S.OPEN}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
NOT_YET_RESOLVED = frozenset({S.NEW, S.OPEN, S.IN_PROGRESS, S.WAITING_ON_CUSTOMER})
FINISHED = frozenset({S.RESOLVED, S.CLOSED, S.CANCELLED})
REOPEN_WINDOW = timedelta(days=14)


def department_for(category: TicketCategory) -> Department:
    return ROUTING[category]


def staff_may_move(current: TicketStatus, target: TicketStatus) -> bool:
    return target in STAFF_TRANSITIONS[current]


def customer_may_move(
    current: TicketStatus, target: TicketStatus, resolved_at: datetime | None, now: datetime
) -> bool:
    """A customer cancels their open case, or reopens a resolved one within 14 days."""
    if target is S.CANCELLED:
        return current in NOT_YET_RESOLVED
    if target is S.OPEN and current is S.RESOLVED:
        return resolved_at is not None and now - resolved_at <= REOPEN_WINDOW
    return False


def response_met(
    due: datetime | None, first_responded: datetime | None, now: datetime
) -> bool | None:
    """Whether the contracted response came in time; None while it may still."""
    if due is None:
        return None
    if first_responded is not None:
        return first_responded <= due
    return False if now > due else None
