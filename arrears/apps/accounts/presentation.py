"""The words for accounts and access: refusals about people, roles and tokens; what a change
to the people did, a member as lists show them, who reads whose cases; who the terminal acts
as; tokens as the list shows them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from arrears.domain.access import PersonRole, Verb, roles_allowed

if TYPE_CHECKING:
    from arrears.apps.accounts.selectors import PersonRow, RoleRow, TokenRow
    from arrears.apps.accounts.services import MemberChange

ROLE_WORDS = {
    PersonRole.COLLECTOR: "collector",
    PersonRole.CREDIT_MANAGER: "credit manager",
    PersonRole.SALES: "sales",
    PersonRole.FINANCE: "finance",
    PersonRole.LEGAL: "legal",
    PersonRole.AGENCY: "collection agency",
    PersonRole.ADMINISTRATOR: "administrator",
}

VERB_WORDS = {
    "read": "read this company's accounts",
    "read_others": "read accounts owned by someone else",
    "read_notes": "read negotiation notes",
    "change_case": "act on a case",
    "approve": "approve or refuse requests",
    "set_policy": "change the company's collection policy",
    "assign": "give debtors an owner",
    "administer": "administer the company (people, tokens, imports, the daily run)",
    "set_calendar": "change the company's holidays",
    "set_rates": "import reference-rate tables",
    "retry_messages": "queue failed letters and emails again",
}

WORDS = {
    "access.anonymous": "say who you are: give a personal access token (ARREARS_TOKEN or "
    "`arrears login`); nobody acts anonymously",
    "access.not_a_member": "{person} holds no role in this company: nothing here is theirs to "
    "see or change",
    "access.inactive": "{person} is no longer active here: an administrator can restore them",
    "access.wrong_role": "{person} is {role_words}: only {allowed} may {verb_words}",
    "access.not_owner": "{person} does not own this account: only its owner or a credit "
    "manager may {verb_words}",
    "access.not_an_administrator": "{person} administers no company: only an administrator "
    "may {what}",
    "access.own_request": "{person} asked for this and cannot approve it too: another credit "
    "manager decides",
    "access.not_yours": "{person} may only manage their own tokens (administrators: those of "
    "their companies' people), not {other}'s",
    "access.token_unknown": "this access token is not known (mistyped, or never issued)",
    "access.token_revoked": "access token {prefix} was revoked: ask for a new one",
    "access.token_expired": "access token {prefix} expired on {on}: make a new one",
    "accounts.already_set_up": "this installation already has an administrator: ask them to "
    "add you (arrears people add)",
    "accounts.bad_username": "{username!r} is not a username (no spaces, 1 to 150 characters)",
    "accounts.already_member": "{username} is already {role} here: change the role instead",
    "accounts.unknown_role": "{role!r} is not a role: use one of " + ", ".join(PersonRole),
    "accounts.not_a_member": "{username} holds no role in this company",
    "accounts.last_administrator": "{username} is the company's last administrator: make "
    "someone else administrator first",
    "accounts.bad_manager": "{manager} cannot be {username}'s manager (not an active member, "
    "the same person, or a line that loops back)",
    "accounts.bad_token_name": "a token needs a name of 1 to 100 characters (where it is used)",
    "accounts.bad_token_days": "a token lives 1 to {most} days, not {days}",
    "accounts.person_inactive": "{username} is not active: no token can be made for them",
    "accounts.no_token": "no token {prefix}: `arrears token list` shows yours",
    "accounts.no_person": "there is nobody called {username}: `arrears people add` adds them",
    "accounts.weak_password": "this password will not do for {username}: {problems}",
}


def enrich(figures: dict[str, Any]) -> dict[str, Any]:
    """Roles and verbs in words, and who may do the verb at all."""
    role, verb = figures.get("role", ""), figures.get("verb", "")
    out = dict(figures)
    out["role_words"] = ROLE_WORDS.get(PersonRole(role), role) if role else "no role here"
    if verb:
        out["verb_words"] = figures.get("what") or VERB_WORDS.get(verb, verb)
        allowed = [ROLE_WORDS[r] + "s" for r in roles_allowed(Verb(verb))]
        out["allowed"] = " or ".join(allowed)
    return out


# --- people -------------------------------------------------------------------------------


def member_change_line(c: MemberChange, *, company: str, verb: str) -> str:
    """What a people service did (`verb`: add, role, deactivate, reports-to), in `company`."""
    role = ROLE_WORDS[c.role]
    if verb == "add":
        return f"{c.username} is {role} in {company}" + (" (new person)" if c.created else "")
    if verb == "role":
        was = ROLE_WORDS[c.was] if c.was else "-"
        return f"{c.username} is now {role} in {company} (was {was})"
    if verb == "deactivate":
        return f"{c.username} no longer acts in {company}"
    return f"{c.username}'s reporting line in {company} is set"


def person_line(r: PersonRow) -> str:
    """A member as the people list shows them: username, role, name, manager, inactive."""
    line = f"{r.username:<16} {ROLE_WORDS[r.role]:<18} {r.name or '-':<24}"
    line += f" reports to {r.reports_to}" if r.reports_to else ""
    return line + ("" if r.active else "  (inactive)")


def lockout_words(failure_limit: int, cool_off: timedelta) -> str:
    """The sign-in lockout rule, as the sign-in and locked-out pages say it."""
    minutes = int(cool_off.total_seconds() // 60)
    return (
        f"after {failure_limit} failed sign-ins, a username is locked out from that address "
        f"for {minutes} minutes"
    )


def password_set_line(username: str) -> str:
    """What `arrears people password` did."""
    return f"{username} can sign in to the web desk with the new password"


def access_policy_line(company: str, collectors_read_others: bool) -> str:
    """Whether the company's collectors read the cases they do not own."""
    reads = "read" if collectors_read_others else "do not read"
    return f"collectors of {company} {reads} cases they do not own"


def people_count_line(n: int, company: str) -> str:
    return f"{n} people in {company}"


def whoami_lines(username: str, roles: list[RoleRow]) -> list[str]:
    """The person the terminal acts as, then their role in each company."""
    return [username, *(f"  {r.company}: {ROLE_WORDS[r.role]}" for r in roles)]


# --- tokens -------------------------------------------------------------------------------

SHOWN_ONCE = "this token is shown once; keep it secret (`arrears login` saves it for you)"


def token_made_words(expires_at: datetime) -> str:
    """Said beside a new token (on standard error: the token alone goes to standard output)."""
    return f"{SHOWN_ONCE}; it expires {expires_at:%Y-%m-%d}"


def token_revoked_words(prefix: str) -> str:
    return f"token {prefix} revoked"


def token_line(t: TokenRow) -> str:
    """A token as the list shows it (never its secret): prefix, person, name, state, last use."""
    state = "revoked" if t.revoked_at else f"expires {t.expires_at:%Y-%m-%d}"
    used = f"last used {t.last_used_at:%Y-%m-%d}" if t.last_used_at else "never used"
    return f"{t.prefix}  {t.person:<12} {t.name:<16} {state}, {used}"


NO_PERSON = "no person {username!r}"


def no_person_words(username: str) -> str:
    return NO_PERSON.format(username=username)
