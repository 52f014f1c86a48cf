from django.db import migrations

from xinan.org.guards import install


class Migration(migrations.Migration):
    """Re-installs the 三员 triggers so PostgreSQL reports them as integrity errors."""

    dependencies = [("org", "0002_triad_guards")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
