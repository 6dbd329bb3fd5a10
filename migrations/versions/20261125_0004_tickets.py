"""tickets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:52:07.511507
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Case numbers come from this sequence (the column default), allocated without races.
    op.execute(sa.schema.CreateSequence(sa.Sequence("ticket_numbers")))
    op.execute(
        """
        CREATE FUNCTION next_ticket_number() RETURNS text LANGUAGE sql VOLATILE AS $$
          SELECT 'CS-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
                 || lpad(nextval('ticket_numbers')::text, 6, '0')
        $$
        """
    )

    op.create_table(
        "tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "number",
            sa.String(length=20),
            server_default=sa.text("next_ticket_number()"),
            nullable=False,
        ),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "FAULT",
                "MOVE_REQUEST",
                "REMOVAL_REQUEST",
                "ACCOUNT_QUESTION",
                "SUPPLIES",
                "METER_READING",
                "OTHER",
                name="ticket_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "department",
            sa.Enum(
                "TECHNICAL_SUPPORT",
                "LOGISTICS",
                "CUSTOMER_ACCOUNTS",
                "SUPPLIES",
                "BILLING",
                name="department",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "NEW",
                "OPEN",
                "IN_PROGRESS",
                "WAITING_ON_CUSTOMER",
                "RESOLVED",
                "CLOSED",
                "CANCELLED",
                name="ticket_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum(
                "LOW",
                "NORMAL",
                "HIGH",
                "URGENT",
                name="ticket_priority",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("guide_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_location", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("requested_date", sa.Date(), nullable=True),
        sa.Column("request_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "category <> 'ACCOUNT_QUESTION' OR device_id IS NULL",
            name=op.f("ck_tickets_account_question_no_device"),
        ),
        sa.CheckConstraint(
            "category NOT IN ('FAULT', 'SUPPLIES', 'METER_READING', 'MOVE_REQUEST', 'REMOVAL_REQUEST') OR device_id IS NOT NULL",
            name=op.f("ck_tickets_device_category_has_device"),
        ),
        sa.CheckConstraint(
            "length(description) <= 10000", name=op.f("ck_tickets_description_length")
        ),
        sa.CheckConstraint("length(subject) > 0", name=op.f("ck_tickets_subject_not_empty")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_tickets_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_tickets_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_tickets_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_tickets_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    op.create_index(
        op.f("ix_tickets_account_id_created_at"),
        "tickets",
        ["account_id", "created_at"],
        unique=False,
    )
    op.create_index(op.f("ix_tickets_assignee_id"), "tickets", ["assignee_id"], unique=False)
    op.create_index(op.f("ix_tickets_created_at"), "tickets", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_tickets_device_id_created_at"),
        "tickets",
        ["device_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_tickets_open_device_request",
        "tickets",
        ["device_id"],
        unique=True,
        postgresql_where=sa.text(
            "category IN ('MOVE_REQUEST', 'REMOVAL_REQUEST') AND status NOT IN ('RESOLVED', 'CLOSED', 'CANCELLED')"
        ),
    )
    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(body) BETWEEN 1 AND 10000", name=op.f("ck_ticket_messages_body_length")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_ticket_messages_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_messages_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_messages")),
    )
    op.create_index(
        op.f("ix_ticket_messages_ticket_id_created_at"),
        "ticket_messages",
        ["ticket_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "ticket_status_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "NEW",
                "OPEN",
                "IN_PROGRESS",
                "WAITING_ON_CUSTOMER",
                "RESOLVED",
                "CLOSED",
                "CANCELLED",
                name="ticket_status_from",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "NEW",
                "OPEN",
                "IN_PROGRESS",
                "WAITING_ON_CUSTOMER",
                "RESOLVED",
                "CLOSED",
                "CANCELLED",
                name="ticket_status_to",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_ticket_status_changes_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_status_changes_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_status_changes")),
    )
    op.create_index(
        op.f("ix_ticket_status_changes_ticket_id_at"),
        "ticket_status_changes",
        ["ticket_id", "at"],
        unique=False,
    )
    op.add_column(
        "users",
        sa.Column(
            "notify_account_ticket_updates", sa.Boolean(), server_default="false", nullable=False
        ),
    )


def downgrade() -> None:

    op.drop_column("users", "notify_account_ticket_updates")
    op.drop_index(op.f("ix_ticket_status_changes_ticket_id_at"), table_name="ticket_status_changes")
    op.drop_table("ticket_status_changes")
    op.drop_index(op.f("ix_ticket_messages_ticket_id_created_at"), table_name="ticket_messages")
    op.drop_table("ticket_messages")
    op.drop_index(
        "uq_tickets_open_device_request",
        table_name="tickets",
        postgresql_where=sa.text(
            "category IN ('MOVE_REQUEST', 'REMOVAL_REQUEST') AND status NOT IN ('RESOLVED', 'CLOSED', 'CANCELLED')"
        ),
    )
    op.drop_index(op.f("ix_tickets_device_id_created_at"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_created_at"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_assignee_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_account_id_created_at"), table_name="tickets")
    op.drop_table("tickets")
    op.execute("DROP FUNCTION next_ticket_number()")
    op.execute(sa.schema.DropSequence(sa.Sequence("ticket_numbers")))
