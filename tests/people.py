"""Staff accounts with exactly the permissions of a real role: the groups kept by ``review/roles.py``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from review.roles import role_permissions

PASSWORD = "correct horse battery staple"


def member_of(group_name, username=None):
    """A staff user in the group ``group_name`` ("Editors", "Reviewers", "Medical reviewers") and nothing else."""
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


def medical_reviewer(username="clinician", name="Dana Okafor", **profile):
    """
    A member of "Medical reviewers" linked to the published profile readers are shown: a clinician on the
    expert board, with credentials. ``profile`` overrides the profile's fields (e.g. ``on_expert_board=False``).
    """
    from django.utils.text import slugify

    from tests.factories import ContributorFactory

    user = member_of("Medical reviewers", username)
    values = {"credentials": "MD", "is_writer": False, "is_medical_reviewer": True, "on_expert_board": True}
    ContributorFactory(name=name, slug=slugify(name), user=user, **{**values, **profile})
    return user


def superuser(username="chief"):
    return get_user_model().objects.create_superuser(username, password=PASSWORD)
