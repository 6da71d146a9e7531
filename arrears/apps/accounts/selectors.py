"""Reads for accounts: people of a company, their managers, their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arrears.apps.accounts.access import person_id, require
from arrears.apps.accounts.models import AccessPolicy, AccessToken, Membership
from arrears.domain.access import PersonRole, Verb


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One member of a company as the people list shows it."""

    username: str
    name: str
    email: str
    role: PersonRole
    reports_to: str
    active: bool


@dataclass(frozen=True, slots=True)
class TokenRow:
    """A token as lists show it: never the secret, only its prefix."""

    id: int
    person: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def people_list(*, actor: Any, company_id: int, include_inactive: bool = False) -> list[PersonRow]:
    """Everyone holding a role in the company, by role then username (one query)."""
    require(actor, Verb.READ, company_id=company_id)
    rows = Membership.objects.filter(company_id=company_id).select_related("person", "reports_to")
    if not include_inactive:
        rows = rows.filter(active=True)
    return [
        PersonRow(
            username=m.person.get_username(),
            name=m.person.get_full_name(),
            email=m.person.email,
            role=PersonRole(m.role),
            reports_to=m.reports_to.get_username() if m.reports_to else "",
            active=m.active,
        )
        for m in rows.order_by("role", "person__username")
    ]


def manager_of(person_id: int, company_id: int) -> Any:
    """Who the person reports to in the company (an active member), or None."""
    m = (
        Membership.objects.filter(person_id=person_id, company_id=company_id)
        .select_related("reports_to")
        .first()
    )
    if m is None or m.reports_to is None:
        return None
    still = Membership.objects.filter(person=m.reports_to, company_id=company_id, active=True)
    return m.reports_to if still.exists() else None


# Who may own a debtor's account: a portfolio's collector or credit manager, or the legal
# member or agency a case was handed over to.
OWNING_ROLES = (
    PersonRole.COLLECTOR,
    PersonRole.CREDIT_MANAGER,
    PersonRole.LEGAL,
    PersonRole.AGENCY,
)


def active_owner_ids(company_id: int) -> set[int]:
    """The people who may own accounts in the company now (active, in an owning role)."""
    return set(
        Membership.objects.filter(
            company_id=company_id, active=True, role__in=[str(r) for r in OWNING_ROLES]
        ).values_list("person_id", flat=True)
    )


def reports_of(person_id: int, company_id: int) -> list[int]:
    """The ids of the active members who report to the person in the company."""
    return list(
        Membership.objects.filter(
            reports_to_id=person_id, company_id=company_id, active=True
        ).values_list("person_id", flat=True)
    )


def members_with_role(company_id: int, *roles: PersonRole) -> list[Any]:
    """The active members holding one of `roles`, by username."""
    rows = Membership.objects.filter(
        company_id=company_id, active=True, role__in=[str(r) for r in roles]
    ).select_related("person")
    return [m.person for m in rows.order_by("person__username")]


def tokens_list(*, actor: Any, person: Any = None) -> list[TokenRow]:
    """The actor's own tokens (or, for an administrator, another person's), newest first."""
    from arrears.apps.accounts.services import require_self_or_admin

    whose = person or actor
    require_self_or_admin(actor, whose)
    rows = AccessToken.objects.filter(person=whose).select_related("person")
    return [
        TokenRow(
            id=t.pk,
            person=t.person.get_username(),
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            last_used_at=t.last_used_at,
        )
        for t in rows.order_by("-created_at", "-id")
    ]


def access_policy_read(*, actor: Any, company_id: int) -> bool:
    """Whether the company's collectors read cases they do not own (any member may ask)."""
    require(actor, Verb.READ, company_id=company_id)
    return bool(
        AccessPolicy.objects.filter(company_id=company_id)
        .values_list("collectors_read_others", flat=True)
        .first()
    )


@dataclass(frozen=True, slots=True)
class RoleRow:
    """One company the person acts in, and the role they hold there."""

    company: str  # the company's code
    role: PersonRole


def roles_of(*, actor: Any) -> list[RoleRow]:
    """The companies the person acts in (active memberships), with their role in each, by
    company code: their own, to themselves (`arrears whoami`). One query."""
    person_id(actor)
    rows = Membership.objects.filter(person_id=actor.pk, active=True).order_by("company__code")
    return [
        RoleRow(code, PersonRole(role)) for code, role in rows.values_list("company__code", "role")
    ]
