"""Opaque bearer tokens: random, prefixed by kind (for secret scanners), stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SESSION_TOKEN_PREFIX = "pts_"  # a person's sign-in
INTEGRATION_TOKEN_PREFIX = "pti_"  # a back-office system
EMAIL_TOKEN_PREFIX = "pte_"  # single-use, sent by e-mail (invitation, verification, reset)


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def new_session_token() -> str:
    return new_token(SESSION_TOKEN_PREFIX)


def hash_token(token: str, secret_key: str) -> bytes:
    """Keyed, so a copy of the database alone cannot even check a guessed token."""
    return hmac.digest(secret_key.encode(), token.encode(), hashlib.sha256)
