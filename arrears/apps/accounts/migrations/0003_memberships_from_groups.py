"""Existing installations held roles as global groups and reporting lines in negotiation:
with a single company (the only kind there was), each grouped user becomes a member of it in
that role, reporting to their manager. With several companies nobody is guessed at: an
administrator adds people."""

from django.db import migrations

ROLES = ["credit_manager", "legal", "agency", "collector"]  # a person in two groups: first wins


def forward(apps, schema_editor):
    Company = apps.get_model("ledger", "Company")
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("accounts", "Membership")
    ReportingLine = apps.get_model("negotiation", "ReportingLine")
    companies = list(Company.objects.all()[:2])
    if len(companies) != 1:
        return
    company = companies[0]
    for role in ROLES:
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        for user in group.user_set.all():
            Membership.objects.get_or_create(person=user, company=company, defaults={"role": role})
    for line in ReportingLine.objects.all():
        Membership.objects.filter(person_id=line.user_id, company=company).update(
            reports_to_id=line.manager_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_people_and_tokens"),
        ("negotiation", "0008_promise_covered_items"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
