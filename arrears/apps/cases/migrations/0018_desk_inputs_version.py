# The per-company count of writes to the desk's item inputs, which the worklist keeps its
# figures under (a set-off approved at the desk shows at once).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_propensity_model_feature_set"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeskInputsVersion",
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
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
    ]
