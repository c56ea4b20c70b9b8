from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from . import checks, patches  # noqa: F401  (registers the checks)

        patches.tolerate_invalid_autocomplete_values()
        patches.tolerate_invalid_action_selection()
        patches.refuse_out_of_range_choices()
        patches.refuse_dates_beyond_the_calendar()
