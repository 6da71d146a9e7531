# The ERP's item row holds what the ERP said: the desk's inputs to the ladder now live in
# cases.ItemDeskInput (cases 0007 carried the data over first).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_broken_promises_per_item'),
        ('cases', '0007_item_desk_input'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='openitem',
            name='broken_promises',
        ),
        migrations.RemoveField(
            model_name='openitem',
            name='excluded_minor',
        ),
    ]
