"""The desk's forms: what a person types, checked for shape only (a day, text within its
length). What the values may be (an outcome this action can have, a day it may be recorded
on) the services decide, and their refusals stand beside the field they are about."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from arrears.apps.reports.kpis import MONTHS
from arrears.apps.reports.presentation import months_of
from arrears.domain.dates import parse_date
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
