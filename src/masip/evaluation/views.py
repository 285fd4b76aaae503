"""Pages of the evaluation workbench: thin views over the services and selectors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from masip.access.policy import Action, requires
from masip.core.documents import attachment
from masip.core.forms import add_service_errors
from masip.core.spreadsheets import csv_text

from . import report, selectors, services
from .extract import data_dictionary
from .forms import DeviationForm, EvaluationForm, ExtractForm, PlanForm
from .models import ExtractFormat


def _nav(request):
    request.nav = "evaluation"
    request.audit_not_personal = True  # pseudonymised and aggregate data only


@requires(Action.EVALUATION_WORKBENCH)
def home(request):
    _nav(request)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(name=form.cleaned_data["name"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evaluation:detail", pk=evaluation.pk)
    return render(request, "evaluation/home.html", {"evaluations": selectors.evaluations(), "form": form})


@requires(Action.EVALUATION_WORKBENCH)
def detail(request, pk):
    _nav(request)
    evaluation = selectors.evaluation(pk)
    return render(request, "evaluation/detail.html", {
        "evaluation": evaluation,
        "plans": selectors.plans_of(evaluation),
        "extracts": selectors.extracts_of(request.user, evaluation),
        "runs": selectors.runs_of(evaluation),
    })


@requires(Action.EVALUATION_WORKBENCH)
def plan_add(request, pk):
    _nav(request)
    evaluation = selectors.evaluation(pk)
    form = PlanForm(request.POST or None, initial={"alpha": 0.05})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(evaluation=evaluation, data=form.plan_data(), acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evaluation:plan_detail", plan_id=plan.pk)
    return render(request, "evaluation/plan_form.html", {"evaluation": evaluation, "form": form, "plan": None})


@requires(Action.EVALUATION_WORKBENCH)
def plan_detail(request, plan_id):
    _nav(request)
    plan = selectors.plan(plan_id)
    return render(request, "evaluation/plan_detail.html", {
        "plan": plan, "deviations": selectors.plan_deviations(plan), "results": selectors.plan_results(plan),
    })


@requires(Action.EVALUATION_WORKBENCH)
def plan_edit(request, plan_id):
    _nav(request)
    plan = selectors.plan(plan_id)
    if plan.is_locked:
        return render(request, "evaluation/plan_locked.html", {"plan": plan}, status=409)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, data=form.plan_data(), expected_version=form.cleaned_data["version"] or 0,
                                 acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evaluation:plan_detail", plan_id=plan.pk)
    return render(request, "evaluation/plan_form.html", {"evaluation": plan.evaluation, "form": form, "plan": plan})


@requires(Action.EVALUATION_WORKBENCH)
@require_POST
def plan_lock(request, plan_id):
    _nav(request)
    plan = selectors.plan(plan_id)
    try:
        services.plan_lock(plan=plan, acting_user=request.user)
    except ValidationError as error:
        return render(request, "evaluation/plan_locked.html", {"plan": plan, "message": error.messages[0]},
                      status=409)
    return redirect("evaluation:plan_detail", plan_id=plan.pk)


@requires(Action.EVALUATION_WORKBENCH)
def plan_deviate(request, plan_id):
    _nav(request)
    plan = selectors.plan(plan_id)
    form = DeviationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_deviate(plan=plan, field=form.cleaned_data["field"], now=form.cleaned_data["now"],
                                  reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evaluation:plan_detail", plan_id=plan.pk)
    return render(request, "evaluation/deviation_form.html", {"plan": plan, "form": form})


@requires(Action.EVALUATION_EXTRACT)
def extract_request(request, pk):
    _nav(request)
    evaluation = selectors.evaluation(pk)
    form = ExtractForm(request.POST or None, initial={"file_format": ExtractFormat.CSV, "coarsen": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.extract_create(
                evaluation=evaluation, purpose=form.cleaned_data["purpose"],
                file_format=form.cleaned_data["file_format"], coarsen=form.cleaned_data["coarsen"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evaluation:detail", pk=evaluation.pk)
    return render(request, "evaluation/extract_form.html", {"evaluation": evaluation, "form": form})


@requires(Action.EVALUATION_EXTRACT)
def extract_download(request, extract_id):
    _nav(request)
    record = selectors.own_extract(request.user, extract_id)
    services.extract_download_logged(extract=record, acting_user=request.user, path=request.get_full_path())
    return attachment(bytes(record.payload), filename=record.filename)


@requires(Action.EVALUATION_WORKBENCH)
def dictionary(request):
    _nav(request)
    rows = data_dictionary()
    if request.GET.get("format") == "csv":
        return attachment(csv_text(rows, list(rows[0])), filename="masip-data-dictionary.csv")
    return render(request, "evaluation/dictionary.html", {"rows": rows})


@requires(Action.EVALUATION_WORKBENCH)
@require_POST
def run_create(request, pk):
    _nav(request)
    evaluation = selectors.evaluation(pk)
    try:
        extract = selectors.own_extract(request.user, int(request.POST.get("extract", "0") or 0))
        run = services.analysis_run(evaluation=evaluation, extract=extract, acting_user=request.user)
    except (ValueError, ValidationError) as error:
        messages = error.messages if isinstance(error, ValidationError) else ["Select an extract"]
        return render(request, "evaluation/detail.html", {
            "evaluation": evaluation, "plans": selectors.plans_of(evaluation),
            "extracts": selectors.extracts_of(request.user, evaluation),
            "runs": selectors.runs_of(evaluation), "run_error": messages[0],
        }, status=400)
    return redirect("evaluation:run_detail", run_id=run.pk)


@requires(Action.EVALUATION_WORKBENCH)
def run_detail(request, run_id):
    _nav(request)
    run = selectors.run(run_id)
    return render(request, "evaluation/run_detail.html", report.context(run, selectors.results_of(run)))
