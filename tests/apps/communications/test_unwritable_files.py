"""A file the person names in a folder that does not exist (or cannot be written): every
command that writes one says so clearly, with the path and the reason, and exits with an
error, never a traceback; nothing is marked as exported."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.base import CommandError

from arrears.apps.communications.models import FeeExport
from tests import factories, terminal
from tests.apps.communications.support import world

pytestmark = pytest.mark.django_db

AS_OF = "2025-07-31"

COMMANDS = {
    "statement pdf": (["statement", "K1", "--as-of", AS_OF, "--pdf"], "cora"),
    "statement xlsx": (["statement", "K1", "--as-of", AS_OF, "--xlsx"], "cora"),
    "claim pack": (["claim-pack", "K1", "--as-of", AS_OF, "--out"], "maria"),
    "letter pdf": (["letter", "K1", "--as-of", AS_OF, "--company=acme", "--pdf"], "cora"),
    "fees export": (["fees", "export", "--as-of", AS_OF, "--csv"], "maria"),
    "fees export xlsx": (["fees", "export", "--as-of", AS_OF, "--xlsx"], "maria"),
}


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_a_file_in_a_missing_folder_is_refused_with_the_path_and_the_reason(command, tmp_path):
    w = world()
    factories.run_as_admin(company=w["acme"], as_of=date(2025, 7, 31))
    args, who = COMMANDS[command]
    path = tmp_path / "no such folder" / "out.bin"
    with pytest.raises(CommandError) as refused:
        terminal.run(*args, path, as_=who)
    assert str(refused.value) == f"{path}: cannot write the file (No such file or directory)"
    assert refused.value.returncode == 1  # the terminal's exit code
    assert not path.parent.exists()
    assert not FeeExport.objects.exists()
