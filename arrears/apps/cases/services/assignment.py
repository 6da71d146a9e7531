"""§1 One owner: give a debtor to a collector, or every unowned debtor by a rule, each
recorded as a hand-off with its reason (the rule itself: `arrears.domain.assignment`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from arrears.apps.accounts.access import require
from arrears.apps.accounts.selectors import active_owner_ids, members_with_role
from arrears.apps.accounts.services import audit_record
from arrears.apps.cases.models import Handoff
from arrears.apps.ledger.models import Company, Debtor
from arrears.domain.access import PersonRole, Verb
from arrears.domain.assignment import AssignRule, assign_unowned
from arrears.domain.refusal import Refusal

BY_HAND = "by_hand"
# Who may own a debtor: the people who work a portfolio (legal and agencies get accounts by
# a hand-over, with its own rules, not by assignment).
OWNERS = (PersonRole.COLLECTOR, PersonRole.CREDIT_MANAGER)


@dataclass(frozen=True, slots=True)
class Assigned:
    """What an assignment did: debtors given, by owner, and those the rule found no owner for."""

    given: dict[str, int]
    left_unowned: list[str]
    unchanged: int


def debtor_assign(
    *, actor: Any, company: Company, debtor_code: str, owner: str, reason: str, on: date
) -> Assigned:
    """Give one debtor to `owner` (a collector or credit manager of the company)."""
    _reason(reason)
    with transaction.atomic():
        debtor = (
            Debtor.objects.select_for_update(of=("self",))
            .filter(company=company, code=debtor_code)
            .select_related("owner")
            .first()
        )
        require(actor, Verb.ASSIGN, company_id=company.pk, what="give debtors an owner")
        if debtor is None:
            raise Refusal("assign.no_debtor", debtor=debtor_code)
        person = _owner(company, owner)
        if debtor.owner_id == person.pk:
            return Assigned({}, [], 1)
        _hand_off(actor, company, debtor, person, BY_HAND, "", reason, on)
    return Assigned({owner: 1}, [], 0)


def debtors_assign_unowned(
    *,
    actor: Any,
    company: Company,
    rule: AssignRule | str,
    reason: str,
    on: date,
    collectors: list[str] | None = None,
    mapping: dict[str, str] | None = None,
) -> Assigned:
    """Every debtor of the company without an owner, by `rule`: round robin over the
    company's collectors (or those named), or a map from country or risk tier to a person."""
    rule = AssignRule(rule)
    _reason(reason)
    with transaction.atomic():
        require(actor, Verb.ASSIGN, company_id=company.pk, what="give debtors an owner")
        names = collectors or [p.get_username() for p in members_with_role(company.pk, *OWNERS[:1])]
        people = {n: _owner(company, n) for n in {*names, *(mapping or {}).values()}}
        # Unowned: no owner, or one who holds no active owning role here any more (§1).
        active = active_owner_ids(company.pk)
        unowned = list(
            Debtor.objects.select_for_update(of=("self",))
            .filter(Q(owner__isnull=True) | ~Q(owner_id__in=active), company=company)
            .select_related("owner")
            .order_by("code")
        )
        frame = pl.DataFrame(
            {
                "code": [d.code for d in unowned],
                "country": [d.country for d in unowned],
                "risk_tier": [d.risk_tier for d in unowned],
            },
            schema={"code": pl.String, "country": pl.String, "risk_tier": pl.String},
        )
        load = _load(company, list(people.values())) if rule is AssignRule.ROUND_ROBIN else {}
        decided = assign_unowned(frame, rule, collectors=names, load=load, mapping=mapping)
        by_code = {d.code: d for d in unowned}
        given: dict[str, int] = {}
        left: list[str] = []
        for code, owner, _, key in decided.iter_rows():
            if not owner:
                left.append(code)
                continue
            _hand_off(actor, company, by_code[code], people[owner], str(rule), key, reason, on)
            given[owner] = given.get(owner, 0) + 1
    return Assigned(given, left, 0)


def _reason(reason: str) -> None:
    if not reason.strip():
        raise Refusal("assign.no_reason")


def _owner(company: Company, username: str) -> Any:
    person = (
        get_user_model()
        .objects.filter(
            username=username,
            memberships__company=company,
            memberships__active=True,
            memberships__role__in=[str(r) for r in OWNERS],
        )
        .first()
    )
    if person is None:
        raise Refusal("assign.not_an_owner", person=username, company=company.code)
    return person


def _load(company: Company, people: list[Any]) -> dict[str, int]:
    counts = (
        Debtor.objects.filter(company=company, owner__in=people)
        .values("owner__username")
        .annotate(n=Count("id"))
    )
    return {r["owner__username"]: r["n"] for r in counts}


def _hand_off(
    actor: Any,
    company: Company,
    debtor: Debtor,
    to: Any,
    rule: str,
    key: str,
    reason: str,
    on: date,
) -> None:
    was = debtor.owner
    Handoff.objects.create(
        company=company,
        debtor=debtor,
        from_owner=was,
        to_owner=to,
        on=on,
        rule=rule,
        key=key,
        reason=reason.strip(),
        actor=actor,
    )
    Debtor.objects.filter(pk=debtor.pk).update(owner=to)
    audit_record(
        action="cases.handoff",
        actor=actor,
        object_type="debtor",
        object_id=debtor.pk,
        detail={
            "debtor": debtor.code,
            "from": was.get_username() if was else "",
            "to": to.get_username(),
            "rule": rule,
            "key": key,
            "reason": reason.strip(),
        },
    )
