"""Access in one place: who may read, change or approve what, per company and role.

Every service and selector asks here, inside its transaction and after locking the row it
guards (so the answer is about the row as it is now). The rule itself is the pure
`arrears.domain.access.decide`; this module only looks up the person's membership.
Companies and owners are passed as ids, so accounts imports no other app.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from arrears.apps.accounts.models import AccessPolicy, Membership
from arrears.apps.common.reads import once, read_once
from arrears.domain.access import (
    NOT_A_MEMBER,
    Denial,
    PersonRole,
    Verb,
    acted_for,
    decide,
    decide_action,
)
from arrears.domain.ladder import Role
from arrears.domain.refusal import NotAllowed

ANONYMOUS = "access.anonymous"


@contextmanager
def access_read_once() -> Iterator[None]:
    """Within it, each membership and each company's access policy is read once, however many
    times a page asks who may (a case page asks some twenty times). Only where nothing changes
    them meanwhile: the web desk wraps its GET requests in it (`web.middleware`), which is
    `common.reads.read_once`: the page's other repeated reads are read once there too."""
    with read_once():
        yield


def _once(key: tuple[Any, ...], read: Any) -> Any:
    return once(("access", *key), read)


def person_id(person: Any) -> int:
    """The person's id, refusing anyone not authenticated."""
    if person is None or not getattr(person, "is_authenticated", False):
        raise NotAllowed(ANONYMOUS)
    return int(person.pk)


def role_in(person: Any, company_id: int) -> PersonRole | None:
    """The role the person holds in the company (an inactive membership counts as none)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    row = Membership.objects.filter(person_id=person.pk, company_id=company_id, active=True)
    role = row.values_list("role", flat=True).first()
    return PersonRole(role) if role else None


def has_role(person: Any, company_id: int, *roles: PersonRole | str) -> bool:
    role = role_in(person, company_id)
    return role is not None and role in {PersonRole(r) for r in roles}


def require(
    person: Any,
    verb: Verb,
    *,
    company_id: int,
    owner_id: int | None = None,
    requester_id: int | None = None,
    what: str = "",
) -> PersonRole:
    """The person's role in the company if they may do `verb`; else `NotAllowed` with the
    code and figures (who, what, which company) the presenters put into words."""
    pid = person_id(person)
    role, active = _membership(pid, company_id)
    others = verb is Verb.READ_OTHERS and _collectors_read_others(company_id)
    denial = decide(
        role,
        verb,
        active=active,
        owns=owner_id == pid,
        requested=requester_id == pid,
        others_readable=others,
    )
    if denial is not None:
        _refuse(denial, person, role, verb, company_id=company_id, what=what)
    assert role is not None
    return role


def may(person: Any, verb: Verb, *, company_id: int, owner_id: int | None = None) -> bool:
    """`require` as a yes or no, for what a face shows beside what it was allowed to read (a
    case's state to sales, without its negotiation notes)."""
    try:
        require(person, verb, company_id=company_id, owner_id=owner_id)
    except NotAllowed:
        return False
    return True


def actable_roles(person: Any, *, company_id: int, owner_id: int | None) -> frozenset[str]:
    """The ladder's roles whose actions on a case (its debtor owned by `owner_id`) the person
    may record (`require_action` as a set, asked once for a page of actions): what a face
    offers a form for. Nothing is audited: nothing was asked."""
    pid = person_id(person)
    role, active = _membership(pid, company_id)
    return acted_for(role, (r.value for r in Role), active=active, owns=owner_id == pid)


def require_action(
    person: Any,
    *,
    action_id: int,
    action_role: str,
    company_id: int,
    owner_id: int | None,
    what: str = "",
) -> PersonRole:
    """The person's role if they may complete or cancel an action given to `action_role`
    (`arrears.domain.access.decide_action`); else `NotAllowed` with the action and its role."""
    pid = person_id(person)
    role, active = _membership(pid, company_id)
    denial = decide_action(role, action_role, active=active, owns=owner_id == pid)
    if denial is not None:
        _refuse(
            denial,
            person,
            role,
            Verb.CHANGE_CASE,
            company_id=company_id,
            what=what,
            action=action_id,
            action_role=action_role,
        )
    assert role is not None
    return role


def readable_owner(person: Any, role: PersonRole, company_id: int) -> int | None:
    """Whose cases a list may show a person holding `role` in the company: None for all of
    them (a credit manager, legal, finance...; a collector where the company allows it), else
    the person's own id (a collector or an agency: the debtors they own)."""
    if decide(role, Verb.READ_OTHERS) is None:
        return None
    if decide(role, Verb.READ_OTHERS, others_readable=_collectors_read_others(company_id)) is None:
        return None
    return int(person.pk)


def _membership(pid: int, company_id: int) -> tuple[PersonRole | None, bool]:
    """The person's role in the company (None: no membership) and whether it is active."""
    row = _once(
        ("membership", pid, company_id),
        lambda: (
            Membership.objects.filter(person_id=pid, company_id=company_id)
            .values_list("role", "active")
            .first()
        ),
    )
    return (PersonRole(row[0]), bool(row[1])) if row else (None, False)


def _refuse(
    denial: Denial,
    person: Any,
    role: PersonRole | None,
    verb: Verb,
    *,
    company_id: int,
    what: str,
    **more: Any,
) -> NoReturn:
    raise NotAllowed(
        denial.code,
        person=person.get_username(),
        role=str(role or ""),
        verb=str(verb),
        company_id=company_id,
        what=what,
        **more,
    )


def companies_of(person: Any, *verbs: Verb) -> list[int]:
    """The ids of the companies where the person may do every one of `verbs` (READ if none)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    rows = Membership.objects.filter(person_id=person.pk, active=True).values_list(
        "company_id", "role"
    )
    wanted = verbs or (Verb.READ,)
    return [
        cid
        for cid, role in rows
        if all(decide(PersonRole(role), v, owns=True) is None for v in wanted)
    ]


def require_member(person: Any, company_id: int) -> PersonRole:
    """Any active role in the company (the least any read asks)."""
    role = role_in(person, company_id)
    if role is None:
        person_id(person)
        raise NotAllowed(NOT_A_MEMBER.code, person=person.get_username(), company_id=company_id)
    return role


NOT_AN_ADMINISTRATOR = "access.not_an_administrator"


def require_administrator(person: Any, *, what: str = "") -> None:
    """An administrator of at least one company: who may add a company (and so becomes its
    administrator too); else `NotAllowed`."""
    person_id(person)
    if not companies_of(person, Verb.ADMINISTER):
        raise NotAllowed(NOT_AN_ADMINISTRATOR, person=person.get_username(), what=what)


def _collectors_read_others(company_id: int) -> bool:
    return bool(
        _once(
            ("policy", company_id),
            lambda: (
                AccessPolicy.objects.filter(company_id=company_id)
                .values_list("collectors_read_others", flat=True)
                .first()
            ),
        )
    )
