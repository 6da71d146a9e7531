from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clearing", "0002_setoff_open_at_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="setoffpair",
            name="payable_open_at_minor",
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
