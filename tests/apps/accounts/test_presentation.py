"""How a change to the people, a member in a list and the reading policy read."""

from __future__ import annotations

from arrears.apps.accounts.presentation import (
    access_policy_line,
    member_change_line,
    person_line,
)
from arrears.apps.accounts.selectors import PersonRow
from arrears.apps.accounts.services import MemberChange
from arrears.domain.access import PersonRole

C, M = PersonRole.COLLECTOR, PersonRole.CREDIT_MANAGER


def test_each_change_to_the_people_reads_as_what_it_did():
    added = MemberChange("cora", 1, C, None, True, True)
    assert member_change_line(added, company="acme", verb="add") == (
        "cora is collector in acme (new person)"
    )
    promoted = MemberChange("cora", 1, M, C, True, False)
    assert member_change_line(promoted, company="acme", verb="role") == (
        "cora is now credit manager in acme (was collector)"
    )
    assert member_change_line(promoted, company="acme", verb="deactivate") == (
        "cora no longer acts in acme"
    )
    assert member_change_line(promoted, company="acme", verb="reports-to") == (
        "cora's reporting line in acme is set"
    )


def test_a_member_in_the_list_shows_role_name_manager_and_whether_active():
    row = PersonRow("cora", "Cora Lind", "", C, "maria", False)
    assert person_line(row).split() == [
        "cora",
        "collector",
        "Cora",
        "Lind",
        "reports",
        "to",
        "maria",
        "(inactive)",
    ]
    assert person_line(PersonRow("ada", "", "", PersonRole.ADMINISTRATOR, "", True)).split() == [
        "ada",
        "administrator",
        "-",
    ]


def test_the_reading_policy_says_whether_collectors_read_others_cases():
    assert access_policy_line("acme", True) == "collectors of acme read cases they do not own"
    assert access_policy_line("acme", False) == (
        "collectors of acme do not read cases they do not own"
    )
