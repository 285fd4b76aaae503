from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masip.accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from masip.accounts import lockout
        from masip.audit.registry import register_lock_lookup

        user_locked_out.connect(lockout.on_locked_out, dispatch_uid="masip.accounts.lockout")
        user_logged_in.connect(lockout.on_signed_in, dispatch_uid="masip.accounts.signed_in")
        register_lock_lookup(lockout.locked_usernames)  # locked accounts on audit's staff page
