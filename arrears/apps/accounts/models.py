"""People and what they may do: memberships in companies, access tokens, the audit trail.

A person (Django's user) belongs to companies through memberships, one role in each; the rules
on what a role may do are `arrears.domain.access`. Companies are referred to by the ledger's
model name only: accounts sits at the bottom of the line of apps and imports none of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from arrears.domain.access import PersonRole


class AuditEvent(models.Model):
    """One change made by a person or a job: who, what, on which object, with what detail."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=64)  # e.g. "import.items", "run.completed"
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class Membership(models.Model):
    """A person's role in one company, and who they report to there (a collector's manager)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    company = models.ForeignKey(
        "ledger.Company", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=[(r.value, r.value) for r in PersonRole])
    reports_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    active = models.BooleanField(default=True)
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "company"], name="one_role_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} in {self.company_id}"


class AccessPolicy(models.Model):
    """A company's access settings: may collectors read cases they do not own?"""

    company = models.OneToOneField(
        "ledger.Company", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    collectors_read_others = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"access of {self.company_id}"


class AccessToken(models.Model):
    """A personal access token for the terminal and the API: shown once, stored hashed."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)  # shown in lists, finds the row
    digest = models.CharField(max_length=64)  # SHA-256 of the whole token
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.prefix} of {self.person_id}"
