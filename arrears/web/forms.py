"""The desk's forms: what a person types, checked for shape only (a day, text within its
length). What the values may be (an outcome this action can have, a day it may be recorded
on) the services decide, and their refusals stand beside the field they are about."""

from __future__ import annotations

from django import forms

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
