"""Password hashing (argon2id through pwdlib) and password rules."""

from __future__ import annotations

import secrets
from functools import cache

from pwdlib import PasswordHash

from pantau.errors import UsageError

MIN_LENGTH = 8
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def check_strength(password: str) -> None:
    """Refuse passwords that are too short (the one rule that matters with argon2)."""
    if len(password) < MIN_LENGTH:
        raise UsageError(f"a password needs at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (``$argon2id$...``)."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # pwdlib raises UnknownHashError; argon2 its own errors on corrupt hashes
        return False


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_verify(password: str) -> None:
    """Spend the time of a real verification, so unknown accounts answer no faster."""
    verify_password(password, _dummy_hash())


def generate_password(length: int = 16) -> str:
    """A random password without look-alike characters (for demo and non-interactive accounts)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
