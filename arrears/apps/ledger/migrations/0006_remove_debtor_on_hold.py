# The ERP's debtor row holds what the ERP said: whether the debtor is on credit hold now lives in
# cases.CreditHold (cases 0009 carried the holds over first).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_item_desk_input'),
        ('cases', '0009_credithold'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='debtor',
            name='on_hold',
        ),
    ]
