"""Staff accounts with exactly the permissions of a real role: the groups created from ``articles/roles.py``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct horse battery staple"


def member_of(group_name, username=None):
    """A staff user in the group ``group_name`` ("Editors" or "Reviewers") and nothing else."""
    user = get_user_model().objects.create_user(
        username or group_name.lower().rstrip("s"), password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def superuser(username="chief"):
    return get_user_model().objects.create_superuser(username, password=PASSWORD)
