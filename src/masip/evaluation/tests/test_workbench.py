"""The workbench through the HTTP client: extracts, plans, locks, deviations and runs, per role."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pandas as pd
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from masip.audit.models import AuditEvent
from masip.evaluation import services
from masip.evaluation.models import AnalysisPlan, AnalysisResult, Deviation, Evaluation, Extract, PlanLocked
from masip.people.checks import stored_personal_data

PLAN = {
    "hypothesis": "H5", "title": "Direct interventions and re-offending", "outcome": "Time to re-offence",
    "outcome_definition": "Days at risk (net of custody) from the index date to the first new episode.",
    "population": "Identified perpetrators with an accepted case.", "comparison": "Direct intervention or not.",
    "method": "cox", "covariates": "risk_rank", "alpha": "0.05", "minimum_sample": "20",
    "below_minimum": "Report the counts only.", "subgroups": "stalker_type",
    "parameters": '{"exposure": "direct_intervention"}', "version": "0",
}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module's tests that use it and rolled back at the module's end.
    It stays until then, so the tests that use it come after those that do not."""
    from masip.demo.generator import seed

    with django_db_blocker.unblock(), transaction.atomic():
        seed(scale=0.15, seed_value=5, today=timezone.localdate())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    pass  # each test's own changes are rolled back after it, as ever


@pytest.fixture
def evaluator(client, staff):
    client.force_login(staff["evaluator"])
    return client


def _evaluation(staff, name="Interim evaluation"):
    return services.evaluation_create(name=name, acting_user=staff["evaluator"])


def test_unit_staff_and_the_programme_office_get_no_extract(client, staff, db):
    evaluation = _evaluation(staff)
    for username in ("london-police", "london-manager", "pmo"):
        client.force_login(staff[username])
        url = reverse("evaluation:extract_request", kwargs={"pk": evaluation.pk})
        assert client.post(url, {"purpose": "x", "file_format": "csv", "coarsen": "on"}).status_code == 403
        assert client.get(reverse("evaluation:home")).status_code == 403
    assert not Extract.objects.exists()


def test_a_locked_plan_cannot_change_and_a_deviation_is_recorded(evaluator, staff, db):
    evaluation = _evaluation(staff)
    response = evaluator.post(reverse("evaluation:plan_add", kwargs={"pk": evaluation.pk}), PLAN)
    assert response.status_code == 302
    plan = AnalysisPlan.objects.get()
    assert plan.covariates == ["risk_rank"] and plan.parameters == {"exposure": "direct_intervention"}
    # No result for an unlocked plan.
    with pytest.raises(services.PlanNotLocked):
        services.result_compute(plan=plan, tables={})

    evaluator.post(reverse("evaluation:plan_lock", kwargs={"plan_id": plan.pk}))
    plan.refresh_from_db()
    assert plan.is_locked and len(plan.locked_sha256) == 64
    import hashlib

    assert hashlib.sha256(plan.locked_text.encode()).hexdigest() == plan.locked_sha256
    assert '"minimum_sample":20' in plan.locked_text

    # The edit page refuses; the service refuses; the model refuses.
    edit = evaluator.post(reverse("evaluation:plan_edit", kwargs={"plan_id": plan.pk}), {**PLAN, "alpha": "0.01"})
    assert edit.status_code == 409 and "deviation" in edit.content.decode()
    with pytest.raises(PlanLocked):
        services.plan_update(plan=plan, data={**plan.content(), "alpha": 0.01}, expected_version=plan.version,
                             acting_user=staff["evaluator"])
    plan.alpha = 0.01
    with pytest.raises(PlanLocked):
        plan.save()
    with pytest.raises(PlanLocked):
        AnalysisPlan.objects.get(pk=plan.pk).delete()
    plan.refresh_from_db()
    assert plan.alpha == 0.05

    deviation = evaluator.post(reverse("evaluation:plan_deviate", kwargs={"plan_id": plan.pk}),
                               {"field": "minimum_sample", "now": "10", "reason": "Fewer cases than expected."})
    assert deviation.status_code == 302
    recorded = Deviation.objects.get()
    assert (recorded.was, recorded.now) == (20, 10)
    assert services.effective_plan(plan)["minimum_sample"] == 10
    plan.refresh_from_db()
    assert '"minimum_sample":20' in plan.locked_text  # the locked text is untouched
    page = evaluator.get(reverse("evaluation:plan_detail", kwargs={"plan_id": plan.pk})).content.decode()
    assert plan.locked_sha256 in page and "Fewer cases than expected." in page


def test_a_deviation_without_a_reason_is_refused(evaluator, staff, db):
    evaluation = _evaluation(staff)
    evaluator.post(reverse("evaluation:plan_add", kwargs={"pk": evaluation.pk}), PLAN)
    plan = AnalysisPlan.objects.get()
    services.plan_lock(plan=plan, acting_user=staff["evaluator"])
    response = evaluator.post(reverse("evaluation:plan_deviate", kwargs={"plan_id": plan.pk}),
                              {"field": "alpha", "now": "0.01", "reason": ""})
    assert response.status_code == 200 and "Enter why the plan deviates" in response.content.decode()
    assert not Deviation.objects.exists()


def test_a_run_with_no_locked_plan_is_refused(evaluator, staff, db):
    evaluation = _evaluation(staff)
    extract = Extract.objects.create(evaluation=evaluation, requested_by=staff["evaluator"], purpose="x",
                                     content_sha256="0" * 64, file_sha256="0" * 64, payload=b"")
    response = evaluator.post(reverse("evaluation:run_create", kwargs={"pk": evaluation.pk}), {"extract": extract.pk})
    assert response.status_code == 400 and "No plan is locked yet" in response.content.decode()


def test_another_evaluators_extract_is_not_found(client, staff, db):
    from masip.accounts.models import User
    from masip.partnerships.models import Membership, Partnership, Role

    evaluation = _evaluation(staff)
    extract = Extract.objects.create(evaluation=evaluation, requested_by=staff["evaluator"], purpose="x",
                                     content_sha256="0" * 64, file_sha256="0" * 64, payload=b"")
    colleague = User.objects.create_user(username="second-evaluator", password="x" * 20, is_demo_account=True)
    Membership.objects.create(user=colleague, partnership=Partnership.objects.get(slug="london"), role=Role.EVALUATOR)
    client.force_login(colleague)
    assert client.get(reverse("evaluation:extract_download", kwargs={"extract_id": extract.pk})).status_code == 404
    assert client.get(reverse("evaluation:home")).status_code == 200


def test_the_data_dictionary_comes_from_the_models(evaluator, db):
    page = evaluator.get(reverse("evaluation:dictionary")).content.decode()
    assert "Keyed pseudonym of the person" in page
    assert "s4a=Stalking" in page.replace("&quot;", '"') or "s4a=" in page  # codes from the model's choices
    csv_text = evaluator.get(reverse("evaluation:dictionary") + "?format=csv").content.decode()
    assert csv_text.startswith("table,column,kind,source,meaning,codes")


def test_the_evaluator_home_page_links_to_the_workbench(evaluator, client, staff, db):
    assert reverse("evaluation:home") in evaluator.get("/").content.decode()
    client.force_login(staff["pmo"])
    assert reverse("evaluation:home") not in client.get("/").content.decode()


def test_evaluation_name_must_be_unique(evaluator, staff, db):
    Evaluation.objects.create(name="Taken", created_by=staff["evaluator"])
    response = evaluator.post(reverse("evaluation:home"), {"name": "Taken"})
    assert response.status_code == 200 and "already exists" in response.content.decode()


def test_an_extract_is_a_logged_disclosure_and_holds_no_identifier_or_free_text(evaluator, staff, seeded):
    evaluation = _evaluation(staff)
    url = reverse("evaluation:extract_request", kwargs={"pk": evaluation.pk})
    response = evaluator.post(url, {"purpose": "H3 and H5 interim analysis", "file_format": "csv", "coarsen": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    extract = Extract.objects.get(evaluation=evaluation)
    events = AuditEvent.objects.filter(action="evaluation.extract", operation="disclosure", details__extract=extract.pk)
    assert events.count() == 3  # one per partnership the evaluator works with
    assert {e.reason for e in events} == {"H3 and H5 interim analysis"}
    assert all(e.details["content_sha256"] == extract.content_sha256 for e in events)

    download = evaluator.get(reverse("evaluation:extract_download", kwargs={"extract_id": extract.pk}))
    assert download.status_code == 200
    assert AuditEvent.objects.filter(action="evaluation.extract_download", details__extract=extract.pk).count() == 3
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content))
    names = set(archive.namelist())
    assert {"persons.csv", "referrals.csv", "cases.csv", "incidents.csv", "episodes.csv", "outcomes.csv",
            "assessments.csv", "interventions.csv", "victim_support.csv", "justice_events.csv", "orders.csv",
            "meetings.csv", "actions.csv", "data_dictionary.csv", "manifest.json"} <= names
    tables = {n[:-4]: pd.read_csv(archive.open(n), dtype=str) for n in names if n.endswith(".csv")}
    assert len(tables["persons"]) > 100 and len(tables["incidents"]) > 0

    # Scan every released value against every stored identifier and free-text field.
    released = set()
    for name, table in tables.items():
        if name != "data_dictionary":
            released |= {str(v).casefold() for v in table.to_numpy().ravel() if isinstance(v, str)}
    identifiers = {value.casefold() for _, kind, value in stored_personal_data() if kind != "date of birth"}
    assert identifiers and not released & identifiers
    from masip.monitoring.models import Incident
    from masip.referrals.models import Referral

    free_text = {t.casefold() for t in Referral.objects.values_list("summary", flat=True) if len(t) > 8}
    free_text |= {t.casefold() for t in Incident.objects.values_list("description", flat=True) if len(t) > 8}
    free_text |= {t.casefold() for t in Referral.objects.values_list("reference", flat=True)}
    assert free_text and not released & free_text
    assert not {"full_name", "date_of_birth", "summary", "description", "notes"} & {
        c for t in tables.values() for c in t.columns}
    # Quasi-identifiers: no combination shared by fewer than five people.
    persons = tables["persons"]
    groups = persons.groupby(["area", "age_band", "sex", "stalker_type"], dropna=False).size()
    assert groups.min() >= 5


def test_pseudonyms_are_stable_within_an_evaluation_and_differ_between(evaluator, staff, seeded):
    first = _evaluation(staff, "First")
    second = _evaluation(staff, "Second")

    def persons(evaluation):
        extract = services.extract_create(evaluation=evaluation, purpose="p", file_format="parquet", coarsen=True,
                                          acting_user=staff["evaluator"])
        archive = zipfile.ZipFile(io.BytesIO(bytes(extract.payload)))
        return pd.read_parquet(io.BytesIO(archive.read("persons.parquet")))

    a, again, b = persons(first), persons(first), persons(second)
    assert sorted(a["person"]) == sorted(again["person"])
    assert not set(a["person"]) & set(b["person"])
    assert len(a) == len(b)


def test_the_extract_is_refused_with_a_reason_when_coarsening_is_declined(evaluator, staff, seeded):
    evaluation = _evaluation(staff)
    url = reverse("evaluation:extract_request", kwargs={"pk": evaluation.pk})
    response = evaluator.post(url, {"purpose": "strict", "file_format": "csv"})  # coarsen unticked
    assert response.status_code == 200
    assert "fewer than 5 people" in response.content.decode()
    assert not Extract.objects.filter(evaluation=evaluation).exists()
    assert not AuditEvent.objects.filter(action="evaluation.extract", reason="strict").exists()


def test_a_run_over_an_extract_records_plan_and_data_hashes_and_the_report_traces_them(evaluator, staff, seeded):
    evaluation = _evaluation(staff)
    locked = services.plan_create(evaluation=evaluation, acting_user=staff["evaluator"], data={
        **{k: v for k, v in PLAN.items() if k not in ("version",)}, "covariates": ["risk_rank"], "subgroups": [],
        "alpha": 0.05, "minimum_sample": 20, "parameters": {"exposure": "direct_intervention"}})
    services.plan_lock(plan=locked, acting_user=staff["evaluator"])
    its_month = (timezone.localdate() - timedelta(days=120)).strftime("%Y-%m")
    its = services.plan_create(evaluation=evaluation, acting_user=staff["evaluator"], data={
        "hypothesis": "H1", "title": "Referrals after training", "outcome": "Referrals per month",
        "outcome_definition": "d", "population": "p", "comparison": "c", "method": "its", "covariates": [],
        "alpha": 0.05, "minimum_sample": 6, "below_minimum": "b", "subgroups": [],
        "parameters": {"break_month": its_month, "series": "all"}})
    services.plan_lock(plan=its, acting_user=staff["evaluator"])
    draft = services.plan_create(evaluation=evaluation, acting_user=staff["evaluator"], data={
        **{k: v for k, v in PLAN.items() if k != "version"}, "title": "Draft", "covariates": [], "subgroups": [],
        "alpha": 0.05, "minimum_sample": 20, "parameters": {}})
    extract = services.extract_create(evaluation=evaluation, purpose="run", file_format="csv", coarsen=True,
                                      acting_user=staff["evaluator"])
    response = evaluator.post(reverse("evaluation:run_create", kwargs={"pk": evaluation.pk}), {"extract": extract.pk})
    assert response.status_code == 302
    results = AnalysisResult.objects.filter(run__evaluation=evaluation).select_related("plan")
    assert {r.plan_id for r in results} == {locked.pk, its.pk}  # the draft is not run
    assert draft.pk not in {r.plan_id for r in results}
    for result in results:
        assert result.plan_sha256 == result.plan.locked_sha256
        assert result.extract_sha256 == extract.content_sha256
        assert result.code_version
    its_result = results.get(plan=its)
    assert its_result.status == "computed", its_result.message
    assert its_result.ci_low <= its_result.estimate <= its_result.ci_high
    assert its_result.p_holm >= its_result.p_value
    page = evaluator.get(response["Location"]).content.decode()
    assert its.locked_sha256 in page and locked.locked_sha256 in page and extract.content_sha256 in page
    assert "<svg" in page and "no true counterfactual" in page


def test_the_demo_gives_the_evaluator_locked_plans_with_results(evaluator, seeded):
    from masip.evaluation.demo import DEMO_EVALUATION

    evaluation = Evaluation.objects.get(name=DEMO_EVALUATION)
    assert evaluation.plans.filter(locked_at__isnull=False).count() == 3
    run = evaluation.runs.get()
    results = {r.plan.hypothesis: r for r in run.results.select_related("plan")}
    assert set(results) == {"H1", "H3", "H5"}
    assert results["H1"].status == "computed", results["H1"].message
    page = evaluator.get(reverse("evaluation:run_detail", kwargs={"run_id": run.pk})).content.decode()
    assert results["H1"].plan_sha256 in page
