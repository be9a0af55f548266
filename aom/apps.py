from django.apps import AppConfig


class AomConfig(AppConfig):
    name = "aom"
    verbose_name = "AOM"

    def ready(self):
        from aom import logins

        logins.connect()
