"""Staff accounts with exactly the permissions of a real role: the groups kept by ``review/roles.py``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from review.roles import role_permissions

PASSWORD = "correct horse battery staple"


def member_of(group_name, username=None):
    """A staff user in the group ``group_name`` ("Editors" or "Reviewers") and nothing else."""
    user = get_user_model().objects.create_user(
        username or group_name.lower().rstrip("s"), password=PASSWORD, is_staff=True
    )
    user.groups.add(_group(group_name))
    return user


def _group(name):
    group, created = Group.objects.get_or_create(name=name)
    if created:  # a transactional test emptied the tables the data migration had filled
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in role_permissions()[name]
        )
    return group


def superuser(username="chief"):
    return get_user_model().objects.create_superuser(username, password=PASSWORD)
