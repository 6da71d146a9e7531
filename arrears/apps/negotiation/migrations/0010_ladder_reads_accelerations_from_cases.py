# The ladder reads the day a defaulted plan made an item due at once from its own table
# (cases.ItemDeskInput.accelerated_on): the desk's records are copied over once here; from now
# on the daily sweep keeps the copy (sweep_frames.accelerations_write).

from django.db import migrations

FORWARD = [
    "INSERT INTO cases_itemdeskinput (item_id, excluded_minor, broken_promises, accelerated_on) "
    "SELECT x.item_id, 0, 0, x.accelerated_on FROM negotiation_itemacceleration x "
    "WHERE NOT EXISTS (SELECT 1 FROM cases_itemdeskinput d WHERE d.item_id = x.item_id)",
    "UPDATE cases_itemdeskinput SET accelerated_on = (SELECT x.accelerated_on "
    "FROM negotiation_itemacceleration x WHERE x.item_id = cases_itemdeskinput.item_id) "
    "WHERE item_id IN (SELECT item_id FROM negotiation_itemacceleration)",
]


class Migration(migrations.Migration):

    dependencies = [
        ('negotiation', '0009_reporting_lines_move_to_memberships'),
        ('cases', '0008_item_accelerated_on'),
    ]

    operations = [
        migrations.RunSQL(FORWARD, migrations.RunSQL.noop),
    ]
