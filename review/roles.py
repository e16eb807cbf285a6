"""Roles and what each may do. A user holds one or more roles; a permission is granted if any role has it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"  # works the queue: reveal, release, reject
    APPROVER = "approver"  # a reviewer who may also approve another user's release request
    AUDITOR = "auditor"  # read-only, plus the audit trail and its exports
    ADMIN = "admin"  # manages users; reads the audit trail


class Permission(StrEnum):
    VIEW = "view"  # the queue and record pages, values masked
    REVEAL = "reveal"  # see the held values (audited)
    RELEASE = "release"  # release, or request a release of, a held record
    REJECT = "reject"
    APPROVE = "approve"  # approve someone else's release request (four-eyes)
    AUDIT = "audit"  # read the audit trail
    EXPORT = "export"  # export the audit trail as CSV or JSON
    MANAGE_USERS = "manage_users"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.REVIEWER: frozenset({Permission.VIEW, Permission.REVEAL, Permission.RELEASE, Permission.REJECT}),
    Role.APPROVER: frozenset(
        {Permission.VIEW, Permission.REVEAL, Permission.RELEASE, Permission.REJECT, Permission.APPROVE}
    ),
    Role.AUDITOR: frozenset({Permission.VIEW, Permission.AUDIT, Permission.EXPORT}),
    Role.ADMIN: frozenset({Permission.VIEW, Permission.AUDIT, Permission.EXPORT, Permission.MANAGE_USERS}),
}


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    granted: frozenset[Permission] = frozenset()
    for role in roles:
        granted |= GRANTS[role]
    return granted


def parse_roles(text: str) -> tuple[Role, ...]:
    """Roles from a comma-separated list; unknown names raise ``ValueError``."""
    return tuple(dict.fromkeys(Role(part.strip()) for part in text.split(",") if part.strip()))
