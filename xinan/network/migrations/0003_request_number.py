from django.db import migrations, models


def number_existing(apps, schema_editor):
    """Requests made before numbering get NR-<id> (a plain update: migrations precede the audit)."""
    Request = apps.get_model("network", "NetworkAccessRequest")
    for pk in Request.objects.filter(number="").values_list("pk", flat=True):
        Request.objects.filter(pk=pk).update(number=f"NR-{pk:06d}")


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0002_open_subnet_prefix_unique'),
    ]

    operations = [
        migrations.AddField(
            model_name='networkaccessrequest',
            name='number',
            field=models.CharField(blank=True, default='', max_length=32, verbose_name='申请编号'),
            preserve_default=False,
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='networkaccessrequest',
            name='number',
            field=models.CharField(blank=True, help_text='留空则自动编号,如 NR202501-0001', max_length=32, unique=True, verbose_name='申请编号'),
        ),
    ]
