from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Typo-tolerant search on PostgreSQL. The operation does nothing on other databases."""

    dependencies = []

    operations = [TrigramExtension()]
