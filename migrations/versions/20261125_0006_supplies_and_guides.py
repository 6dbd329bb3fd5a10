"""supplies and guides

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 04:18:04.210961
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Order numbers come from this sequence (the column default), allocated without races.
    op.execute(sa.schema.CreateSequence(sa.Sequence("supply_order_numbers")))
    op.execute(
        """
        CREATE FUNCTION next_supply_order_number() RETURNS text LANGUAGE sql VOLATILE AS $$
          SELECT 'SO-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-'
                 || lpad(nextval('supply_order_numbers')::text, 6, '0')
        $$
        """
    )
    op.create_table(
        "guides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("steps", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector(CASE WHEN locale = 'sv' THEN 'swedish'::regconfig ELSE 'english'::regconfig END, title || ' ' || summary || ' ' || (steps)::text)",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("views", sa.Integer(), server_default="0", nullable=False),
        sa.Column("solved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("not_solved", sa.Integer(), server_default="0", nullable=False),
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
        sa.CheckConstraint("jsonb_typeof(steps) = 'array'", name=op.f("ck_guides_steps_array")),
        sa.CheckConstraint("locale IN ('sv', 'en')", name=op.f("ck_guides_locale")),
        sa.CheckConstraint(
            "views >= 0 AND solved >= 0 AND not_solved >= 0", name=op.f("ck_guides_counts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
        sa.UniqueConstraint("external_id", name=op.f("uq_guides_external_id")),
    )
    op.create_index("ix_guides_search", "guides", ["search"], unique=False, postgresql_using="gin")
    op.create_table(
        "guide_models",
        sa.Column("guide_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guide_id"],
            ["guides.id"],
            name=op.f("fk_guide_models_guide_id_guides"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["device_models.id"],
            name=op.f("fk_guide_models_model_id_device_models"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guide_id", "model_id", name=op.f("pk_guide_models")),
    )
    op.create_table(
        "supply_levels",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("supply_item_id", sa.Uuid(), nullable=False),
        sa.Column("level_percent", sa.Integer(), nullable=False),
        sa.Column(
            "reported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "level_percent BETWEEN 0 AND 100", name=op.f("ck_supply_levels_level_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_supply_levels_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supply_item_id"],
            ["supply_items.id"],
            name=op.f("fk_supply_levels_supply_item_id_supply_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", "supply_item_id", name=op.f("pk_supply_levels")),
    )
    op.create_table(
        "supply_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "number",
            sa.String(length=20),
            server_default=sa.text("next_supply_order_number()"),
            nullable=False,
        ),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "SUBMITTED",
                "CONFIRMED",
                "SHIPPED",
                "DELIVERED",
                "CANCELLED",
                name="supply_order_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "PORTAL",
                "STAFF",
                "AUTOMATIC",
                name="supply_order_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("ordered_by", sa.Uuid(), nullable=True),
        sa.Column("shipping_street", sa.String(length=200), nullable=False),
        sa.Column("shipping_postal_code", sa.String(length=16), nullable=False),
        sa.Column("shipping_city", sa.String(length=100), nullable=False),
        sa.Column("shipping_country", sa.String(length=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tracking_reference", sa.String(length=100), nullable=True),
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
        sa.CheckConstraint(
            "shipping_country ~ '^[A-Z]{2}$'", name=op.f("ck_supply_orders_shipping_country_iso")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_supply_orders_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_supply_orders_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ordered_by"],
            ["users.id"],
            name=op.f("fk_supply_orders_ordered_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_supply_orders_number")),
    )
    op.create_index(
        op.f("ix_supply_orders_account_id_created_at"),
        "supply_orders",
        ["account_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_supply_orders_device_id_created_at"),
        "supply_orders",
        ["device_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "supply_order_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("supply_item_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "quantity BETWEEN 1 AND 10", name=op.f("ck_supply_order_lines_quantity_range")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["supply_orders.id"],
            name=op.f("fk_supply_order_lines_order_id_supply_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supply_item_id"],
            ["supply_items.id"],
            name=op.f("fk_supply_order_lines_supply_item_id_supply_items"),
        ),
        sa.PrimaryKeyConstraint("order_id", "supply_item_id", name=op.f("pk_supply_order_lines")),
    )
    op.create_index(
        op.f("ix_supply_order_lines_supply_item_id"),
        "supply_order_lines",
        ["supply_item_id"],
        unique=False,
    )
    op.add_column(
        "accounts",
        sa.Column("consumables_included", sa.Boolean(), server_default="false", nullable=False),
    )
    op.create_index(op.f("ix_tickets_guide_id"), "tickets", ["guide_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_tickets_guide_id_guides"),
        "tickets",
        "guides",
        ["guide_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_tickets_guide_id_guides"), "tickets", type_="foreignkey")
    op.drop_index(op.f("ix_tickets_guide_id"), table_name="tickets")
    op.drop_column("accounts", "consumables_included")
    op.drop_index(op.f("ix_supply_order_lines_supply_item_id"), table_name="supply_order_lines")
    op.drop_table("supply_order_lines")
    op.drop_index(op.f("ix_supply_orders_device_id_created_at"), table_name="supply_orders")
    op.drop_index(op.f("ix_supply_orders_account_id_created_at"), table_name="supply_orders")
    op.drop_table("supply_orders")
    op.drop_table("supply_levels")
    op.drop_table("guide_models")
    op.drop_index("ix_guides_search", table_name="guides", postgresql_using="gin")
    op.drop_table("guides")
    op.execute("DROP FUNCTION next_supply_order_number()")
    op.execute(sa.schema.DropSequence(sa.Sequence("supply_order_numbers")))
