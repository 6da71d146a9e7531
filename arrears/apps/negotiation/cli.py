"""Shared parsing for the desk's commands: who acts, which case, dated amounts, clean errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from arrears.apps.cases.models import Case
from arrears.apps.common.cli import (
    TerminalCommand,
    add_company_option,
    company_option,
    iso_date,
    refuse_bad_values,
    terminal_person,
)
from arrears.apps.ledger.models import Company
from arrears.apps.negotiation.presentation import WORDS
from arrears.apps.negotiation.services.common import require_desk_day
from arrears.domain.money import Money, MoneyError, parse_amount, parse_decimal, parse_rate
from arrears.domain.refusal import Refusal
from arrears.words import say as say_refusal

NO_CASE = "debtor {code!r} has no {currency} case (unknown debtor, or no run yet)"
MANY_CASES = "debtor {code!r} has cases in {have}: say which with --currency"
BAD_PAIR = "{text!r} is not {what} (use {form})"
AFTER_TODAY = "--as-of " + WORDS["desk.after_today"]
BEFORE_RUN = "--as-of " + WORDS["desk.before_run"]

# The options and commands that do what a refusal advises, on the terminal: each fills the
# `{hint}` slot its code's words leave (the services and their words name no terminal option).
HINTS = {
    "promise.above_due": " with --item",
    "promise.plan_covers": " with --item",
    "promise.waits_approval": " (`arrears promise-cancel {promise} --reason WHY`)",
    "plan.nothing_due": " (`--item`)",
    "writeoff.nothing_due": " with --part",
    "negotiation.promise_stands": " (`arrears promise-cancel {promise} --reason WHY`)",
    "negotiation.plan_stands": " (`arrears plan-withdraw {plan} --reason WHY`)",
    "desk.under_promise": " (`arrears promise-cancel P{promise}`)",
    "desk.under_plan": " (`arrears plan-withdraw PL{plan}`)",
}

# The command that decides what waits for approval, where a desk command's words say so.
APPROVE_HINT = " (`arrears approve`)"


class _Figures(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def refusal_words(refusal: Refusal) -> str:
    """A refusal as the terminal says it: its words (`arrears.words.say`), with the option or
    command that does what they advise (`HINTS`)."""
    hint = HINTS.get(refusal.code)
    if hint is None:
        return say_refusal(refusal)
    figures = refusal.figures | {"hint": hint.format_map(_Figures(refusal.figures))}
    return say_refusal(Refusal(refusal.code, **figures))


def pair(what: str, form: str, left: Callable[[str], Any]) -> Callable[[str], tuple[Any, str]]:
    """argparse type for 'LEFT:AMOUNT' (the amount stays text until the currency is known)."""

    def parse(text: str) -> tuple[Any, str]:
        bad = argparse.ArgumentTypeError(BAD_PAIR.format(text=text, what=what, form=form))
        head, sep, amount = text.rpartition(":")
        if not sep or not head:
            raise bad
        try:
            parse_decimal(amount)
            value = left(head)
        except (ValueError, argparse.ArgumentTypeError):
            raise bad from None
        try:
            parse_amount(amount)  # in bounds: said as such
        except MoneyError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        return value, amount

    return parse


def rate(text: str) -> Decimal:
    """argparse type for a rate a year (0.08 = 8 %): `arrears.domain.money.parse_rate`."""
    try:
        return parse_rate(text)
    except MoneyError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


BAD_ID = "{text!r} is not {what} number (use {prefix}7 or 7)"
OTHER_ID = "{text!r} names {other}, not {what}: give {prefix}7 or 7"
# The prefixes the desk's outputs put before its numbers, longest first (PL before P).
ID_PREFIXES = {"PL": "a plan", "A": "an approval request", "P": "a promise", "W": "a write-off"}
ID_PREFIXES |= {"N": "a negotiation", "D": "a dispute"}


def record_id(prefix: str, what: str) -> Callable[[str], int]:
    """argparse type for a desk number as the outputs show it (`A7`) or bare (`7`); another
    prefix (a plan's `PL3` where a promise is asked) is refused by name."""

    def parse(text: str) -> int:
        t = text.strip()
        head = t.rstrip("0123456789")
        digits = t[len(head) :]
        if not digits or (head and head.upper() not in ID_PREFIXES):
            raise argparse.ArgumentTypeError(BAD_ID.format(text=text, what=what, prefix=prefix))
        if head and head.upper() != prefix:
            other = ID_PREFIXES[head.upper()]
            raise argparse.ArgumentTypeError(
                OTHER_ID.format(text=text, other=other, what=what, prefix=prefix)
            )
        return int(digits)

    return parse


approval_id = record_id("A", "an approval request")
promise_id = record_id("P", "a promise")
plan_id = record_id("PL", "a plan")
write_off_id = record_id("W", "a write-off")
dispute_id = record_id("D", "a dispute")

dated_amount = pair("a dated amount", "YYYY-MM-DD:AMOUNT", iso_date)
item_amount = pair("an item amount", "ITEM-NUMBER:AMOUNT", str)


def add_case_options(parser: argparse.ArgumentParser, *, debtor: bool = True) -> None:
    if debtor:
        parser.add_argument("debtor", help="the debtor's code")
        parser.add_argument("--currency", help="the case currency (default: the company's)")
    parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default today)")
    add_company_option(parser)


class DeskCommand(TerminalCommand):
    """A desk command, acting as the person whose access token the terminal presents (never
    as a name typed on the command line): the refusals of the services become clean errors."""

    def handle(self, *args: Any, **o: Any) -> None:
        refuse_bad_values(o, self.lists)
        person = terminal_person()
        try:
            self.act(company_option(o["company"], person), person, o)
        except Refusal as e:
            raise CommandError(refusal_words(e)) from None
        except (ValueError, PermissionError, MoneyError) as e:
            raise CommandError(str(e)) from None

    def act(self, company: Company, user: Any, o: dict[str, Any]) -> None:
        raise NotImplementedError


def today() -> date:
    """The real day (a seam the tests move)."""
    return date.today()


def as_of(o: dict[str, Any], company: Company) -> date:
    """The day a desk write is dated: today by default, within the bounds every desk write
    keeps (`services.common.require_desk_day`)."""
    day = o.get("as_of") or today()
    try:
        require_desk_day(company, day, now=today())
    except ValueError as e:
        raise CommandError(f"--as-of {e}") from None
    return day


NO_MEMBER = "{name!r} holds no role in {company}"


def member_named(company: Company, name: str) -> Any:
    """A member of the company named as the target of an action (a new owner), not as who
    acts: who acts is always the person the token stands for."""
    found = (
        get_user_model()
        .objects.filter(username=name, memberships__company=company, memberships__active=True)
        .first()
    )
    if found is None:
        raise CommandError(NO_MEMBER.format(name=name, company=company.code))
    return found


def case_of(company: Company, o: dict[str, Any]) -> Case:
    """The debtor's case in the currency asked; without --currency its only case, or (when it
    has several) the one in the company's currency (the daily run opens cases)."""
    cases = Case.objects.select_related("debtor", "debtor__owner").filter(
        company=company, debtor__code=o["debtor"]
    )
    currency = o.get("currency")
    if not currency:
        found = list(cases)
        if len(found) == 1:
            return found[0]
        currency = company.currency
        if found and not any(c.currency == currency for c in found):
            have = ", ".join(sorted(c.currency for c in found))
            raise CommandError(MANY_CASES.format(code=o["debtor"], have=have))
    case = cases.filter(currency=currency).first()
    if case is None:
        raise CommandError(NO_CASE.format(code=o["debtor"], currency=currency))
    return case


def money(amount: str, currency: str) -> Money:
    return Money(parse_amount(amount), currency)
