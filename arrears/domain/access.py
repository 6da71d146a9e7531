"""Who uses arrears, and who may do what (DOMAIN.md "Who uses it", §1 one owner, §6 four eyes).

A person holds one role in each company they belong to (a membership); what they may do is
decided by that role alone, never by a role held in another company. The rule is a pure
function so that the terminal, the web desk and the API ask the same question and get the same
answer; `arrears.apps.accounts.access` looks the membership up and asks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class PersonRole(StrEnum):
    """The roles of DOMAIN.md's "Who uses it", plus the administrator who runs the system."""

    COLLECTOR = "collector"  # owns a portfolio of debtors and works its daily list
    CREDIT_MANAGER = "credit_manager"  # sets policy, approves what a collector may not decide
    SALES = "sales"  # reads its customers' state; does not negotiate, reads no notes
    FINANCE = "finance"  # books fees, interest and write-offs; reads
    LEGAL = "legal"  # takes over a handed-over case
    AGENCY = "agency"  # an outside collection agency a case is handed over to
    ADMINISTRATOR = "administrator"  # people, tokens, imports and the daily run


class Verb(StrEnum):
    """What a person asks to do."""

    READ = "read"  # see a company's debtors, cases and figures
    READ_OTHERS = "read_others"  # see cases another person owns (the desk's view of them)
    READ_NOTES = "read_notes"  # see negotiation notes, proposals and what the debtor said
    CHANGE_CASE = "change_case"  # record a call, a promise, a plan... on a case
    APPROVE = "approve"  # decide what a collector may not decide alone (four eyes)
    SET_POLICY = "set_policy"  # ladders, negotiation policy, hand-overs to legal or agency
    ASSIGN = "assign"  # give a debtor an owner (one, or all unowned by a rule), §1 hand-offs
    ADMINISTER = "administer"  # people, tokens, imports, the daily run
    SET_CALENDAR = "set_calendar"  # the company's holidays (business days)
    SET_RATES = "set_rates"  # the reference-rate tables late interest is charged from
    RETRY_MESSAGES = "retry_messages"  # queue failed letters and emails again (one, or all)


# The role that may do a verb at all; CHANGE_CASE and READ_OTHERS add conditions below.
_ALLOWED: dict[Verb, frozenset[PersonRole]] = {
    Verb.READ: frozenset(PersonRole),
    Verb.READ_OTHERS: frozenset(PersonRole),
    Verb.READ_NOTES: frozenset(PersonRole) - {PersonRole.SALES},
    Verb.CHANGE_CASE: frozenset(
        {PersonRole.COLLECTOR, PersonRole.CREDIT_MANAGER, PersonRole.LEGAL, PersonRole.AGENCY}
    ),
    Verb.APPROVE: frozenset({PersonRole.CREDIT_MANAGER}),
    Verb.SET_POLICY: frozenset({PersonRole.CREDIT_MANAGER}),
    Verb.ASSIGN: frozenset({PersonRole.CREDIT_MANAGER, PersonRole.ADMINISTRATOR}),
    Verb.ADMINISTER: frozenset({PersonRole.ADMINISTRATOR}),
    Verb.SET_CALENDAR: frozenset({PersonRole.CREDIT_MANAGER, PersonRole.ADMINISTRATOR}),
    Verb.SET_RATES: frozenset({PersonRole.CREDIT_MANAGER, PersonRole.ADMINISTRATOR}),
    Verb.RETRY_MESSAGES: frozenset({PersonRole.CREDIT_MANAGER, PersonRole.ADMINISTRATOR}),
}

# Roles that act on any case of their company, owner or not (the rest act on their own).
_ANY_CASE = frozenset({PersonRole.CREDIT_MANAGER})
# Roles that see every case of their company whatever the company's setting.
_SEE_ALL = frozenset(PersonRole) - {PersonRole.COLLECTOR, PersonRole.AGENCY}


@dataclass(frozen=True, slots=True)
class Denial:
    """Why the answer is no: a stable code the presenters turn into words."""

    code: str


NOT_A_MEMBER = Denial("access.not_a_member")
INACTIVE = Denial("access.inactive")
WRONG_ROLE = Denial("access.wrong_role")
NOT_OWNER = Denial("access.not_owner")
OWN_REQUEST = Denial("access.own_request")
NOT_ACTION_ROLE = Denial("action.not_your_role")


def roles_allowed(verb: Verb) -> list[PersonRole]:
    """The roles that may do `verb` at all, in the order `PersonRole` lists them."""
    return [r for r in PersonRole if r in _ALLOWED[verb]]


def decide(
    role: PersonRole | None,
    verb: Verb,
    *,
    active: bool = True,
    owns: bool = False,
    requested: bool = False,
    others_readable: bool = False,
) -> Denial | None:
    """None if a person holding `role` in the company may do `verb`, else why not.

    `owns`: the person owns the case's debtor (§1). `requested`: the person asked for what is
    to be approved (four eyes: nobody approves their own request). `others_readable`: the
    company lets collectors read cases they do not own.
    """
    if role is None:
        return NOT_A_MEMBER
    if not active:
        return INACTIVE
    if role not in _ALLOWED[verb]:
        return WRONG_ROLE
    if verb is Verb.CHANGE_CASE and not owns and role not in _ANY_CASE:
        return NOT_OWNER
    if verb is Verb.READ_OTHERS and not owns and role not in _SEE_ALL and not others_readable:
        return NOT_OWNER
    if verb is Verb.APPROVE and requested:
        return OWN_REQUEST
    return None


def decide_action(
    role: PersonRole | None, action_role: str, *, active: bool = True, owns: bool = False
) -> Denial | None:
    """None if a person holding `role` may complete or cancel an action the ladder or the desk
    gave to `action_role` (a `Step.role`: collector, credit manager, legal, agency), else why not.

    §1 each role does its own work: a credit manager any action of the company (they act on
    every case); anyone else only the actions of their own role: a collector or an agency on
    the debtors they own, legal on any case (the ladder gives legal its step on every case,
    and legal's worklist lists them). So the owning collector cannot tick off the credit
    manager's final notice or legal's hand-over task. `owns`: the person owns the case's debtor.
    """
    denial = decide(role, Verb.CHANGE_CASE, active=active, owns=True)  # a member who acts
    if denial is not None or role in _ANY_CASE:
        return denial
    assert role is not None
    if action_role != role.value:
        return NOT_ACTION_ROLE
    if role in _SEE_ALL:
        return None
    return decide(role, Verb.CHANGE_CASE, active=active, owns=owns)


def acted_for(
    role: PersonRole | None, action_roles: Iterable[str], *, active: bool = True, owns: bool
) -> frozenset[str]:
    """Of `action_roles` (the ladder's roles), those whose actions a person holding `role` may
    complete (`decide_action` for each): what a worklist lists and a page offers a form for."""
    return frozenset(
        r for r in action_roles if decide_action(role, r, active=active, owns=owns) is None
    )
