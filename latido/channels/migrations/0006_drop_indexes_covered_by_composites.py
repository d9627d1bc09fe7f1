"""Drop the mailbox index of received mail: rawemail_unique_delivery starts with the column."""

import django.db.models.deletion
from django.db import migrations, models


# (index, table, column): Django's own index of each foreign key. Only the index is dropped
# (the state change alone would drop and re-add, so re-check, each foreign-key constraint).
INDEXES = [
    ("latido_channels_rawemail_mailbox_id_968a6a8a", "latido_channels_rawemail", "mailbox_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('latido_channels', '0005_mailbox_oauth_token'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.AlterField(
            model_name='rawemail',
            name='mailbox',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='raw_emails', to='latido_channels.mailbox'),
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
