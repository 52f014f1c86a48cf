# The burn record's digest is a checksum of the footage, not a secret: named so, a data bundle
# dumps it like any other field (fields called "digest" are treated as secrets and left out).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0013_classified_systems'),
    ]

    operations = [
        migrations.RenameField(model_name='footagearchive', old_name='digest', new_name='checksum'),
    ]
