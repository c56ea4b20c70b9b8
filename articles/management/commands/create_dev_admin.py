from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"


class Command(BaseCommand):
    help = "Create a local superuser admin/admin for development. Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("create_dev_admin is for local development only (DJANGO_DEBUG is off).")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True, "email": "admin@localhost"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        state = "Created" if created else "Using the existing"
        self.stdout.write(
            f"{state} development admin. Log in at http://127.0.0.1:8000/admin/ "
            f"as “{USERNAME}” with password “{PASSWORD}” (local development only)."
        )
