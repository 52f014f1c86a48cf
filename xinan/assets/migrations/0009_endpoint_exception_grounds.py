from django.db import migrations, models


class Migration(migrations.Migration):
    """The exception's 事由 is ``grounds``: ``reason`` is the audit reason every service takes."""

    dependencies = [
        ('assets', '0008_purchase_amounts_in_yuan'),
    ]

    operations = [
        migrations.RenameField(model_name='endpointexception', old_name='reason', new_name='grounds'),
        migrations.AlterField(
            model_name='endpointexception',
            name='grounds',
            field=models.TextField(help_text='加班、使用 USB 存储或接入外设的事由',
                                   verbose_name='事由'),
        ),
    ]
