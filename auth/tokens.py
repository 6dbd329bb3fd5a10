"""Opaque bearer tokens: random, prefixed by kind (for secret scanners), stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SESSION_TOKEN_PREFIX = "pts_"


def new_session_token() -> str:
    return SESSION_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str, secret_key: str) -> bytes:
    """Keyed, so a copy of the database alone cannot even check a guessed token."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).digest()
