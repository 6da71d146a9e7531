"""§1 One owner: once a case is handed over to legal or an agency, its desk tasks are theirs.

`role_for_case` is the role that acts on a case's desk tasks (follow-ups of broken promises
and defaulted plans, excuse follow-ups, condition checks ...): the collector's until a
hand-over, then legal's or the agency's. A task that belongs to a role by its nature (a dispute
escalated to the credit managers) keeps that role. This module reads only models, so the desk's
shared helpers can use it without an import cycle.
"""

from __future__ import annotations

from arrears.apps.cases.models import Case
from arrears.apps.negotiation.models import Handover, HandoverTarget
from arrears.domain.ladder import Role

_ROLES = {HandoverTarget.LEGAL: Role.LEGAL, HandoverTarget.AGENCY: Role.AGENCY}


def handover_role(target: HandoverTarget | str) -> Role:
    """The role that owns a case handed over to `target`."""
    return _ROLES[HandoverTarget(target)]


def role_for_case(case: Case) -> Role:
    """Who acts on the case's desk tasks now: the role of its latest hand-over, else the
    collector's."""
    last = (
        Handover.objects.filter(case=case).order_by("-on", "-pk").values_list("to", flat=True)
    ).first()
    return Role.COLLECTOR if last is None else handover_role(last)
