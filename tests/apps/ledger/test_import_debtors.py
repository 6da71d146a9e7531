from __future__ import annotations

import pytest

from arrears.apps.accounts.models import Membership
from arrears.apps.accounts.services import user_ensure
from arrears.apps.ledger.imports.amounts import MAX_DIGITS, TOO_LARGE
from arrears.apps.ledger.imports.columns import (
    NOT_A_COUNTRY,
    NOT_A_LANGUAGE,
    NOT_AN_EMAIL,
    NOT_ONE_OF,
)
from arrears.apps.ledger.imports.debtors import (
    CONTACT_NAME_MISSING,
    PARENT_LOOP,
    UNKNOWN_OWNER,
    UNKNOWN_PARENT,
)
from arrears.apps.ledger.models import Contact, Debtor
from arrears.apps.ledger.presentation import import_summary_words
from arrears.domain.access import PersonRole
from arrears.domain.money import TOO_MANY_DECIMALS
from tests import factories
from tests.apps.ledger.import_support import (
    csv_file,
    ledger_world,
    refused,
    rival_untouched,
    where,
)
from tests.factories import import_as_admin

pytestmark = pytest.mark.django_db

HEADER = (
    "debtor_code,name,country,language,parent_code,credit_limit,risk_tier,owner,"
    "contact_name,contact_email,contact_phone"
)
PARENT = "G1,Group Holding AG,DE,de,,50000.00,low,cora,Anna Berg,anna@group.example,+49 30 1"
CHILD = "G2,Group Trading GmbH,DE,,G1,,,,,,"


@pytest.fixture
def acme():
    return ledger_world()  # beside rival, whose debtors G1 and D1 share acme's codes


def debtors(tmp_path, *rows: str, header: str = HEADER):
    return csv_file(tmp_path, "\n".join([header, *rows]) + "\n")


def test_debtors_are_created_with_parent_limit_owner_and_primary_contact(acme, tmp_path):
    # The child comes first: a parent may be anywhere in the file.
    with rival_untouched():
        summary = import_as_admin(
            company=acme, kind="debtors", path=debtors(tmp_path, CHILD, PARENT)
        )
    assert (summary.created, summary.updated) == (2, 0)
    parent, child = (
        Debtor.objects.get(company=acme, code="G1"),
        Debtor.objects.get(company=acme, code="G2"),
    )
    assert child.parent == parent and parent.parent is None
    assert (parent.credit_limit_minor, parent.risk_tier, parent.owner.username) == (
        5_000_000,
        "low",
        "cora",
    )
    assert (child.credit_limit_minor, child.risk_tier, child.owner, child.language) == (
        None,
        "medium",
        None,
        "en",
    )
    contact = Contact.objects.get(debtor=parent)
    assert (contact.name, contact.email, contact.phone, contact.is_primary) == (
        "Anna Berg",
        "anna@group.example",
        "+49 30 1",
        True,
    )
    assert not Contact.objects.filter(debtor=child).exists()


def test_reimporting_the_same_debtors_changes_nothing(acme, tmp_path):
    path = debtors(tmp_path, PARENT, CHILD)
    import_as_admin(company=acme, kind="debtors", path=path)
    before = list(Debtor.objects.order_by("id").values()), list(Contact.objects.values())
    summary = import_as_admin(company=acme, kind="debtors", path=path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert (list(Debtor.objects.order_by("id").values()), list(Contact.objects.values())) == before


def test_changes_update_the_debtor_and_its_primary_contact_and_are_counted(acme, tmp_path):
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, PARENT, CHILD))
    parent = PARENT.replace("cora", "carl").replace("anna@group", "a.berg@group")
    child = "G2,Group Trading GmbH,DE,,,,high,,Ben Ott,,"
    with rival_untouched():  # rival's G1 keeps its owner, contact and all
        summary = import_as_admin(
            company=acme, kind="debtors", path=debtors(tmp_path, parent, child)
        )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 0)
    assert {k: v for k, v in summary.changes.items() if v} == {
        "owner": 1,
        "contact_email": 1,
        "parent_code": 1,
        "risk_tier": 1,
        "contact_name": 1,
    }
    g1, g2 = (
        Debtor.objects.get(company=acme, code="G1"),
        Debtor.objects.get(company=acme, code="G2"),
    )
    assert g1.owner.username == "carl" and g2.parent is None and g2.risk_tier == "high"
    assert Contact.objects.get(debtor=g1).email == "a.berg@group.example"
    assert Contact.objects.get(debtor=g2).name == "Ben Ott"
    assert Contact.objects.filter(debtor__company=acme).count() == 2


def test_empty_contact_cells_keep_the_contact_we_have(acme, tmp_path):
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, PARENT))
    Contact.objects.create(
        debtor=Debtor.objects.get(company=acme, code="G1"), name="Desk", is_primary=False
    )
    no_contact = "G1,Group Holding AG,DE,de,,50000.00,low,cora,,,"
    summary = import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, no_contact))
    assert summary.unchanged == 1
    names = Contact.objects.filter(debtor__company=acme).values_list("name", flat=True)
    assert sorted(names) == ["Anna Berg", "Desk"]


def test_a_parent_may_be_a_debtor_imported_before(acme, tmp_path):
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, PARENT))
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, CHILD))
    assert Debtor.objects.get(company=acme, code="G2").parent.code == "G1"


def test_columns_absent_from_the_file_are_left_alone(acme, tmp_path):
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, PARENT))
    path = debtors(tmp_path, "G1,Group Holding AG (new name),DE", header="debtor_code,name,country")
    summary = import_as_admin(company=acme, kind="debtors", path=path)
    assert summary.updated == 1 and summary.changes == {"name": 1, "country": 0}
    g1 = Debtor.objects.get(company=acme, code="G1")
    assert (g1.owner.username, g1.credit_limit_minor, g1.risk_tier) == ("cora", 5_000_000, "low")


def test_an_unknown_owner_is_refused_with_row_and_column(acme, tmp_path):
    errors = refused(acme, "debtors", debtors(tmp_path, PARENT.replace("cora", "nobody")))
    assert where(errors) == [(2, "owner")]
    assert errors[0].message == UNKNOWN_OWNER.format(value="nobody")


def test_an_owner_who_belongs_only_to_another_company_is_refused_with_row_and_name(acme, tmp_path):
    """otto collects for rival alone: acme's file cannot make him the owner of acme's debtor."""
    with rival_untouched():
        errors = refused(acme, "debtors", debtors(tmp_path, CHILD, PARENT.replace("cora", "otto")))
    assert where(errors) == [(3, "owner")]
    assert errors[0].message == UNKNOWN_OWNER.format(value="otto")
    assert "'otto'" in errors[0].message
    assert not Debtor.objects.filter(company=acme).exists()


@pytest.mark.parametrize("role", [PersonRole.SALES, PersonRole.ADMINISTRATOR, PersonRole.LEGAL])
def test_an_owner_must_be_a_collector_or_credit_manager_of_the_company(acme, tmp_path, role):
    user_ensure(username="sam", role=role, company=acme)
    errors = refused(acme, "debtors", debtors(tmp_path, PARENT.replace("cora", "sam")))
    assert where(errors) == [(2, "owner")]


def test_a_deactivated_collector_cannot_be_named_an_owner(acme, tmp_path):
    Membership.objects.filter(person__username="cora", company=acme).update(active=False)
    errors = refused(acme, "debtors", debtors(tmp_path, PARENT))
    assert where(errors) == [(2, "owner")]


def test_a_credit_manager_of_the_company_may_be_named_an_owner(acme, tmp_path):
    factories.credit_manager("maria", acme)
    import_as_admin(
        company=acme, kind="debtors", path=debtors(tmp_path, PARENT.replace("cora", "maria"))
    )
    assert Debtor.objects.get(company=acme, code="G1").owner.username == "maria"


def test_an_unknown_parent_is_refused_with_row_and_column(acme, tmp_path):
    errors = refused(acme, "debtors", debtors(tmp_path, CHILD.replace("G1", "G9")))
    assert where(errors) == [(2, "parent_code")]
    assert errors[0].message == UNKNOWN_PARENT.format(value="G9")


def test_a_debtor_cannot_be_its_own_parent(acme, tmp_path):
    errors = refused(acme, "debtors", debtors(tmp_path, CHILD.replace("G1", "G2")))
    assert where(errors) == [(2, "parent_code")]
    assert errors[0].message == PARENT_LOOP.format(value="G2")


def test_a_group_that_loops_through_the_database_is_refused(acme, tmp_path):
    import_as_admin(company=acme, kind="debtors", path=debtors(tmp_path, PARENT, CHILD))
    # G1 under G2 while the database says G2 is under G1.
    looped = PARENT.replace(",de,,", ",de,G2,")
    errors = refused(acme, "debtors", debtors(tmp_path, looped))
    assert where(errors) == [(2, "parent_code")]


def test_credit_limit_takes_the_company_currency_decimals(tmp_path):
    yen = factories.company("nihon", currency="JPY")
    path = debtors(
        tmp_path, "J1,Tanaka KK,JP,50000.5", header="debtor_code,name,country,credit_limit"
    )
    errors = refused(yen, "debtors", path)
    assert where(errors) == [(2, "credit_limit")]
    assert errors[0].message == TOO_MANY_DECIMALS.format(
        amount="50000.5", currency="JPY", exponent=0
    )


def test_a_huge_credit_limit_is_refused(acme, tmp_path):
    path = debtors(tmp_path, "X1,X,DE,1" + "0" * 20, header="debtor_code,name,country,credit_limit")
    errors = refused(acme, "debtors", path)
    assert errors[0].message == TOO_LARGE.format(amount="1" + "0" * 20, digits=MAX_DIGITS)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("country", "Germany", NOT_A_COUNTRY.format(value="Germany")),
        ("country", "de", NOT_A_COUNTRY.format(value="de")),
        ("language", "deu", NOT_A_LANGUAGE.format(value="deu")),
        ("risk_tier", "severe", NOT_ONE_OF.format(value="severe", allowed="low, medium, high")),
        ("contact_email", "anna(at)group", NOT_AN_EMAIL.format(value="anna(at)group")),
    ],
)
def test_badly_formed_codes_are_refused_with_row_and_column(acme, tmp_path, column, value, message):
    fields = dict(zip(HEADER.split(","), PARENT.split(","), strict=True))
    fields[column] = value
    errors = refused(acme, "debtors", debtors(tmp_path, ",".join(fields.values())))
    assert where(errors) == [(2, column)]
    assert errors[0].message == message


def test_a_contact_email_without_a_contact_name_is_refused(acme, tmp_path):
    row = "G1,Group Holding AG,DE,de,,,,,,anna@group.example,"
    errors = refused(acme, "debtors", debtors(tmp_path, row))
    assert where(errors) == [(2, "contact_name")]
    assert errors[0].message == CONTACT_NAME_MISSING


def test_a_duplicate_debtor_code_is_refused(acme, tmp_path):
    errors = refused(acme, "debtors", debtors(tmp_path, PARENT, CHILD, PARENT))
    assert where(errors) == [(4, "debtor_code")]


def test_another_companys_debtor_is_not_a_parent(acme, tmp_path):
    other = factories.company("other")
    factories.collector("cora", other)  # the file's owner collects for both
    import_as_admin(company=other, kind="debtors", path=debtors(tmp_path, PARENT))
    errors = refused(acme, "debtors", debtors(tmp_path, CHILD))
    assert where(errors) == [(2, "parent_code")]


def _handed_over_world():
    from arrears.apps.negotiation.services import case_handover
    from tests.apps.negotiation.support import AS_OF, world

    w = world()  # debtor owned by cora, an open case; lena is legal, carl another collector
    case_handover(
        case=w.case, actor=w.maria, to="legal", new_owner=w.lena, reason="ignored", as_of=AS_OF
    )
    other = factories.debtor(w.company, owner=w.cora)
    return w, other


def _owners_file(tmp_path, rows):
    lines = [f"{d.code},{name},{d.country},{owner}" for d, name, owner in rows]
    return debtors(tmp_path, *lines, header="debtor_code,name,country,owner")


def test_the_import_keeps_the_owner_of_a_debtor_handed_over_to_legal(tmp_path):
    w, other = _handed_over_world()
    path = _owners_file(tmp_path, [(w.debtor, "Renamed GmbH", "cora"), (other, other.name, "carl")])
    summary = import_as_admin(company=w.company, kind="debtors", path=path)
    w.debtor.refresh_from_db()
    other.refresh_from_db()
    assert (w.debtor.owner, w.debtor.name) == (w.lena, "Renamed GmbH")  # the rest is the ERP's
    assert other.owner == w.carl
    assert summary.notes == (f"owner kept for 1 handed-over debtors: {w.debtor.code}",)
    assert f"owner kept for 1 handed-over debtors: {w.debtor.code}" in import_summary_words(summary)
    assert (summary.updated, summary.changes["owner"]) == (2, 1)

    before = list(Debtor.objects.order_by("id").values())
    again = import_as_admin(company=w.company, kind="debtors", path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Debtor.objects.order_by("id").values()) == before
    assert again.notes == summary.notes  # it still says why the file's owner is not taken


def test_a_refused_file_changes_no_owner_of_a_handed_over_debtor(tmp_path):
    w, other = _handed_over_world()
    path = _owners_file(tmp_path, [(w.debtor, w.debtor.name, "cora"), (other, "x", "nobody")])
    assert where(refused(w.company, "debtors", path)) == [(3, "owner")]
    w.debtor.refresh_from_db()
    assert w.debtor.owner == w.lena


def test_once_the_handed_over_case_is_closed_the_erp_owner_applies_again(tmp_path):
    from arrears.apps.cases.models import Case

    w, _ = _handed_over_world()
    Case.objects.filter(pk=w.case.pk).update(status="closed", closed_reason="paid")
    path = _owners_file(tmp_path, [(w.debtor, w.debtor.name, "cora")])
    summary = import_as_admin(company=w.company, kind="debtors", path=path)
    w.debtor.refresh_from_db()
    assert w.debtor.owner == w.cora and summary.notes == ()


KIND_HEADER = "debtor_code,name,country,kind"


def test_a_debtor_is_a_business_or_a_consumer_by_the_kind_column_business_when_empty(
    acme, tmp_path
):
    rows = ("C1,Erika Mustermann,DE,consumer", "B1,Firma GmbH,DE,", "B2,Handel AG,DE,business")
    with rival_untouched():
        import_as_admin(
            company=acme, kind="debtors", path=debtors(tmp_path, *rows, header=KIND_HEADER)
        )
    kinds = dict(Debtor.objects.filter(company=acme).values_list("code", "kind"))
    assert kinds == {"C1": "consumer", "B1": "business", "B2": "business"}
    assert Debtor.objects.get(company=acme, code="C1").consumer


def test_a_file_without_the_kind_column_makes_businesses_and_leaves_a_consumer_alone(
    acme, tmp_path
):
    import_as_admin(
        company=acme,
        kind="debtors",
        path=debtors(tmp_path, "C1,Erika Mustermann,DE,consumer", header=KIND_HEADER),
    )
    summary = import_as_admin(
        company=acme,
        kind="debtors",
        path=debtors(
            tmp_path, "C1,Erika Mustermann,DE", "N1,Neu GmbH,DE", header="debtor_code,name,country"
        ),
    )
    assert (summary.created, summary.updated) == (1, 0)
    kinds = dict(Debtor.objects.filter(company=acme).values_list("code", "kind"))
    assert kinds == {"C1": "consumer", "N1": "business"}


def test_a_debtor_turned_consumer_by_the_file_is_counted_as_a_change(acme, tmp_path):
    import_as_admin(
        company=acme, kind="debtors", path=debtors(tmp_path, "C1,Erika,DE,", header=KIND_HEADER)
    )
    summary = import_as_admin(
        company=acme,
        kind="debtors",
        path=debtors(tmp_path, "C1,Erika,DE,consumer", header=KIND_HEADER),
    )
    assert summary.updated == 1
    assert Debtor.objects.get(company=acme, code="C1").kind == "consumer"


def test_an_unknown_kind_of_debtor_is_refused_with_its_row_and_nothing_is_written(acme, tmp_path):
    rows = ("C1,Erika,DE,consumer", "P1,Private Person,DE,private")
    with rival_untouched():
        errors = refused(acme, "debtors", debtors(tmp_path, *rows, header=KIND_HEADER))
    assert where(errors) == [(3, "kind")]
    assert errors[0].message == NOT_ONE_OF.format(value="private", allowed="business, consumer")
    assert not Debtor.objects.filter(company=acme, code="C1").exists()
