"""`arrears sender set|show` and `arrears limitation set|show` are one shape, made by one
helper (`communications.cli.SetOrShowCommand`): `set ...` and `show`, each taking
`--company`; `show` reads the company's setting for a person who may read the company, `set`
asks the service, which asks who may; both then write the setting in words."""

from __future__ import annotations

import importlib

import pytest
from django.core.management.base import CommandError

from arrears.apps.communications.cli import SetOrShowCommand
from tests import factories, terminal

COMMANDS = ("sender", "limitation")


def command(name: str):
    module = importlib.import_module(f"arrears.apps.communications.management.commands.{name}")
    return module.Command()


@pytest.mark.parametrize("name", COMMANDS)
def test_each_setting_command_is_made_by_the_one_helper(name):
    assert isinstance(command(name), SetOrShowCommand)


@pytest.mark.parametrize("name", COMMANDS)
def test_show_takes_only_the_company_and_set_takes_it_after_its_own_options(name):
    parser = command(name).create_parser("arrears", name)
    verbs = next(a for a in parser._actions if a.dest == "verb").choices
    assert set(verbs) == {"set", "show"}
    show = [a.dest for a in verbs["show"]._actions if a.dest != "help"]
    assert show == ["company"]
    put = [a.dest for a in verbs["set"]._actions if a.dest != "help"]
    assert put[-1] == "company" and len(put) > 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", COMMANDS)
def test_another_companys_person_may_not_see_the_setting(name):
    factories.company("acme")
    globex = factories.company("globex")
    factories.collector("olga", globex)
    with pytest.raises(CommandError):
        terminal.run(name, "show", "--company=acme", as_="olga")
