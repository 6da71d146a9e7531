"""Writes for accounts: people and their roles in companies, access tokens, the audit trail.

Every service takes the acting person, checks access inside its transaction (`access.require`)
and records an audit event. The very first administrator is the only person created without
one (`administrator_bootstrap`, which `ledger.services.company_bootstrap` calls on a new
installation, for `arrears setup` and the demo).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from arrears.apps.accounts.access import person_id, require, require_administrator
from arrears.apps.accounts.models import AccessPolicy, AccessToken, AuditEvent, Membership
from arrears.domain.access import PersonRole, Verb
from arrears.domain.refusal import NotAllowed, Refusal

TOKEN_PREFIX = "arr_"
TOKEN_DAYS = 90  # a token lives this long unless asked otherwise
MAX_TOKEN_DAYS = 366


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a change; every write service calls this inside its transaction."""
    user: Any = actor if isinstance(actor, AbstractBaseUser) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail or {},
    )


def audit_record_many(
    entries: Iterable[tuple[str, Any, str, object, dict[str, Any]]],
) -> int:
    """`audit_record` of many changes at once (a batch of the outbox), in one bulk write:
    each entry is (action, actor, object type, object id, detail)."""
    rows = [
        AuditEvent(
            actor=actor if isinstance(actor, AbstractBaseUser) else None,  # type: ignore[misc]
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
        )
        for action, actor, object_type, object_id, detail in entries
    ]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)


# --- people -----------------------------------------------------------------------------


def user_ensure(
    *, username: str, role: Any, email: str = "", first_name: str = "", company: Any = None
) -> Any:
    """Create (or find) a person holding `role` in `company` (none: a person without a role),
    without asking who acts: for tests and fixtures only; people are added by
    administrators with `member_add`."""
    person = _person_ensure(username=username, email=email, name=first_name)
    if company is not None:
        Membership.objects.get_or_create(
            person=person, company_id=company.pk, defaults={"role": PersonRole(str(role))}
        )
    return person


def _person_ensure(*, username: str, email: str = "", name: str = "") -> Any:
    username = username.strip()
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        raise Refusal("accounts.bad_username", username=username)
    first, _, last = name.strip().partition(" ")
    person, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email.strip(), "first_name": first, "last_name": last}
    )
    if not created and not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
    return person


def administrator_bootstrap(*, company_id: int, username: str, email: str = "") -> Any:
    """The first administrator of a new installation; refused once any administrator exists
    (from then on, administrators add people)."""
    with transaction.atomic():
        if Membership.objects.filter(role=PersonRole.ADMINISTRATOR).exists():
            raise Refusal("accounts.already_set_up")
        person = _person_ensure(username=username, email=email)
        Membership.objects.create(
            person=person, company_id=company_id, role=PersonRole.ADMINISTRATOR
        )
        audit_record(
            action="accounts.bootstrap",
            actor=person,
            object_type="membership",
            object_id=person.pk,
            detail={"company_id": company_id, "username": username},
        )
    return person


def administrator_any_exists() -> bool:
    return Membership.objects.filter(role=PersonRole.ADMINISTRATOR, active=True).exists()


def company_administrator_add(*, actor: Any, company_id: int) -> None:
    """An administrator who creates a new company administers it too."""
    with transaction.atomic():
        require_administrator(actor, what="add a company")
        Membership.objects.get_or_create(
            person=actor, company_id=company_id, defaults={"role": PersonRole.ADMINISTRATOR}
        )
        audit_record(
            action="accounts.company_administrator",
            actor=actor,
            object_type="membership",
            object_id=actor.pk,
            detail={"company_id": company_id},
        )


@dataclass(frozen=True, slots=True)
class MemberChange:
    """What a people service did: to whom, in which company, from which role to which."""

    username: str
    company_id: int
    role: PersonRole
    was: PersonRole | None
    active: bool
    created: bool


def member_add(
    *,
    actor: Any,
    company_id: int,
    username: str,
    role: PersonRole | str,
    email: str = "",
    name: str = "",
    reports_to: str = "",
) -> MemberChange:
    """Give a person (new or known) a role in the company; the same call twice changes
    nothing; a deactivated member is made active again with the role given."""
    role = _role(role)
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company_id, what="add people")
        person = _person_ensure(username=username, email=email, name=name)
        m, created = Membership.objects.select_for_update().get_or_create(
            person=person, company_id=company_id, defaults={"role": role}
        )
        was = None if created else PersonRole(m.role)
        if not created and m.active and m.role != role:
            raise Refusal("accounts.already_member", username=username, role=m.role)
        m.role, m.active = role, True
        if reports_to:
            m.reports_to = _reporting_target(m, reports_to)
        m.save()
        change = MemberChange(person.get_username(), company_id, role, was, True, created)
        _audit_member("accounts.member_add", actor, m, change)
    return change


def member_role_change(
    *, actor: Any, company_id: int, username: str, role: PersonRole | str
) -> MemberChange:
    """Change the role a member holds in the company (never the last administrator's)."""
    role = _role(role)
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company_id, what="change roles")
        m = _membership(company_id, username)
        was = PersonRole(m.role)
        if was is PersonRole.ADMINISTRATOR and role is not was:
            _keep_an_administrator(company_id, m)
        m.role = role
        m.save(update_fields=["role"])
        change = MemberChange(username, company_id, role, was, m.active, False)
        _audit_member("accounts.member_role", actor, m, change)
    return change


def member_deactivate(*, actor: Any, company_id: int, username: str) -> MemberChange:
    """End a person's role in the company; with no active role left anywhere, their tokens
    stop working. The last administrator of a company stays."""
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company_id, what="deactivate people")
        m = _membership(company_id, username)
        if m.role == PersonRole.ADMINISTRATOR:
            _keep_an_administrator(company_id, m)
        m.active = False
        m.save(update_fields=["active"])
        Membership.objects.filter(reports_to=m.person, company_id=company_id).update(
            reports_to=None
        )
        if not Membership.objects.filter(person=m.person, active=True).exists():
            m.person.is_active = False
            m.person.save(update_fields=["is_active"])
        change = MemberChange(username, company_id, PersonRole(m.role), None, False, False)
        _audit_member("accounts.member_deactivate", actor, m, change)
    return change


def reports_to_set(*, actor: Any, company_id: int, username: str, manager: str) -> MemberChange:
    """Say who a member reports to in the company (`manager` empty: nobody)."""
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company_id, what="set reporting lines")
        m = _membership(company_id, username)
        m.reports_to = _reporting_target(m, manager) if manager else None
        m.save(update_fields=["reports_to"])
        change = MemberChange(username, company_id, PersonRole(m.role), None, m.active, False)
        _audit_member("accounts.reports_to", actor, m, change, manager=manager)
    return change


def _role(role: PersonRole | str) -> PersonRole:
    try:
        return PersonRole(role)
    except ValueError:
        raise Refusal("accounts.unknown_role", role=str(role)) from None


def _membership(company_id: int, username: str) -> Membership:
    m = (
        Membership.objects.select_for_update()
        .select_related("person")
        .filter(company_id=company_id, person__username=username)
        .first()
    )
    if m is None:
        raise Refusal("accounts.not_a_member", username=username, company_id=company_id)
    return m


def _keep_an_administrator(company_id: int, leaving: Membership) -> None:
    others = Membership.objects.filter(
        company_id=company_id, role=PersonRole.ADMINISTRATOR, active=True
    ).exclude(pk=leaving.pk)
    if not others.exists():
        raise Refusal("accounts.last_administrator", username=leaving.person.get_username())


def _reporting_target(m: Membership, manager: str) -> Any:
    target = _membership(m.company_id, manager)
    if target.person_id == m.person_id or not target.active:
        raise Refusal("accounts.bad_manager", username=m.person.get_username(), manager=manager)
    up: Membership | None = target
    seen = {m.person_id}  # a line that comes back to the member is a loop
    while up is not None:
        if up.person_id in seen:
            raise Refusal("accounts.bad_manager", username=m.person.get_username(), manager=manager)
        seen.add(up.person_id)
        up = (
            Membership.objects.filter(person_id=up.reports_to_id, company_id=m.company_id).first()
            if up.reports_to_id
            else None
        )
    return target.person


def _audit_member(
    action: str, actor: Any, m: Membership, change: MemberChange, **more: str
) -> None:
    audit_record(
        action=action,
        actor=actor,
        object_type="membership",
        object_id=m.pk,
        detail={
            "company_id": change.company_id,
            "username": change.username,
            "role": str(change.role),
            "was": str(change.was or ""),
            "active": change.active,
            **more,
        },
    )


def access_policy_set(*, actor: Any, company_id: int, collectors_read_others: bool) -> bool:
    """Let the company's collectors read the cases they do not own (cover for a colleague on
    leave), or not; returns the setting now. Setting it to what it is changes nothing."""
    with transaction.atomic():
        require(actor, Verb.ADMINISTER, company_id=company_id, what="change who reads what")
        row, _ = AccessPolicy.objects.select_for_update().get_or_create(company_id=company_id)
        if row.collectors_read_others != collectors_read_others:
            row.collectors_read_others = collectors_read_others
            row.save(update_fields=["collectors_read_others"])
            audit_record(
                action="accounts.access_policy",
                actor=actor,
                object_type="accesspolicy",
                object_id=company_id,
                detail={"collectors_read_others": collectors_read_others},
            )
    return collectors_read_others


# --- web passwords ----------------------------------------------------------------------


def password_set(*, actor: Any, username: str, password: str) -> str:
    """Set the password a person signs in to the web desk with (hashed: Django's hasher), by
    the person themself or an administrator of one of their companies; a lockout after failed
    sign-ins ends with it. Returns the username. A password the validators refuse (too short,
    too common, too like the username) is refused with their reasons, and nothing changes."""
    with transaction.atomic():
        person = (
            get_user_model().objects.select_for_update().filter(username=username.strip()).first()
        )
        if person is None:
            person_id(actor)
            raise Refusal("accounts.no_person", username=username)
        require_self_or_admin(actor, person)
        if not person.is_active:
            raise Refusal("accounts.person_inactive", username=person.get_username())
        try:
            password_validation.validate_password(password, person)
        except ValidationError as e:
            raise Refusal(
                "accounts.weak_password",
                username=person.get_username(),
                problems=" ".join(e.messages),
            ) from None
        person.set_password(password)
        person.save(update_fields=["password"])
        audit_record(
            action="accounts.password_set",
            actor=actor,
            object_type="person",
            object_id=person.pk,
            detail={"username": person.get_username()},  # never the password
        )
    _lockouts_end(person.get_username())
    return str(person.get_username())


def _lockouts_end(username: str) -> None:
    """Forget the failed sign-ins recorded for the username (django-axes), from any address."""
    from axes.utils import reset

    reset(username=username)


# --- access tokens ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: `secret` is shown this once and never stored."""

    id: int
    prefix: str
    secret: str
    expires_at: datetime


def require_self_or_admin(actor: Any, person: Any) -> None:
    """The person themself, or an administrator of a company the person belongs to."""
    pid = person_id(actor)
    if pid == person.pk:
        return
    theirs = set(Membership.objects.filter(person=person).values_list("company_id", flat=True))
    admin_of = set(
        Membership.objects.filter(
            person_id=pid, role=PersonRole.ADMINISTRATOR, active=True
        ).values_list("company_id", flat=True)
    )
    if not theirs & admin_of:
        raise NotAllowed(
            "access.not_yours", person=actor.get_username(), other=person.get_username()
        )


_PREFIX_SHAPE = re.compile(r"[0-9a-f]{8}")  # secrets.token_hex(4), as token_create makes it


def _token_rows(prefix: str) -> QuerySet[AccessToken] | None:
    """The token row of a prefix, or None; a prefix of any other shape (a mistyped or damaged
    token, NUL bytes included) is simply unknown and never reaches the database."""
    prefix = prefix.removeprefix(TOKEN_PREFIX)
    if not _PREFIX_SHAPE.fullmatch(prefix):
        return None
    return AccessToken.objects.select_related("person").filter(prefix=prefix)


def _digest(text: str) -> str:
    # Tokens are 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(text.encode()).hexdigest()


def token_create(
    *,
    actor: Any,
    name: str,
    person: Any = None,
    days: int = TOKEN_DAYS,
    now: datetime | None = None,
) -> NewToken:
    """A new personal access token for the actor (or, by an administrator, for a member)."""
    whose = person or actor
    if not name.strip() or len(name) > 100:
        raise Refusal("accounts.bad_token_name", name=name)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise Refusal("accounts.bad_token_days", days=days, most=MAX_TOKEN_DAYS)
    now = now or timezone.now()
    with transaction.atomic():
        require_self_or_admin(actor, whose)
        if not whose.is_active:
            raise Refusal("accounts.person_inactive", username=whose.get_username())
        prefix = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        row = AccessToken.objects.create(
            person=whose,
            name=name.strip(),
            prefix=prefix,
            digest=_digest(secret),
            expires_at=now + timedelta(days=days),
        )
        audit_record(
            action="accounts.token_create",
            actor=actor,
            object_type="accesstoken",
            object_id=row.pk,
            detail={"person": whose.get_username(), "prefix": prefix, "days": days},
        )
    return NewToken(row.pk, prefix, secret, row.expires_at)


def token_revoke(*, actor: Any, prefix: str, now: datetime | None = None) -> str:
    """Revoke a token by its prefix (the list shows it); revoking twice changes nothing."""
    with transaction.atomic():
        rows = _token_rows(prefix)
        row: AccessToken | None = None if rows is None else rows.select_for_update().first()
        if row is None:
            raise Refusal("accounts.no_token", prefix=prefix)
        require_self_or_admin(actor, row.person)
        if row.revoked_at is None:
            row.revoked_at = now or timezone.now()
            row.save(update_fields=["revoked_at"])
            audit_record(
                action="accounts.token_revoke",
                actor=actor,
                object_type="accesstoken",
                object_id=row.pk,
                detail={"person": row.person.get_username(), "prefix": row.prefix},
            )
    return row.prefix


def token_authenticate(secret: str, *, now: datetime | None = None) -> Any:
    """The person a token stands for, or `NotAllowed` (unknown, revoked, expired, inactive)."""
    secret = secret.strip()
    rows = (
        _token_rows(secret.removeprefix(TOKEN_PREFIX).split("_", 1)[0])
        if secret.startswith(TOKEN_PREFIX)
        else None
    )
    row = None if rows is None else rows.first()
    if row is None or not secrets.compare_digest(row.digest, _digest(secret)):
        raise NotAllowed("access.token_unknown")
    now = now or timezone.now()
    if row.revoked_at is not None:
        raise NotAllowed("access.token_revoked", prefix=row.prefix)
    if row.expires_at <= now:
        raise NotAllowed("access.token_expired", prefix=row.prefix, on=row.expires_at.date())
    if not row.person.is_active:
        raise NotAllowed("access.inactive", person=row.person.get_username())
    AccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.person
