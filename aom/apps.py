from django.apps import AppConfig


class AomConfig(AppConfig):
    name = "aom"
    verbose_name = "AOM"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from aom import logins
        from aom.middleware import touch_session_on_login

        logins.connect()
        user_logged_in.connect(touch_session_on_login, dispatch_uid="aom.session.touch")
