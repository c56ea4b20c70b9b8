from django.db import migrations


def create_groups(apps, schema_editor):
    """The groups are now kept in line after every migrate by review.roles.sync_groups."""
    apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
    apps.get_model("auth", "Group").objects.get_or_create(name="Reviewers")


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow"),
        ("references", "0002_content_rules"),
        ("pages", "0001_initial"),
        ("feedback", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
