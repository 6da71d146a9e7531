"""The items each sent letter or email listed (`MessageItem`): only those are demanded in
writing (limitation, rule 12). Messages sent before are filled in from their stored figures."""

from django.db import migrations, models
import django.db.models.deletion


def listed_items(apps, schema_editor):
    OutboxMessage = apps.get_model("communications", "OutboxMessage")
    OpenItem = apps.get_model("ledger", "OpenItem")
    MessageItem = apps.get_model("communications", "MessageItem")
    rows = OutboxMessage.objects.filter(state="sent", figures__isnull=False).values_list(
        "id", "company_id", "figures"
    )
    out = []
    for message_id, company_id, figures in rows.iterator(chunk_size=2000):
        numbers = [line["number"] for line in ((figures or {}).get("letter") or {}).get("lines", [])]
        if not numbers:
            continue
        ids = OpenItem.objects.filter(company_id=company_id, number__in=numbers).values_list(
            "id", flat=True
        )
        out += [MessageItem(message_id=message_id, item_id=i) for i in ids]
        if len(out) >= 5000:
            MessageItem.objects.bulk_create(out, ignore_conflicts=True)
            out = []
    MessageItem.objects.bulk_create(out, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("communications", "0008_interest_setting_contract_rate_and_markup"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MessageItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="communications.outboxmessage")),
                ("item", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.openitem")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("message", "item"), name="one_line_per_message_item")
                ],
            },
        ),
        migrations.RunPython(listed_items, migrations.RunPython.noop),
    ]
