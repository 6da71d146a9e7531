"""Actions have a life (states, outcomes, who and when), and a case's next action is typed.

`Case.next_action` was a string ("step:reminder", "review:call", "do:promise_follow_up"); it is
parsed once here into `next_action_kind`, `_step_code`, `_channel` and `_role` (the next run
rewrites them anyway). Open letters and emails become queued messages; actions still open on
a closed case are cancelled as `case_closed`, on the day the case closed. Every update is one
statement over the table, whatever its size.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Case as When_, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, Substr


def _step_of(apps, code_field):
    """The company's ladder step that a case names (its strategy, the code in `code_field`)."""
    StrategyStep = apps.get_model("cases", "StrategyStep")
    return StrategyStep.objects.filter(
        strategy__company=OuterRef("company"),
        strategy__code=OuterRef("strategy_code"),
        code=OuterRef(code_field),
    )


def forward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Action = apps.get_model("cases", "Action")
    cases = Case.objects.all()
    # step:CODE -- the next ladder step, with its channel and role from the ladder
    cases.filter(next_action__startswith="step:").update(
        next_action_kind="step", next_action_step_code=Substr("next_action", 6)
    )
    nxt = _step_of(apps, "next_action_step_code")
    cases.filter(next_action_kind="step").update(
        next_action_channel=Coalesce(Subquery(nxt.values("channel")[:1]), Value("")),
        next_action_role=Coalesce(Subquery(nxt.values("role")[:1]), Value("")),
    )
    # review:CODE -- a review of the current step, a task for the step's role
    here = _step_of(apps, "step_code")
    cases.filter(next_action__startswith="review:").update(
        next_action_kind="review",
        next_action_step_code="review",
        next_action_channel="task",
        next_action_role=Coalesce(Subquery(here.values("role")[:1]), Value("collector")),
    )
    # do:CODE -- the open call or task itself
    cases.filter(next_action__startswith="do:").update(next_action_step_code=Substr("next_action", 4))
    action = Action.objects.filter(
        case=OuterRef("pk"),
        step_code=OuterRef("next_action_step_code"),
        due_on=OuterRef("next_action_on"),
    ).order_by("id")
    cases.filter(next_action__startswith="do:").update(
        next_action_channel=Coalesce(Subquery(action.values("channel")[:1]), Value("task")),
        next_action_role=Coalesce(Subquery(action.values("role")[:1]), Value("collector")),
    )
    cases.filter(next_action__startswith="do:").update(
        next_action_kind=When_(When(next_action_channel="phone", then=Value("call")), default=Value("task"))
    )
    Action.objects.filter(status="open", channel__in=["letter", "email"]).update(status="queued")
    closed_on = Case.objects.filter(pk=OuterRef("case_id")).values("closed_on")[:1]
    Action.objects.filter(status__in=["open", "queued"], case__status="closed").update(
        status="cancelled", cancelled_reason="case_closed", cancelled_on=Subquery(closed_on)
    )
    _settle(schema_editor)


def _settle(schema_editor):
    """PostgreSQL: check the deferred constraints now, so the same transaction may go on to
    alter the tables these updates touched ("pending trigger events")."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def backward(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Action = apps.get_model("cases", "Action")
    cases = Case.objects.all()
    cases.filter(next_action_kind="step").update(
        next_action=Concat(Value("step:"), "next_action_step_code")
    )
    cases.filter(next_action_kind="review").update(
        next_action=Concat(
            Value("review:"),
            When_(When(step_code="", then=Value("none")), default="step_code"),
        )
    )
    cases.filter(next_action_kind__in=["call", "task"]).update(
        next_action=Concat(Value("do:"), "next_action_step_code")
    )
    Action.objects.filter(status="queued").update(status="open")
    _settle(schema_editor)



class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_agency_role'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='action',
            name='cancelled_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='action',
            name='cancelled_reason',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='action',
            name='done_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='action',
            name='done_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='action',
            name='note',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='action',
            name='outcome',
            field=models.CharField(blank=True, choices=[('reached', 'reached'), ('no_answer', 'no_answer'), ('left_message', 'left_message'), ('wrong_number', 'wrong_number'), ('promised', 'promised'), ('refused', 'refused'), ('disputed', 'disputed'), ('done', 'done')], max_length=16),
        ),
        migrations.AddField(
            model_name='case',
            name='next_action_channel',
            field=models.CharField(blank=True, choices=[('letter', 'letter'), ('email', 'email'), ('phone', 'phone'), ('task', 'task')], max_length=16),
        ),
        migrations.AddField(
            model_name='case',
            name='next_action_kind',
            field=models.CharField(blank=True, choices=[('step', 'step'), ('review', 'review'), ('call', 'call'), ('task', 'task')], max_length=8),
        ),
        migrations.AddField(
            model_name='case',
            name='next_action_role',
            field=models.CharField(blank=True, choices=[('collector', 'collector'), ('credit_manager', 'credit_manager'), ('legal', 'legal'), ('agency', 'agency')], max_length=16),
        ),
        migrations.AddField(
            model_name='case',
            name='next_action_step_code',
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name='action',
            name='status',
            field=models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('queued', 'Queued'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='open', max_length=16),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='kind',
            field=models.CharField(choices=[('opened', 'Opened'), ('step', 'Step'), ('closed', 'Closed'), ('reopened', 'Reopened'), ('promise', 'Promise'), ('negotiation', 'Negotiation'), ('plan', 'Plan'), ('dispute', 'Dispute'), ('excuse', 'Excuse'), ('approval', 'Approval'), ('write_off', 'Write Off'), ('handover', 'Handover'), ('action', 'Action')], max_length=16),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(
            model_name='case',
            name='next_action',
        ),
        migrations.RemoveConstraint(
            model_name='action',
            name='one_action_per_step_and_day',
        ),
        migrations.AddConstraint(
            model_name='action',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['open', 'queued'])), fields=('case', 'step_code', 'due_on'), name='one_pending_action_per_step_and_day'),
        ),
    ]
