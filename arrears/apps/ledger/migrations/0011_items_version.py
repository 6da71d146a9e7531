"""`ItemsVersion`: one row whose token the database empties on every change to the open items.

Triggers, so that no writer can forget: SQLite per row (it has no statement triggers; clearing
a token already clear writes nothing), PostgreSQL per statement (TRUNCATE too).
"""

from django.db import migrations, models

COLUMNS = "company_id, debtor_id, currency, due_date, open_minor, kind"
CLEAR = "UPDATE ledger_itemsversion SET token = '' WHERE token <> ''"

SQLITE = [
    f"CREATE TRIGGER ledger_items_inserted AFTER INSERT ON ledger_openitem BEGIN {CLEAR}; END",
    f"CREATE TRIGGER ledger_items_deleted AFTER DELETE ON ledger_openitem BEGIN {CLEAR}; END",
    f"CREATE TRIGGER ledger_items_updated AFTER UPDATE OF {COLUMNS} ON ledger_openitem "
    f"BEGIN {CLEAR}; END",
]
SQLITE_BACK = [
    f"DROP TRIGGER IF EXISTS ledger_items_{what}" for what in ("inserted", "deleted", "updated")
]
POSTGRES = [
    "CREATE FUNCTION ledger_items_changed() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN {CLEAR}; RETURN NULL; END $$",
    "CREATE TRIGGER ledger_items_changed AFTER INSERT OR DELETE OR TRUNCATE "
    "ON ledger_openitem FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_changed()",
    f"CREATE TRIGGER ledger_items_updated AFTER UPDATE OF {COLUMNS} "
    "ON ledger_openitem FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_changed()",
]
POSTGRES_BACK = [
    "DROP TRIGGER IF EXISTS ledger_items_updated ON ledger_openitem",
    "DROP TRIGGER IF EXISTS ledger_items_changed ON ledger_openitem",
    "DROP FUNCTION IF EXISTS ledger_items_changed()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return run


def _first_row(apps, schema_editor):
    apps.get_model("ledger", "ItemsVersion").objects.create(id=1, token="")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_debtor_contract_rate"),
    ]

    operations = [
        migrations.CreateModel(
            name="ItemsVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(blank=True, max_length=32)),
            ],
        ),
        migrations.RunPython(_first_row, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}),
        ),
    ]
