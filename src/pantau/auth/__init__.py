"""Accounts, roles, argon2 passwords, API tokens, sessions and the access policy.

- :mod:`~pantau.auth.users`: accounts and roles; :mod:`~pantau.auth.passwords`: argon2id hashes
- :mod:`~pantau.auth.tokens`: API tokens; :mod:`~pantau.auth.sessions`: browser sessions
- :mod:`~pantau.auth.login`: checking a password, with :mod:`~pantau.auth.throttle`
- :mod:`~pantau.auth.access`: the one place where an account becomes a data scope
"""

from pantau.auth.access import Grant, grant_for, may_manage_users, may_see_imports, rep_directory
from pantau.auth.errors import BadCredentials, CsrfError, Forbidden, LoginRequired, TooManyAttempts
from pantau.auth.login import authenticate
from pantau.auth.sessions import Session, end_session, load_session, start_session
from pantau.auth.tokens import ApiToken, create_token, list_tokens, revoke_token, user_for_token
from pantau.auth.users import (
    ROLES,
    Role,
    User,
    add_user,
    get_user,
    has_admin,
    list_users,
    remove_user,
    set_password,
)

__all__ = [
    "ROLES",
    "ApiToken",
    "BadCredentials",
    "CsrfError",
    "Forbidden",
    "Grant",
    "LoginRequired",
    "Role",
    "Session",
    "TooManyAttempts",
    "User",
    "add_user",
    "authenticate",
    "create_token",
    "end_session",
    "get_user",
    "grant_for",
    "has_admin",
    "list_tokens",
    "list_users",
    "load_session",
    "may_manage_users",
    "may_see_imports",
    "remove_user",
    "rep_directory",
    "revoke_token",
    "set_password",
    "start_session",
    "user_for_token",
]
