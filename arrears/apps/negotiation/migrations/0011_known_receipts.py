"""§7 `already_counted` now lists every receipt dated on or before the day a promise was given
(or a plan agreed) that its balance already reflected; before, only those dated that very day,
and any earlier receipt was never counted. Rows stored before keep their judgement: every
earlier receipt of the debtor in the currency is listed as already counted."""

from django.db import migrations


def _earlier(apps, case, on):
    Allocation = apps.get_model("ledger", "Allocation")
    Payment = apps.get_model("ledger", "Payment")
    allocated = Allocation.objects.filter(
        item__debtor_id=case.debtor_id,
        item__currency=case.currency,
        payment__received_on__lt=on,
    ).values_list("payment__reference", flat=True)
    on_account = Payment.objects.filter(
        debtor_id=case.debtor_id, currency=case.currency, received_on__lt=on, unapplied_minor__gt=0
    ).values_list("reference", flat=True)
    return set(allocated) | set(on_account)


def forward(apps, schema_editor):
    for name, day in (("PromiseToPay", "given_on"), ("PaymentPlan", "agreed_on")):
        Model = apps.get_model("negotiation", name)
        for row in Model.objects.select_related("case").iterator():
            known = sorted(set(row.already_counted) | _earlier(apps, row.case, getattr(row, day)))
            if known != sorted(row.already_counted):
                row.already_counted = known
                row.save(update_fields=["already_counted"])


class Migration(migrations.Migration):
    dependencies = [
        ("negotiation", "0010_ladder_reads_accelerations_from_cases"),
        ("ledger", "0004_broken_promises_per_item"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
