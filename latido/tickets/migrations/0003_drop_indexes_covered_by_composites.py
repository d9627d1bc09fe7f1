"""Drop the single-column foreign-key indexes that a composite index already starts with."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# (index, table, column): Django's own index of each foreign key. Only the index is dropped
# (the state change alone would drop and re-add, so re-check, each foreign-key constraint).
INDEXES = [
    ("tickets_message_ticket_id_a1134910", "tickets_message", "ticket_id"),
    ("tickets_ticket_assignee_id_3a5aa407", "tickets_ticket", "assignee_id"),
    ("tickets_ticket_organization_id_7128da48", "tickets_ticket", "organization_id"),
    ("tickets_ticket_queue_id_0d3cb9ef", "tickets_ticket", "queue_id"),
    ("tickets_ticket_requester_id_2072a2f2", "tickets_ticket", "requester_id"),
    ("tickets_ticket_team_id_5a4e7469", "tickets_ticket", "team_id"),
    ("tickets_ticketevent_ticket_id_b572d14b", "tickets_ticketevent", "ticket_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_queue_name_optional'),
        ('customers', '0002_contact_merge'),
        ('tickets', '0002_event_types_channels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.AlterField(
            model_name='message',
            name='ticket',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='tickets.ticket'),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='assignee',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_tickets', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='organization',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tickets', to='customers.organization'),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='queue',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tickets', to='accounts.queue'),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='requester',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='customers.contact'),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='team',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tickets', to='accounts.team'),
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='ticket',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='tickets.ticket'),
        ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name, _table, _column in INDEXES],
                    reverse_sql=[f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                                 for name, table, column in INDEXES],
                ),
            ],
        ),
    ]
