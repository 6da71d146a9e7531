"""The settings pages a credit manager and an administrator share: people and who owns which
debtor, and the interest regime.

People and roles are an administrator's (`arrears people add|role|deactivate|reports-to`: the
same services, `member_add`...); giving debtors owners is a credit manager's or an
administrator's (`arrears assign`); the interest regime follows the company's jurisdiction,
which its administrator sets (`arrears setup --jurisdiction`: `company_setup`). Each page shows
a form only to who may use it; the service decides again inside its transaction (a post by
anyone else is refused, 403, and writes nothing). A refusal stands beside its field; a company
the person does not belong to is not found (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from arrears.apps.accounts.access import may
from arrears.apps.accounts.presentation import ROLE_WORDS, member_change_line
from arrears.apps.accounts.selectors import people_list
from arrears.apps.accounts.services import (
    member_add,
    member_deactivate,
    member_role_change,
    reports_to_set,
)
from arrears.apps.cases.presentation import assigned_lines
from arrears.apps.cases.services import debtor_assign, debtors_assign_unowned
from arrears.apps.communications.interest_terms import interest_terms_set
from arrears.apps.communications.selectors import (
    REGIME_OF_JURISDICTION,
    interest_terms_of,
    regime_for,
)
from arrears.apps.ledger.models import Company
from arrears.apps.ledger.services import company_setup
from arrears.domain.access import Verb
from arrears.domain.assignment import AssignRule, parse_mapping
from arrears.domain.interest import shipped_regimes
from arrears.domain.refusal import NotAllowed, Refusal
from arrears.web.settings_forms import (
    AssignForm,
    InterestTermsForm,
    JurisdictionForm,
    MemberAddForm,
    MemberEndForm,
    MemberRoleForm,
    RefusingForm,
    ReportsToForm,
    UnownedForm,
)
from arrears.web.views.common import refused, settings_gate

RULES = {"round-robin": AssignRule.ROUND_ROBIN, "country": AssignRule.COUNTRY}
RULES["segment"] = AssignRule.SEGMENT


def _page(
    request: HttpRequest, name: str, firm: Company, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    mays = {
        "may_policy": may(request.user, Verb.SET_POLICY, company_id=firm.pk),
        "may_administer": may(request.user, Verb.ADMINISTER, company_id=firm.pk),
    }
    return render(
        request,
        f"desk/settings/{name}.html",
        {"company": firm, "section": name, **mays, **context},
        status=status,
    )


# --- the interest regime ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def interest_page(request: HttpRequest, company: str) -> HttpResponse:
    """The regime the company's jurisdiction applies; its administrator chooses another
    jurisdiction's (`company_setup`, audited), seeing each one's regime beside it."""
    firm = settings_gate(request, company, administrators=True)
    if isinstance(firm, HttpResponse):
        return firm
    if request.method == "POST" and request.POST.get("form") == "terms":
        return _interest_terms(request, firm)
    form = JurisdictionForm(
        request.POST or None, initial={"jurisdiction": firm.jurisdiction.upper()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            company_setup(
                actor=request.user,
                code=firm.code,
                name=firm.name,
                currency=firm.currency,
                jurisdiction=form.cleaned_data["jurisdiction"],
            )
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        return redirect("settings-interest", firm.code)
    return _interest(request, firm, form, _terms_form(firm))


def _terms_form(firm: Company, data: Any = None) -> InterestTermsForm:
    terms = interest_terms_of(firm)
    initial = {
        "regime": terms.regime or "jurisdiction",
        "contract_rate": "" if terms.contract is None else terms.contract.text,
        "per": "year" if terms.contract is None else terms.contract.per.value,
        "markup": "" if terms.markup is None else str(terms.markup),
    }
    return InterestTermsForm(data, initial=initial)


def _interest(
    request: HttpRequest, firm: Company, form: JurisdictionForm, terms: InterestTermsForm
) -> HttpResponse:
    regimes = shipped_regimes()
    known = [(j, regimes[code]) for j, code in sorted(REGIME_OF_JURISDICTION.items())]
    context = {
        "regime": regime_for(firm),
        "form": form,
        "known": known,
        "terms": interest_terms_of(firm),
        "terms_form": terms,
    }
    failed = form.errors or terms.errors
    return _page(request, "interest", firm, context, 422 if failed else 200)


def _interest_terms(request: HttpRequest, firm: Company) -> HttpResponse:
    """A credit manager sets the interest terms (`interest_terms_set`, which asks again)."""
    terms = _terms_form(firm, request.POST)
    if terms.is_valid():
        d = terms.cleaned_data
        try:
            interest_terms_set(
                actor=request.user, company=firm, regime=d["regime"] or "jurisdiction",
                rate=d["contract_rate"], per=d["per"], markup=d["markup"],
            )  # fmt: skip
            return redirect("settings-interest", firm.code)
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            terms.refuse(e)
    form = JurisdictionForm(initial={"jurisdiction": firm.jurisdiction.upper()})
    return _interest(request, firm, form, terms)


# --- people and who owns which debtor --------------------------------------------------------

_PEOPLE_FORMS: dict[str, tuple[type[RefusingForm], str]] = {
    "add": (MemberAddForm, "add"),
    "role": (MemberRoleForm, "role"),
    "end": (MemberEndForm, "deactivate"),
    "manager": (ReportsToForm, "reports-to"),
}


def _member_change(request: HttpRequest, firm: Company, do: str, d: dict[str, Any]) -> Any:
    """Call the people service the form `do` stands for (it checks who acts)."""
    who = {"actor": request.user, "company_id": firm.pk, "username": d["username"]}
    services: dict[str, Callable[[], Any]] = {
        "add": lambda: member_add(
            **who, role=d["role"], email=d["email"], name=d["name"], reports_to=d["manager"]
        ),
        "role": lambda: member_role_change(**who, role=d["role"]),
        "end": lambda: member_deactivate(**who),
        "manager": lambda: reports_to_set(**who, manager=d["manager"]),
    }
    return services[do]()


def _assign(request: HttpRequest, firm: Company, do: str, d: dict[str, Any]) -> list[str]:
    """Give one debtor, or every unowned debtor by a rule, an owner (`arrears assign`)."""
    on = timezone.localdate()
    if do == "one":
        got = debtor_assign(
            actor=request.user,
            company=firm,
            debtor_code=d["debtor"],
            owner=d["owner"],
            reason=d["reason"],
            on=on,
        )
        return assigned_lines(got, debtor=d["debtor"], owner=d["owner"])
    rule = RULES[d["rule"]]
    mapping = parse_mapping(d["mapping"]) if rule is not AssignRule.ROUND_ROBIN else None
    names = [c.strip() for c in d["collectors"].split(",") if c.strip()]
    got = debtors_assign_unowned(
        actor=request.user,
        company=firm,
        rule=rule,
        reason=d["reason"],
        on=on,
        collectors=names or None,
        mapping=mapping,
    )
    return assigned_lines(got, rule=rule.value)


@require_http_methods(["GET", "POST"])
def people_page(request: HttpRequest, company: str) -> HttpResponse:
    """The company's people and roles (an administrator adds people, changes a role, ends a
    membership, sets a reporting line); give a debtor an owner, or every unowned debtor by a
    rule (round-robin, by country, by risk segment), as `arrears assign` does."""
    firm = settings_gate(request, company, administrators=True)
    if isinstance(firm, HttpResponse):
        return firm
    do = request.POST.get("do", "")
    bound: dict[str, forms.Form] = {
        "one": AssignForm(request.POST if do == "one" else None),
        "unowned": UnownedForm(request.POST if do == "unowned" else None),
    }
    for key, (form_class, _) in _PEOPLE_FORMS.items():
        bound[key] = form_class(request.POST if do == key else None, prefix=key)
    done: list[str] = []
    form = bound.get(do)
    if request.method == "POST" and form is not None and form.is_valid():
        assert isinstance(form, RefusingForm)
        try:
            if do in _PEOPLE_FORMS:
                change = _member_change(request, firm, do, form.cleaned_data)
                done = [member_change_line(change, company=firm.code, verb=_PEOPLE_FORMS[do][1])]
            else:
                done = _assign(request, firm, do, form.cleaned_data)
        except NotAllowed as e:
            return refused(request, e, {"company": firm})
        except Refusal as e:
            form.refuse(e)
    people = people_list(actor=request.user, company_id=firm.pk)
    context = {
        "people": [{"p": p, "role": ROLE_WORDS[p.role]} for p in people],
        "rules": list(RULES),
        "done": done,
        "one": bound["one"],
        "many": bound["unowned"],
        **{f"{key}_form": bound[key] for key in _PEOPLE_FORMS},
    }
    bad = any(f.errors for f in bound.values())
    return _page(request, "people", firm, context, 422 if bad else 200)
