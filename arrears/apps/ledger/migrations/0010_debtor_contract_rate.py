from django.db import migrations, models


class Migration(migrations.Migration):
    """The contract's late-interest rate per debtor (optional columns of the debtors import)."""

    dependencies = [
        ("ledger", "0009_debtor_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="debtor",
            name="contract_rate",
            field=models.CharField(blank=True, db_default="", max_length=16),
        ),
        migrations.AddField(
            model_name="debtor",
            name="contract_rate_per",
            field=models.CharField(blank=True, db_default="", max_length=8),
        ),
    ]
