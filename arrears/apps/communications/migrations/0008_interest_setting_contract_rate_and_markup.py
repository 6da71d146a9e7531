import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A company's interest terms: its default contractual rate and the courts' markup."""

    dependencies = [
        ("communications", "0007_sender_letterhead_and_imprint"),
        ("ledger", "0010_debtor_contract_rate"),
    ]

    operations = [
        migrations.CreateModel(
            name="InterestSetting",
            fields=[
                (
                    "company",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="ledger.company",
                    ),
                ),
                ("regime", models.CharField(blank=True, default="", max_length=32)),
                ("contract_rate", models.CharField(blank=True, default="", max_length=16)),
                ("contract_rate_per", models.CharField(blank=True, default="", max_length=8)),
                ("markup", models.CharField(blank=True, default="", max_length=16)),
            ],
        ),
    ]
