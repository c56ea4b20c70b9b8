"""
The staff roles and exactly what each may do, derived from the reviewed models' declarations:
a new reviewed model is covered by every role without touching this file. Groups are brought in
line after every ``migrate`` (a post_migrate handler), and the README's permission table says the same.

- Editors write: they add, change and delete every reviewed model and the parts it declares (citations,
  approvals, authors…), submit and withdraw, and see every record, event and fact-check.
- Reviewers check: they see everything, send back, fact-check and publish, and edit nothing.
- Medical reviewers are clinicians of the expert board: they see everything, send back, and mark as
  medically reviewed the kinds that offer a medical review (see ``Reviewed.medical_review``); they
  neither edit nor publish.
Both handle readers' feedback. Linking a login to a contributor profile is for superusers only.
"""

from .content import child_models, reviewed_models
from .models import MedicalReview

READER_FEEDBACK = [("feedback", "feedback")]
RECORDS = [("review", "reviewevent"), ("review", "factcheck")]


def _perms(models, actions):
    return {(app, f"{action}_{name}") for app, name in models for action in actions}


def role_permissions():
    """``{group name: {(app_label, codename), ...}}`` for the current code."""
    content = set()
    workflow_models = set()
    medical_models = set()
    for model in reviewed_models():
        workflow_models.add((model._meta.app_label, model._meta.model_name))
        rules = {model.medical_review, *model.medical_review_by_kind.values()}
        if rules != {MedicalReview.NOT_OFFERED}:
            medical_models.add((model._meta.app_label, model._meta.model_name))
        for part in [model, *child_models(model)]:
            content.add((part._meta.app_label, part._meta.model_name))
    editors = (
        _perms(content, ["add", "change", "delete", "view"])
        | _perms(RECORDS, ["view"])
        | _perms(READER_FEEDBACK, ["view", "change"])
        | _perms(workflow_models, ["submit"])
    )
    reviewers = (
        _perms(content, ["view"])
        | _perms(RECORDS, ["view"])
        | _perms(READER_FEEDBACK, ["view", "change"])
        | _perms(workflow_models, ["review", "fact_check", "publish"])
    )
    medical_reviewers = (
        _perms(content, ["view"]) | _perms(RECORDS, ["view"]) | _perms(medical_models, ["review", "medically_review"])
    )
    return {"Editors": editors, "Reviewers": reviewers, "Medical reviewers": medical_reviewers}


def sync_groups(sender=None, using="default", **kwargs):
    """Create the groups and give each exactly its permissions (after every migrate)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    for name, wanted in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = [
            Permission.objects.using(using).get(content_type__app_label=app, codename=codename)
            for app, codename in sorted(wanted)
        ]
        group.permissions.set(permissions)
