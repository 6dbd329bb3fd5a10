"""meter readings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 04:09:26.955883
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "meter_readings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("read_on", sa.Date(), nullable=False),
        sa.Column(
            "submitted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("integration_token_id", sa.Uuid(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "PORTAL",
                "INTEGRATION",
                "STAFF",
                name="meter_reading_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("black", sa.Integer(), nullable=True),
        sa.Column("color", sa.Integer(), nullable=True),
        sa.Column("large_format", sa.Integer(), nullable=True),
        sa.Column("scan", sa.Integer(), nullable=True),
        sa.Column("flagged_for_review", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Uuid(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(voided_at IS NULL) = (void_reason IS NULL)",
            name=op.f("ck_meter_readings_void_has_reason"),
        ),
        sa.CheckConstraint(
            "black IS NULL OR black BETWEEN 0 AND 2147483647",
            name=op.f("ck_meter_readings_black_range"),
        ),
        sa.CheckConstraint(
            "black IS NULL OR total IS NULL OR black <= total",
            name=op.f("ck_meter_readings_black_within_total"),
        ),
        sa.CheckConstraint(
            "color IS NULL OR color BETWEEN 0 AND 2147483647",
            name=op.f("ck_meter_readings_color_range"),
        ),
        sa.CheckConstraint(
            "color IS NULL OR total IS NULL OR color <= total",
            name=op.f("ck_meter_readings_color_within_total"),
        ),
        sa.CheckConstraint(
            "large_format IS NULL OR large_format BETWEEN 0 AND 2147483647",
            name=op.f("ck_meter_readings_large_format_range"),
        ),
        sa.CheckConstraint(
            "scan IS NULL OR scan BETWEEN 0 AND 2147483647",
            name=op.f("ck_meter_readings_scan_range"),
        ),
        sa.CheckConstraint(
            "total IS NULL OR total BETWEEN 0 AND 2147483647",
            name=op.f("ck_meter_readings_total_range"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_meter_readings_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["integration_token_id"],
            ["integration_tokens.id"],
            name=op.f("fk_meter_readings_integration_token_id_integration_tokens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["users.id"],
            name=op.f("fk_meter_readings_submitted_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["voided_by"],
            ["users.id"],
            name=op.f("fk_meter_readings_voided_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_readings")),
    )
    op.create_index(
        op.f("ix_meter_readings_device_id_submitted_at"),
        "meter_readings",
        ["device_id", "submitted_at"],
        unique=False,
    )
    op.create_index(
        "uq_meter_readings_device_day",
        "meter_readings",
        ["device_id", "read_on"],
        unique=True,
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.add_column(
        "accounts",
        sa.Column("meter_reading_interval_days", sa.Integer(), server_default="30", nullable=False),
    )
    op.add_column(
        "devices", sa.Column("meter_reminded_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:

    op.drop_column("devices", "meter_reminded_at")
    op.drop_column("accounts", "meter_reading_interval_days")
    op.drop_index(
        "uq_meter_readings_device_day",
        table_name="meter_readings",
        postgresql_where=sa.text("voided_at IS NULL"),
    )
    op.drop_index(op.f("ix_meter_readings_device_id_submitted_at"), table_name="meter_readings")
    op.drop_table("meter_readings")
