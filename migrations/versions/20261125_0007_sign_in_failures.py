"""sign-in failures

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 04:39:18.037176
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column(
            "failed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    op.create_index(
        op.f("ix_sign_in_failures_email_hash_address_failed_at"),
        "sign_in_failures",
        ["email_hash", "address", "failed_at"],
        unique=False,
    )


def downgrade() -> None:

    op.drop_index(
        op.f("ix_sign_in_failures_email_hash_address_failed_at"), table_name="sign_in_failures"
    )
    op.drop_table("sign_in_failures")
