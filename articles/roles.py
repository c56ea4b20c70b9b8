"""
The two staff roles and exactly what each may do. The data migration that creates the
groups and the README's permission matrix both come from here. After changing a role,
add a migration that calls :func:`sync_groups` again.
"""

CONTENT_MODELS = {
    "articles": ["condition", "contributor", "product", "productapproval", "productsideeffect", "sideeffect"],
    "references": ["source", "sourceauthor"],
    "pages": ["page"],
}
READER_FEEDBACK = {"feedback": ["feedback"]}
ARTICLE_PARTS = {"articles": ["article", "articlesideeffect"], "references": ["citation"]}
RECORDS = {"articles": ["articleevent", "factcheck"]}


def _model_perms(models, actions):
    return {(app, f"{action}_{model}") for app, names in models.items() for model in names for action in actions}


EDITOR_PERMISSIONS = (
    _model_perms(CONTENT_MODELS, ["add", "change", "delete", "view"])
    | _model_perms(ARTICLE_PARTS, ["add", "change", "delete", "view"])
    | _model_perms(RECORDS, ["view"])
    | _model_perms(READER_FEEDBACK, ["view", "change"])
    | {("articles", "submit_article")}
)

REVIEWER_PERMISSIONS = (
    _model_perms(CONTENT_MODELS, ["view"])
    | _model_perms(ARTICLE_PARTS, ["view"])
    | _model_perms(RECORDS, ["view"])
    | _model_perms(READER_FEEDBACK, ["view", "change"])
    | {("articles", "review_article"), ("articles", "fact_check_article"), ("articles", "publish_article")}
)

GROUPS = {"Editors": EDITOR_PERMISSIONS, "Reviewers": REVIEWER_PERMISSIONS}


def sync_groups(apps):
    """Create the groups and give each exactly its permissions (run from a data migration)."""
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in sorted(wanted)
        ]
        group.permissions.set(permissions)
