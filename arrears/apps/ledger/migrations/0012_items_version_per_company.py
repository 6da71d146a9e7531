"""`ItemsVersion` per company: one row a company, whose token the database empties on a change
to one of that company's open items only, so an import into one company keeps every other
company's file (`ledger.items_cache`). Replaces the one row of `0011_items_version`.

Triggers, so that no writer can forget: SQLite per row, for the row's company (its old and new
company on an update), and only when a column the run reads changed; PostgreSQL per statement,
with the statement's rows (transition tables) naming the companies, an update's only where a
column the run reads changed (its trigger cannot name the columns: PostgreSQL allows no column
list beside transition tables), TRUNCATE emptying every token. A company's row is made by its
first run (`items_cache.claim`); the existing companies get theirs here, every token empty.
"""

from django.db import migrations, models

COLUMNS = ("company_id", "debtor_id", "currency", "due_date", "open_minor", "kind")
CLEAR = "UPDATE ledger_itemsversion SET token = '' WHERE token <> '' AND company_id"

SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)
SQLITE = [
    f"CREATE TRIGGER ledger_items_inserted AFTER INSERT ON ledger_openitem "
    f"BEGIN {CLEAR} = NEW.company_id; END",
    f"CREATE TRIGGER ledger_items_deleted AFTER DELETE ON ledger_openitem "
    f"BEGIN {CLEAR} = OLD.company_id; END",
    f"CREATE TRIGGER ledger_items_updated AFTER UPDATE OF {', '.join(COLUMNS)} ON ledger_openitem "
    f"WHEN {SQLITE_CHANGED} BEGIN {CLEAR} IN (OLD.company_id, NEW.company_id); END",
]
SQLITE_BACK = [
    f"DROP TRIGGER IF EXISTS ledger_items_{what}" for what in ("inserted", "deleted", "updated")
]
PG_OLD = ", ".join(f"o.{c}" for c in COLUMNS)
PG_NEW = ", ".join(f"n.{c}" for c in COLUMNS)
POSTGRES = [
    # inserted or deleted rows: their companies
    "CREATE FUNCTION ledger_items_changed() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN {CLEAR} IN (SELECT DISTINCT company_id FROM changed); RETURN NULL; END $$",
    # updated rows: the companies, old and new, of the rows whose read columns changed
    "CREATE FUNCTION ledger_items_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"{CLEAR} IN (SELECT c FROM old_rows o JOIN new_rows n ON n.id = o.id, "
    "LATERAL (VALUES (o.company_id), (n.company_id)) AS both_(c) "
    f"WHERE ({PG_OLD}) IS DISTINCT FROM ({PG_NEW})); RETURN NULL; END $$",
    "CREATE FUNCTION ledger_items_truncated() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN UPDATE ledger_itemsversion SET token = '' WHERE token <> ''; RETURN NULL; END $$",
    "CREATE TRIGGER ledger_items_inserted AFTER INSERT ON ledger_openitem "
    "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_changed()",
    "CREATE TRIGGER ledger_items_deleted AFTER DELETE ON ledger_openitem "
    "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_changed()",
    "CREATE TRIGGER ledger_items_updated AFTER UPDATE ON ledger_openitem "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_updated()",
    "CREATE TRIGGER ledger_items_truncated AFTER TRUNCATE ON ledger_openitem "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_truncated()",
]
POSTGRES_BACK = [
    *(
        f"DROP TRIGGER IF EXISTS ledger_items_{what} ON ledger_openitem"
        for what in ("inserted", "deleted", "updated", "truncated")
    ),
    "DROP FUNCTION IF EXISTS ledger_items_changed()",
    "DROP FUNCTION IF EXISTS ledger_items_updated()",
    "DROP FUNCTION IF EXISTS ledger_items_truncated()",
]

# `0011_items_version`'s triggers (one row for the installation), dropped first, made again
# when this migration is unapplied.
ONE_CLEAR = "UPDATE ledger_itemsversion SET token = '' WHERE token <> ''"
ONE_COLUMNS = ", ".join(COLUMNS)
ONE_SQLITE = [
    f"CREATE TRIGGER ledger_items_inserted AFTER INSERT ON ledger_openitem BEGIN {ONE_CLEAR}; END",
    f"CREATE TRIGGER ledger_items_deleted AFTER DELETE ON ledger_openitem BEGIN {ONE_CLEAR}; END",
    f"CREATE TRIGGER ledger_items_updated AFTER UPDATE OF {ONE_COLUMNS} ON ledger_openitem "
    f"BEGIN {ONE_CLEAR}; END",
]
ONE_SQLITE_BACK = SQLITE_BACK
ONE_POSTGRES = [
    "CREATE FUNCTION ledger_items_changed() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN {ONE_CLEAR}; RETURN NULL; END $$",
    "CREATE TRIGGER ledger_items_changed AFTER INSERT OR DELETE OR TRUNCATE "
    "ON ledger_openitem FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_changed()",
    f"CREATE TRIGGER ledger_items_updated AFTER UPDATE OF {ONE_COLUMNS} "
    "ON ledger_openitem FOR EACH STATEMENT EXECUTE FUNCTION ledger_items_changed()",
]
ONE_POSTGRES_BACK = [
    "DROP TRIGGER IF EXISTS ledger_items_updated ON ledger_openitem",
    "DROP TRIGGER IF EXISTS ledger_items_changed ON ledger_openitem",
    "DROP FUNCTION IF EXISTS ledger_items_changed()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return run


def _one_row(apps, schema_editor):
    apps.get_model("ledger", "ItemsVersion").objects.create(id=1, token="")


def _a_row_per_company(apps, schema_editor):
    Company = apps.get_model("ledger", "Company")
    ItemsVersion = apps.get_model("ledger", "ItemsVersion")
    ItemsVersion.objects.bulk_create(
        ItemsVersion(company_id=pk, token="") for pk in Company.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_items_version"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": ONE_SQLITE_BACK, "postgresql": ONE_POSTGRES_BACK}),
            _run({"sqlite": ONE_SQLITE, "postgresql": ONE_POSTGRES}),
        ),
        migrations.RunPython(migrations.RunPython.noop, _one_row),
        migrations.DeleteModel(name="ItemsVersion"),
        migrations.CreateModel(
            name="ItemsVersion",
            fields=[
                (
                    "company",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="ledger.company",
                    ),
                ),
                ("token", models.CharField(blank=True, max_length=32)),
            ],
        ),
        migrations.RunPython(_a_row_per_company, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}),
        ),
    ]
