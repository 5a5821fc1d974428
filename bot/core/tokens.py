"""Random tokens for links and sessions, and the only form of them that is stored.

token = new_token()          # 256 bits, URL-safe: goes into a link or a cookie
token_hash(token)            # sha256 hex: what the database keeps
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits (at least 128 are required)


def new_token() -> str:
    """A fresh URL-safe random token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 hex of a token (an altered token hashes to nothing stored)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
