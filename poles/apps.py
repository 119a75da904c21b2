from django.apps import AppConfig


class PolesConfig(AppConfig):
    name = "poles"
    verbose_name = "annuaire des PTCE"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from poles import db_functions, signals

        db_functions.register()
        signals.connect()
