"""A letter or email the outbox sent is a written demand (rule 12: in the Netherlands it
interrupts the limitation, BW 3:317) of the items it listed, and of no other: an item it left
out (held back by a dispute, say) keeps its own date. Before, every overdue item of the
debtor's case counted as demanded by any message sent."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.apps.cases.models import Case
from arrears.apps.cases.selectors import run_items_stored
from arrears.apps.communications import outbox
from arrears.apps.communications.costs import case_costs, limitation_events
from arrears.apps.communications.models import MessageItem, OutboxMessage
from arrears.apps.communications.services import outbox_mark_sent
from arrears.domain.limitation import expiries
from tests import factories, terminal
from tests.apps.communications import support
from tests.apps.communications.support import DAY1, DUE

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = support.world()
    w["acme"].jurisdiction = "NL"
    w["acme"].save()
    # overdue too, but disputed whole: held back, no message demands it
    w["held"] = factories.item(w["k1"], due=DUE, amount=300_00, number="INV-HELD")
    factories.run_as_admin(company=w["acme"], as_of=DAY1)  # the reminder, by email
    terminal.run(
        "dispute", "K1", "--part", "INV-HELD:300", "--reason", "goods_damaged",
        "--as-of", "2025-06-05", as_="cora",
    )  # fmt: skip
    factories.run_as_admin(company=w["acme"], as_of=DAY1)  # the day again: the sweep holds it
    return w


def expires(w):
    case = Case.objects.get(debtor=w["k1"])
    costs = case_costs(case=case, company=w["acme"], as_of=DAY1)
    return {
        line.item: (line.limitation.expires_on, line.limitation.restarted_by)
        for line in costs.lines
    }


def run_frame_expires(w):
    items = run_items_stored(company=w["acme"]).select(
        "item_id", due_on="due_date", rule=pl.lit("NL"), consumer=pl.lit(False)
    )
    found = expiries(items, limitation_events(w["acme"], DAY1))
    numbers = {w["held"].pk: "INV-HELD"}
    return {
        numbers.get(row["item_id"], "INV-1"): row["expires_on"]
        for row in found.iter_rows(named=True)
    }


def test_the_email_sent_interrupts_the_item_it_listed_and_not_the_one_it_left_out(w):
    before = expires(w)
    assert before["INV-1"] == before["INV-HELD"] == (date(2030, 6, 1), None)  # BW 3:307
    sent = outbox.send_batch(outbox.due(company=w["acme"], now=outbox.timezone.now()))
    assert list(sent.values()) == ["sent"]
    after = expires(w)
    # BW 3:317: the demand of 5 June 2025 interrupts: five years from it, for INV-1 alone
    assert after["INV-1"] == (date(2030, 6, 5), "written_demand")
    assert after["INV-HELD"] == (date(2030, 6, 1), None)
    # the run's frames say the same
    assert run_frame_expires(w) == {"INV-1": date(2030, 6, 5), "INV-HELD": date(2030, 6, 1)}


def test_a_message_not_sent_demands_nothing(w):
    assert expires(w)["INV-1"] == (date(2030, 6, 1), None)
    assert MessageItem.objects.count() == 0


def test_a_letter_a_person_marks_posted_demands_what_it_listed(w):
    m = OutboxMessage.objects.get(company=w["acme"])
    m.channel = "letter"  # posted by hand
    m.save(update_fields=["channel"])
    outbox_mark_sent(actor=w["admin"], message_id=m.pk, note="posted")
    assert list(MessageItem.objects.values_list("item__number", flat=True)) == ["INV-1"]
    outbox_mark_sent(actor=w["admin"], message_id=m.pk, note="again")  # nothing new
    assert MessageItem.objects.count() == 1
    assert expires(w)["INV-HELD"] == (date(2030, 6, 1), None)


def test_messages_sent_before_the_upgrade_are_read_from_their_stored_figures(w):
    import importlib

    from django.apps import apps

    outbox.send_batch(outbox.due(company=w["acme"], now=outbox.timezone.now()))
    MessageItem.objects.all().delete()  # as before the migration: only the figures say it
    migration = importlib.import_module(
        "arrears.apps.communications.migrations.0009_message_items_listed"
    )
    migration.listed_items(apps, None)
    migration.listed_items(apps, None)  # again: nothing twice
    assert list(MessageItem.objects.values_list("item__number", flat=True)) == ["INV-1"]
    assert expires(w)["INV-1"] == (date(2030, 6, 5), "written_demand")
