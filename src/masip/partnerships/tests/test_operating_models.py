from datetime import date

import pytest
from django.core.exceptions import ValidationError

from masip.partnerships.models import OperatingModel


def test_shipped_partnerships_are_configured_as_the_report_describes(partnerships):
    cheshire = partnerships["cheshire"].operating_model_on()
    hampshire = partnerships["hampshire"].operating_model_on()
    london = partnerships["london"].operating_model_on()
    assert cheshire.co_located and london.co_located and not hampshire.co_located
    assert cheshire.tracking_months_after_closure == 6
    assert cheshire.direct_intervention_areas == ["Warrington", "Halton"]
    assert cheshire.offers_direct_interventions_in("Halton") and not cheshire.offers_direct_interventions_in(
        "Cheshire East"
    )
    assert hampshire.offers_direct_interventions_in("Portsmouth")
    assert {s.cadence for s in london.meeting_series.all()} == {"weekdays", "as_needed"}
    assert {s.cadence for s in hampshire.meeting_series.all()} == {"weekly", "monthly", "fortnightly"}
    assert "S-DASH" in hampshire.referral_screening_tools and "SASH" in london.triage_screening_tools


def test_a_new_version_takes_effect_from_its_date(london):
    current = london.operating_model_on()
    later = OperatingModel.objects.create(
        partnership=london,
        version=2,
        effective_from=date(2030, 1, 1),
        first_screen="x",
        co_located=True,
        triage_roles=["unit_manager"],
    )
    assert london.operating_model_on(date(2029, 12, 31)) == current
    assert london.operating_model_on(date(2030, 1, 2)) == later


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("triage_roles", ["wizard"], "Enter a list of role codes"),
        ("triage_agency_kinds", ["army"], "Enter a list of agency kinds"),
        ("direct_intervention_areas", ["Atlantis"], "Not areas of London: Atlantis"),
        ("referral_screening_tools", "DASH", "Enter a list of names"),
    ],
)
def test_bad_configuration_is_refused(london, field, value, message):
    model = london.operating_model_on()
    setattr(model, field, value)
    with pytest.raises(ValidationError) as raised:
        model.full_clean()
    assert message in str(raised.value)


def test_admin_shows_a_unit_manager_only_their_partnership(client, staff, partnerships):
    client.force_login(staff["cheshire-manager"])
    html = client.get("/admin/partnerships/operatingmodel/").content.decode()
    assert ">Cheshire<" in html and "London" not in html
    london_model = partnerships["london"].operating_model_on()
    assert client.get(f"/admin/partnerships/operatingmodel/{london_model.pk}/change/").status_code == 404
    cheshire_model = partnerships["cheshire"].operating_model_on()
    assert client.get(f"/admin/partnerships/operatingmodel/{cheshire_model.pk}/change/").status_code == 200


def test_practitioners_cannot_use_the_admin(client, staff, partnerships):
    client.force_login(staff["london-police"])
    assert client.get("/admin/").status_code == 302


def test_a_bad_agenda_rule_is_refused_in_the_admin(london):
    series = london.operating_model_on().meeting_series.first()
    series.agenda_rule = {"triggers": "sometimes", "unknown_key": 1}
    with pytest.raises(ValidationError) as raised:
        series.full_clean()
    assert "agenda_rule" in raised.value.message_dict


def test_instruments_in_the_operating_model_must_exist(london):
    model = london.operating_model_on()
    model.case_instruments = ["srp", "crystal_ball"]
    model.required_before_acceptance = ["dash"]
    model.referral_instruments = ["sash"]
    with pytest.raises(ValidationError) as raised:
        model.full_clean()
    assert "Enter a list of instrument codes" in str(raised.value.message_dict["case_instruments"])
    assert "must be offered on referrals" in str(raised.value.message_dict["required_before_acceptance"])
