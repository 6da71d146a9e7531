"""The people `bench_desk_load` lets loose on the desk (locust): each signs in through the
sign-in form as one of the bench's collectors (a session of their own), then opens, in turn
and without pause, their worklist and one of their cases; one of them is instead the plan's
credit manager (`manager`, when the approvals page is loaded), who opens the approvals page
without pause. Pages are grouped by name, so a case page's percentiles are over every case;
the figures count from the moment the last person has signed in.
Run by `bench_desk_load`, which writes the plan it reads (`ARREARS_DESK_LOAD_PLAN`)."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from typing import Any

import gevent
from locust import HttpUser, task

PLAN: dict[str, Any] = json.loads(open(os.environ["ARREARS_DESK_LOAD_PLAN"]).read())  # noqa: SIM115
PEOPLE = itertools.cycle(sorted(PLAN["cases"]))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGNED_IN: list[str] = []
THINK = float(os.environ.get("ARREARS_DESK_THINK", "0"))
MANAGER_TAKEN: list[str] = []


class Collector(HttpUser):
    # ARREARS_DESK_THINK seconds (0: a page, then the next, without pause): a person reads a
    # page before the next click; each pause is drawn between half and one and a half times it
    wait_time = staticmethod(lambda: THINK * random.uniform(0.5, 1.5))

    def on_start(self) -> None:
        if PLAN.get("manager") and not MANAGER_TAKEN:
            # one user is the credit manager: the approvals page is theirs alone
            MANAGER_TAKEN.append(PLAN["manager"])
            self.username, self.cases, self.pages = PLAN["manager"], [0], ["approvals"]
        else:
            self.username = next(PEOPLE)
            self.cases = PLAN["cases"][self.username] or [0]
            self.pages = [p for p in ("worklist", "case") if p in PLAN["pages"]]
        form = self.client.get("/accounts/login/", name="sign in (form)")
        token = TOKEN.search(form.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )
        SIGNED_IN.append(self.username)
        if len(SIGNED_IN) == self.environment.parsed_options.num_users:
            # every person has a session now: the pages' figures start here (signing in
            # hashes a password, seconds under load, and is not what is measured)
            self.environment.runner.stats.reset_all()
            print(f"all {len(SIGNED_IN)} signed in: counting from here", flush=True)
            runner = self.environment.runner
            gevent.spawn_later(PLAN["seconds"], runner.quit)

    @task
    def day(self) -> None:
        company = PLAN["company"]
        for page in self.pages:
            if page == "worklist":
                self.client.get(f"/desk/{company}/worklist/", name="worklist")
            elif page == "case":
                case = random.choice(self.cases)  # noqa: S311 (not security)
                self.client.get(f"/desk/{company}/cases/{case}/", name="case page")
            else:
                self.client.get(f"/desk/{company}/approvals/", name="approvals")
