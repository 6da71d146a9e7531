"""The desk's forms: what a person types, checked for shape only (a day, text within its
length). What the values may be (an outcome this action can have, a day it may be recorded
on) the services decide, and their refusals stand beside the field they are about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from arrears.apps.negotiation.services import PlanIn
from arrears.apps.reports.kpis import MONTHS
from arrears.apps.reports.presentation import months_of
from arrears.domain.dates import parse_date
from arrears.domain.excuses import OWN_WORDS, Excuse
from arrears.domain.money import Money, MoneyError, parse_amount, parse_rate
from arrears.domain.negotiation import Condition, Terms
from arrears.domain.negotiation.history import Action
from arrears.domain.refusal import Refusal
from arrears.words import say

NOTE_MOST = 2000


class ActionDoneForm(forms.Form):
    """What came of a call, a task or a review (`action_complete`)."""

    outcome = forms.CharField(max_length=32)
    note = forms.CharField(required=False, max_length=NOTE_MOST, widget=forms.Textarea)
    on = forms.DateField(input_formats=["%Y-%m-%d"], label="Done on")

    # A refusal's code -> the field it is about (others stand above the form).
    FIELDS = {
        "action.unknown_outcome": "outcome",
        "action.after_today": "on",
        "action.too_early": "on",
    }

    def refuse(self, e: Refusal) -> None:
        """Put the service's refusal beside its field, in the terminal's words."""
        self.add_error(self.FIELDS.get(e.code), say(e))


class FeeWaiveForm(forms.Form):
    """Ask for one of the case's fees to be waived, with a reason (`fee_waive_request`): the
    fees offered are the case's own that are owed and not already asked about."""

    fee = forms.TypedChoiceField(coerce=int, label="Fee")
    reason = forms.CharField(max_length=NOTE_MOST, label="Why waive it")

    FIELDS = {
        "fee.unknown": "fee",
        "fee.waived": "fee",
        "fee.waiver_pending": "fee",
        "fee.no_reason": "reason",
    }

    def __init__(self, *args: Any, fees: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["fee"].choices = fees  # type: ignore[attr-defined]

    def refuse(self, e: Refusal) -> None:
        self.add_error(self.FIELDS.get(e.code), say(e))


class AcknowledgeForm(forms.Form):
    """Record that the debtor acknowledged one of the case's items, or paid part of it, or that
    we demanded it in writing outside the outbox (`acknowledge`): it restarts the item's
    limitation by the jurisdiction's rule."""

    item = forms.ChoiceField(label="Item")
    on = forms.DateField(input_formats=["%Y-%m-%d"], label="On")
    kind = forms.ChoiceField(label="What happened")
    note = forms.CharField(required=False, max_length=NOTE_MOST, label="Note")

    FIELDS = {
        "acknowledge.unknown_item": "item",
        "acknowledge.future": "on",
        "acknowledge.before_issue": "on",
        "acknowledge.kind": "kind",
    }

    def __init__(
        self, *args: Any, items: list[tuple[str, str]], kinds: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["item"].choices = items  # type: ignore[attr-defined]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def refuse(self, e: Refusal) -> None:
        self.add_error(self.FIELDS.get(e.code), say(e))


class FiguresForm(forms.Form):
    """The figures page's controls (GET): how many months back, and as of which day. Each is
    read by the terminal's own rule, in its words (`--months`: `months_of`; `--as-of`:
    `parse_date`); left empty, the terminal's defaults (six months, today)."""

    MOST_MONTHS = 24  # a page draws at most two years (the terminal goes to `MAX_MONTHS`)

    months = forms.CharField(required=False, label="Months")
    as_of = forms.CharField(required=False, label="As of")

    def clean_months(self) -> int:
        text = self.cleaned_data["months"]
        if not text:
            return MONTHS
        try:
            return months_of(text, self.MOST_MONTHS)
        except ValueError as e:
            raise forms.ValidationError(str(e)) from None

    def clean_as_of(self) -> date:
        text = self.cleaned_data["as_of"]
        if not text:
            return timezone.localdate()
        try:
            return parse_date(text)
        except ValueError as e:
            raise forms.ValidationError(str(e)) from None


# --- on the phone: the excuse, the proposal, a promise, a plan, a letter ---------------------


def amount_of(text: str, currency: str) -> Money:
    """A typed amount in the case's currency, by the terminal's rule (`parse_amount`)."""
    return Money(parse_amount(text), currency)


class AmountField(forms.CharField):
    """An amount as typed ("1234.50"), checked by `parse_amount`; kept as text until the
    case's currency makes it money."""

    def clean(self, value: object) -> str:
        text = str(super().clean(value) or "").strip()
        if text:
            try:
                parse_amount(text)
            except MoneyError as e:
                raise forms.ValidationError(str(e)) from None
        return text


def _day(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(input_formats=["%Y-%m-%d"], label=label, required=required)


class DeskForm(forms.Form):
    """A desk form: a service's refusal stands beside the field its code is about."""

    FIELDS: dict[str, str] = {}

    def refuse(self, e: Refusal | Exception, field: str | None = None) -> None:
        if isinstance(e, Refusal):
            self.add_error(field or self.FIELDS.get(e.code), say(e))
        else:
            self.add_error(field, str(e))


class ExcuseForm(DeskForm):
    """The excuse heard and the answer used (`excuse_log`)."""

    excuse = forms.ChoiceField(choices=[(str(e), str(e)) for e in Excuse], label="Excuse")
    answer = forms.ChoiceField(
        choices=[("prepared", "the prepared answer"), (OWN_WORDS, "my own words")],
        initial="prepared",
        label="Answered with",
    )
    contact = forms.CharField(required=False, max_length=200, label="Who said it")
    note = forms.CharField(required=False, max_length=NOTE_MOST, widget=forms.Textarea)

    FIELDS = {"excuse.unknown_answer": "answer"}


class ProposalForm(DeskForm):
    """The debtor's proposal (`negotiation_propose`): one payment, or a plan with its last day,
    the total covered and the payments after the first; optionally the collector's own choice
    with the reason the service requires."""

    first_on = _day("First payment on")
    first_amount = AmountField(label="First amount")
    last_on = _day("Last payment on", required=False)
    total = AmountField(required=False, label="Total covered")
    instalments = forms.IntegerField(
        required=False, min_value=1, max_value=120, label="Payments after the first"
    )
    contact = forms.CharField(max_length=200, label="Who proposes")
    override = forms.ChoiceField(
        required=False,
        choices=[("", "follow the recommendation"), *((str(a), str(a)) for a in Action)],
        label="Decide",
    )
    reason = forms.CharField(required=False, max_length=500, label="Why")
    condition = forms.ChoiceField(
        required=False, choices=[("", "none"), *((str(c), str(c)) for c in Condition)]
    )

    FIELDS = {
        "negotiation.no_contact": "contact",
        "desk.after_today": "first_on",
        "desk.before_run": "first_on",
        "desk.wrong_currency": "first_amount",
    }
    PLAN_NEEDS = "a plan needs its last payment day and the total it covers"
    REST_NEEDS = "payments after the first belong to a plan: give its last day and total"

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        plan = [d.get("last_on"), d.get("total")]
        if any(plan) and not all(plan):
            self.add_error("last_on" if not d.get("last_on") else "total", self.PLAN_NEEDS)
        elif d.get("instalments") and not any(plan):
            self.add_error("instalments", self.REST_NEEDS)
        return d

    def terms(self, currency: str) -> Terms:
        """The terms typed, in the case's currency (`TermsError` says what does not hold)."""
        d = self.cleaned_data
        first = amount_of(d["first_amount"], currency)
        if not d.get("total"):
            return Terms.single(d["first_on"], first)
        total = amount_of(d["total"], currency)
        return Terms(d["first_on"], first, d["last_on"], total, d.get("instalments") or 1)


PARTS = 3  # dated amounts a promise form offers


class PromiseForm(DeskForm):
    """A promise taken on the phone (`promise_create`): up to three dated amounts."""

    on_1 = _day("Pay on")
    amount_1 = AmountField(label="Amount")
    on_2 = _day("then on", required=False)
    amount_2 = AmountField(required=False, label="Amount")
    on_3 = _day("then on", required=False)
    amount_3 = AmountField(required=False, label="Amount")
    contact = forms.CharField(max_length=200, label="Who promised")
    conditions = forms.MultipleChoiceField(
        required=False, choices=[(str(c), str(c)) for c in Condition]
    )
    override_reason = forms.CharField(required=False, max_length=500, label="Why, if it departs")

    FIELDS = {
        "promise.above_due": "amount_1",
        "promise.override_no_reason": "override_reason",
        "desk.after_today": "on_1",
        "desk.too_early": "on_1",
        "desk.beyond_horizon": "on_1",
        "desk.amount_too_large": "amount_1",
    }
    PART_NEEDS = "give both the day and the amount"

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for n in range(2, PARTS + 1):
            on, amount = d.get(f"on_{n}"), d.get(f"amount_{n}")
            if bool(on) != bool(amount) and f"on_{n}" not in self.errors:
                self.add_error(f"amount_{n}" if on else f"on_{n}", self.PART_NEEDS)
        return d

    def parts(self, currency: str) -> dict[int, tuple[date, Money]]:
        """The dated amounts typed, by their row (1 to `PARTS`)."""
        d = self.cleaned_data
        return {
            n: (d[f"on_{n}"], amount_of(d[f"amount_{n}"], currency))
            for n in range(1, PARTS + 1)
            if d.get(f"on_{n}") and d.get(f"amount_{n}")
        }


PLAN_PARTS = 6  # dated amounts a plan entered by hand offers


class PlanForm(DeskForm):
    """A payment plan agreed on the phone (`plan_create`): equal monthly instalments (with a
    down payment today and interest, if agreed), or instalments entered by hand, each with
    its day and amount (adding up to the total covered: by default all that is due)."""

    kind = forms.ChoiceField(
        required=False,
        choices=[("monthly", "equal monthly instalments"), ("parts", "days and amounts by hand")],
        label="Instalments",
    )
    first_due = _day("First instalment on", required=False)
    count = forms.IntegerField(
        required=False, min_value=1, max_value=120, label="Monthly instalments"
    )
    down = AmountField(required=False, label="Down payment today")
    rate = forms.CharField(required=False, max_length=20, label="Interest a year (0.08 = 8 %)")
    principal = AmountField(required=False, label="Total covered (empty: all that is due)")
    conditions = forms.MultipleChoiceField(
        required=False, choices=[(str(c), str(c)) for c in Condition]
    )
    override_reason = forms.CharField(required=False, max_length=500, label="Why, if it departs")

    FIELDS = {
        "plan.count": "count",
        "plan.rate_too_high": "rate",
        "plan.rate_negative": "rate",
        "plan.rate_not_finite": "rate",
        "plan.override_no_reason": "override_reason",
        "plan.parts_and_terms": "down",
        "desk.beyond_horizon": "first_due",
        "desk.after_today": "first_due",
        "desk.amount_too_large": "principal",
    }
    MONTHLY_NEEDS = "equal monthly instalments need the first day and how many"
    PARTS_NEED = "give at least one instalment: its day and amount"
    PART_NEEDS = "give both the day and the amount"
    PART_POSITIVE = "an instalment is more than zero"
    PART_ORDER = "each instalment falls after the one before"
    PARTS_TOTAL = "the instalments add up to {got}, not the total covered {want}"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for n in range(1, PLAN_PARTS + 1):
            self.fields[f"on_{n}"] = _day(f"Instalment {n} on", required=False)
            self.fields[f"amount_{n}"] = AmountField(required=False, label="Amount")

    def clean_rate(self) -> Decimal | None:
        text = self.cleaned_data["rate"].strip()
        if not text:
            return None
        try:
            return parse_rate(text)
        except MoneyError as e:
            raise forms.ValidationError(str(e)) from None

    def part_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The hand-entered instalments' fields, day and amount, row by row (the page)."""
        return [(self[f"on_{n}"], self[f"amount_{n}"]) for n in range(1, PLAN_PARTS + 1)]

    def by_hand(self) -> bool:
        return self.cleaned_data.get("kind") == "parts"

    def refuse(self, e: Refusal | Exception, field: str | None = None) -> None:
        """A day the desk refuses stands beside the first day typed: the monthly
        instalments' first, or the first instalment entered by hand."""
        if isinstance(e, Refusal) and field is None and self.by_hand():
            field = "on_1" if self.FIELDS.get(e.code) == "first_due" else None
        super().refuse(e, field)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if not self.by_hand():
            for name in ("first_due", "count"):
                if d.get(name) is None and name not in self.errors:
                    self.add_error(name, self.MONTHLY_NEEDS)
            return d
        rows = [(n, d.get(f"on_{n}"), d.get(f"amount_{n}")) for n in range(1, PLAN_PARTS + 1)]
        given = [(n, on, amount) for n, on, amount in rows if on or amount]
        if not given and "on_1" not in self.errors:
            self.add_error("on_1", self.PARTS_NEED)
        last = None
        for n, on, amount in given:
            if not (on and amount):
                if f"amount_{n}" not in self.errors and f"on_{n}" not in self.errors:
                    self.add_error(f"amount_{n}" if on else f"on_{n}", self.PART_NEEDS)
                continue
            if parse_amount(amount) <= 0:
                self.add_error(f"amount_{n}", self.PART_POSITIVE)
            if last is not None and on <= last:
                self.add_error(f"on_{n}", self.PART_ORDER)
            last = on
        if d.get("principal") and not self.errors:
            got = sum((parse_amount(str(a)) for _, _, a in given), Decimal(0))
            want = parse_amount(d["principal"])
            if got != want:
                self.add_error("principal", self.PARTS_TOTAL.format(got=got, want=want))
        return d

    def schedule(self, currency: str) -> PlanIn:
        """The plan as typed, in the case's currency: equal monthly instalments, or the
        instalments entered by hand (in order)."""
        d = self.cleaned_data
        terms = {
            "principal": amount_of(d["principal"], currency) if d["principal"] else None,
            "down_payment": amount_of(d["down"], currency) if d["down"] else None,
            "annual_rate": d["rate"],
        }
        if not self.by_hand():
            return PlanIn(first_due=d["first_due"], count=d["count"], **terms)
        rows = [(d.get(f"on_{n}"), d.get(f"amount_{n}")) for n in range(1, PLAN_PARTS + 1)]
        parts = [(on, amount_of(amount, currency)) for on, amount in rows if on and amount]
        return PlanIn(parts=parts, **terms)


class LetterForm(DeskForm):
    """A letter or an email of the case's step, queued from the case (`letter_queue`)."""

    step = forms.CharField(required=False, max_length=32, label="Step")
    channel = forms.ChoiceField(choices=[("letter", "letter"), ("email", "email")])

    FIELDS = {
        "outbox.not_written": "step",
        "communications.step_not_allowed": "step",
        "communications.already_queued": "channel",
        "communications.no_template": "step",
        "outbox.no_email": "channel",
        "outbox.no_address": "channel",
        "outbox.bad_channel": "channel",
    }


class DecisionForm(forms.Form):
    """A credit manager's decision on what waits (`common.decisions`): approve or refuse, the
    reason, and the pick a kind needs to approve (a hand-over's new owner). Whether a reason
    is needed, and which pick is allowed, the kind's service decides; its refusals stand
    beside the field they are about."""

    VERDICTS = (("approve", "Approve"), ("refuse", "Refuse"))

    verdict = forms.ChoiceField(choices=VERDICTS, label="Decision")
    reason = forms.CharField(required=False, max_length=NOTE_MOST, label="Reason")
    choice = forms.CharField(required=False, max_length=150, label="Choice")

    def refuse(self, e: Refusal, fields: dict[str, str]) -> None:
        """The service's refusal beside its field (others stand above the form)."""
        self.add_error(fields.get(e.code), say(e))


class ImportForm(forms.Form):
    """An ERP file to preview (`arrears import KIND FILE [--complete]`): its kind, the file
    (CSV or XLSX, at most `MOST_BYTES`), and for items whether it is the full open-items list.
    What the rows may hold the import decides; its row-precise errors stand beside the file."""

    MOST_BYTES = 200 * 1024 * 1024
    SUFFIXES = (".csv", ".xlsx")

    kind = forms.ChoiceField(label="Kind of file")
    file = forms.FileField(label="File (CSV or XLSX)")
    complete = forms.BooleanField(required=False, label="the full list of open items (items)")

    def __init__(self, *args: object, kinds: tuple[str, ...] = (), **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k, k) for k in kinds]  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        name = str(getattr(f, "name", "")).lower()
        if not name.endswith(self.SUFFIXES):
            raise forms.ValidationError("the file must be a .csv or an .xlsx file")
        if getattr(f, "size", 0) > self.MOST_BYTES:
            raise forms.ValidationError(
                "the file is larger than 200 MB: import it from the terminal"
            )
        return f
