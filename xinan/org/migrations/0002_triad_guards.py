from django.db import migrations

from xinan.org.guards import install


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
