"""The settings pages' forms (`views/desk_settings.py`): checked for shape only (a text within
its length, one of the choices). What a value may be the services decide (the template's tone,
placeholders and subject line; a ladder's steps; a policy's fields; who may own a debtor), and
their refusals stand beside the field they are about."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from arrears.apps.accounts.presentation import ROLE_WORDS
from arrears.apps.communications.presentation import LANGUAGES
from arrears.apps.communications.selectors import REGIME_OF_JURISDICTION
from arrears.apps.communications.template_settings import PHRASE_MOST, TEXT_MOST
from arrears.domain.access import PersonRole
from arrears.domain.refusal import Refusal
from arrears.words import say

DOCUMENT_MOST = 100_000
REASON_MOST = 200


class RefusingForm(forms.Form):
    """A form that puts a service's refusal beside the field its code is about."""

    FIELDS: ClassVar[dict[str, str]] = {}
    DEFAULT: ClassVar[str | None] = None

    def refuse(self, e: Refusal) -> None:
        self.add_error(self.FIELDS.get(e.code, self.DEFAULT), say(e))


class TemplateForm(RefusingForm):
    """A template's text: checked by `template_set` / `template_preview`."""

    text = forms.CharField(max_length=TEXT_MOST, widget=forms.Textarea, strip=False)
    DEFAULT = "text"


class ToneForm(RefusingForm):
    """A phrase the tone check refuses in a language (`tone_add`, `tone_remove`)."""

    language = forms.ChoiceField(choices=[(x, x) for x in LANGUAGES])
    phrase = forms.CharField(max_length=PHRASE_MOST)
    FIELDS: ClassVar[dict[str, str]] = {"template.unknown_language": "language"}
    DEFAULT = "phrase"


class DocumentForm(forms.Form):
    """A ladder (TOML) or a negotiation policy (JSON or TOML), as the terminal loads it."""

    document = forms.CharField(max_length=DOCUMENT_MOST, widget=forms.Textarea, strip=False)


class AssignForm(RefusingForm):
    """One debtor to an owner (`debtor_assign`)."""

    debtor = forms.CharField(max_length=64)
    owner = forms.CharField(max_length=150)
    reason = forms.CharField(max_length=REASON_MOST)
    FIELDS: ClassVar[dict[str, str]] = {
        "assign.no_debtor": "debtor",
        "assign.not_an_owner": "owner",
        "assign.no_reason": "reason",
    }


class UnownedForm(RefusingForm):
    """Every unowned debtor by a rule (`debtors_assign_unowned`)."""

    rule = forms.ChoiceField(
        choices=[("round-robin", "round-robin"), ("country", "country"), ("segment", "segment")]
    )
    collectors = forms.CharField(max_length=1000, required=False)
    mapping = forms.CharField(max_length=1000, required=False, label="Map")
    reason = forms.CharField(max_length=REASON_MOST)
    FIELDS: ClassVar[dict[str, str]] = {
        "assign.not_an_owner": "collectors",
        "assign.no_reason": "reason",
        "assign.bad_pair": "mapping",
        "assign.key_twice": "mapping",
        "assign.no_map": "mapping",
    }
    DEFAULT = "rule"


# --- people and roles (an administrator's: `arrears people`) ----------------------------------

ROLE_CHOICES = [(r.value, ROLE_WORDS[r]) for r in PersonRole]
_PEOPLE_REFUSALS: dict[str, str] = {
    "accounts.bad_username": "username",
    "accounts.already_member": "username",
    "accounts.not_a_member": "username",
    "accounts.unknown_role": "role",
    "accounts.last_administrator": "username",
    "accounts.bad_manager": "manager",
}


class PeopleForm(RefusingForm):
    """A people form: a refusal about someone who is not a member stands beside the field
    that named them (the member's username, or their manager's)."""

    FIELDS: ClassVar[dict[str, str]] = _PEOPLE_REFUSALS
    DEFAULT = "username"

    def refuse(self, e: Refusal) -> None:
        named = e.figures.get("username")
        if e.code == "accounts.not_a_member" and named == self.cleaned_data.get("manager"):
            self.add_error("manager", say(e))
            return
        super().refuse(e)


class MemberAddForm(PeopleForm):
    """A person (new or known) given a role in the company (`member_add`)."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=ROLE_CHOICES)
    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(max_length=254, required=False)
    manager = forms.CharField(max_length=150, required=False, label="Reports to")


class MemberRoleForm(PeopleForm):
    """Another role for a member (`member_role_change`)."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class MemberEndForm(PeopleForm):
    """A member who no longer acts in the company (`member_deactivate`)."""

    username = forms.CharField(max_length=150)


class ReportsToForm(PeopleForm):
    """Who a member reports to (`reports_to_set`; empty: nobody)."""

    username = forms.CharField(max_length=150)
    manager = forms.CharField(max_length=150, required=False)


# --- the interest regime (the company's jurisdiction: `arrears setup --jurisdiction`) ---------


class JurisdictionForm(forms.Form):
    """The jurisdiction whose late-interest regime the company applies (`company_setup`)."""

    jurisdiction = forms.ChoiceField(choices=[(j, j) for j in sorted(REGIME_OF_JURISDICTION)])


class InterestTermsForm(RefusingForm):
    """The company's interest terms (`interest_terms_set`, a credit manager's): the regime
    ("": the jurisdiction's), the default contractual rate and its period, the courts' markup."""

    regime = forms.ChoiceField(
        choices=[("jurisdiction", "the jurisdiction's"), ("contract", "the contracts' own rates")],
        required=False,
    )
    contract_rate = forms.CharField(max_length=16, required=False)
    per = forms.ChoiceField(choices=[("year", "a year"), ("month", "a month")])
    markup = forms.CharField(max_length=16, required=False)
    FIELDS: ClassVar[dict[str, str]] = {
        "interest.regime_choice": "regime",
        "interest.contract_rate_value": "contract_rate",
        "interest.contract_rate_per": "per",
        "interest.markup_value": "markup",
        "interest.markup_fixed": "markup",
    }
    DEFAULT = "contract_rate"
