"""Alembic migrations; shipped as a package so an installed portal can find them."""
