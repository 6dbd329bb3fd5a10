"""sign-in failures counted by address

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 09:12:40.118204
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_sign_in_failures_address_failed_at"),
        "sign_in_failures",
        ["address", "failed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_failures_address_failed_at"), table_name="sign_in_failures")
