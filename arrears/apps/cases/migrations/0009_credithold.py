# A debtor's credit hold moves off the ERP's debtor row into a narrow table of its own (a row
# while the hold stands), data carried over; ledger 0006 then drops the column.

import django.db.models.deletion
from django.db import migrations, models

FORWARD = "INSERT INTO cases_credithold (debtor_id) SELECT id FROM ledger_debtor WHERE on_hold"
BACKWARD = (
    "UPDATE ledger_debtor SET on_hold = EXISTS "
    "(SELECT 1 FROM cases_credithold h WHERE h.debtor_id = ledger_debtor.id)"
)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_item_accelerated_on'),
        ('ledger', '0005_item_desk_input'),
    ]

    operations = [
        migrations.CreateModel(
            name='CreditHold',
            fields=[
                ('debtor', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='credit_hold', serialize=False, to='ledger.debtor')),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
