# The desk's inputs to the ladder move off the ERP's item row into a narrow table of their own,
# as the item's ladder step did (0002): a row only for an item something is held back from or a
# break counts for. Data carried over; ledger 0005 then drops the columns.

import django.db.models.deletion
from django.db import migrations, models

FORWARD = (
    "INSERT INTO cases_itemdeskinput (item_id, excluded_minor, broken_promises) "
    "SELECT id, excluded_minor, broken_promises FROM ledger_openitem "
    "WHERE excluded_minor <> 0 OR broken_promises <> 0"
)
BACKWARD = (
    "UPDATE ledger_openitem SET "
    "excluded_minor = COALESCE((SELECT x.excluded_minor FROM cases_itemdeskinput x "
    " WHERE x.item_id = ledger_openitem.id), 0), "
    "broken_promises = COALESCE((SELECT x.broken_promises FROM cases_itemdeskinput x "
    " WHERE x.item_id = ledger_openitem.id), 0)"
)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_owner_handoffs'),
        ('ledger', '0004_broken_promises_per_item'),
    ]

    operations = [
        migrations.CreateModel(
            name='ItemDeskInput',
            fields=[
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='desk_input', serialize=False, to='ledger.openitem')),
                ('excluded_minor', models.BigIntegerField(default=0)),
                ('broken_promises', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
