from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "masip.referrals"

    def ready(self) -> None:
        from masip.referrals import party_records

        party_records.register()  # a person's referrals, for subject access (people/records.py)
