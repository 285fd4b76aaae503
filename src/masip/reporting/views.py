"""Pages of programme reporting: thin views over reporting.services and reporting.selectors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masip.access import policy
from masip.access.policy import Action, requires
from masip.cases.models import RiskRank, StalkerType, TriggerKind
from masip.cases.selectors import casework_staff
from masip.core.forms import add_service_errors
from masip.core.pagination import Paginator
from masip.interventions.models import Engagement
from masip.justice.models import EventKind
from masip.partnerships.models import AgencyKind
from masip.partnerships.selectors import partner_agencies
from masip.referrals.choices import ReferralStatus
from masip.reporting import dashboard as measures
from masip.reporting import exports, selectors, services
from masip.reporting import figures as fig
from masip.reporting.forms import (
    CaseloadDayForm,
    CollectionForm,
    ConsultancyCorrectForm,
    ConsultancyForm,
    FileReturnForm,
    HoldingEditForm,
    HoldingForm,
    PostEditForm,
    PostForm,
    TrainingCorrectForm,
    TrainingForm,
)
from masip.reporting.periods import Quarter, past_quarters

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(request, *, form, heading, partnership, cancel, save, success, done, intro=""):
    """Validate, save through a service, redirect; a service's refusal goes on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(done)
    request.partnership = partnership
    return render(
        request, "reporting/form.html",
        {"form": form, "heading": heading, "partnership": partnership, "cancel": cancel, "intro": intro},
    )


# -- training and consultancy ----------------------------------------------------------------


@requires(Action.REPORTING_RECORD)
def training_list(request, slug: str):
    partnership = selectors.unit_partnership(request.user, slug)
    request.partnership, request.nav = partnership, "reporting"
    return render(request, "reporting/training_list.html", {
        "partnership": partnership, "page": _page(request, selectors.training_events(partnership)),
        "manages": policy.manages(request.user, partnership),
    })


@requires(Action.REPORTING_RECORD)
def training_add(request, slug: str):
    partnership = selectors.unit_partnership(request.user, slug)
    form = TrainingForm(request.POST or None, initial={"held_on": timezone.localdate(), "direction": "outward"})

    def save(form):
        services.training_record(
            partnership=partnership, data=services.TrainingInput(**form.training_data()), acting_user=request.user
        )

    url = reverse("reporting:training_list", args=[slug])
    return _form_page(request, form=form, heading="Record training", partnership=partnership, cancel=url,
                      save=save, success="Training recorded", done=url)


def _training_initial(event) -> dict:
    return {
        "direction": event.direction, "held_on": event.held_on, "topic": event.topic, "trainer": event.trainer,
        "place": event.place, "audience_kinds": event.audience_kinds, "number_trained": event.number_trained,
        "number_is_lower_bound": event.number_is_lower_bound, "notes": event.notes, "version": event.version,
    }


@requires(Action.REPORTING_MANAGE)
def training_correct(request, pk: int):
    event = selectors.training_for_correction(request.user, pk)
    form = TrainingCorrectForm(request.POST or None, initial=_training_initial(event))

    def save(form):
        services.training_correct(
            event=event, data=services.TrainingInput(**form.training_data()), reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"], acting_user=request.user,
        )

    url = reverse("reporting:training_list", args=[event.partnership.slug])
    return _form_page(request, form=form, heading="Correct a training record", partnership=event.partnership,
                      cancel=url, save=save, success="Training record corrected", done=url)


@requires(Action.REPORTING_RECORD)
def consultancy_list(request, slug: str):
    partnership = selectors.unit_partnership(request.user, slug)
    request.partnership, request.nav = partnership, "reporting"
    return render(request, "reporting/consultancy_list.html", {
        "partnership": partnership, "page": _page(request, selectors.consultancy(partnership)),
        "manages": policy.manages(request.user, partnership),
    })


@requires(Action.REPORTING_RECORD)
def consultancy_add(request, slug: str):
    partnership = selectors.unit_partnership(request.user, slug)
    form = ConsultancyForm(request.POST or None, initial={"given_on": timezone.localdate()})

    def save(form):
        services.consultancy_record(
            partnership=partnership, data=services.ConsultancyInput(**form.consultancy_data()),
            acting_user=request.user,
        )

    url = reverse("reporting:consultancy_list", args=[slug])
    return _form_page(request, form=form, heading="Record consultancy outside a case", partnership=partnership,
                      cancel=url, save=save, success="Consultancy recorded", done=url)


@requires(Action.REPORTING_MANAGE)
def consultancy_correct(request, pk: int):
    item = selectors.consultancy_for_correction(request.user, pk)
    initial = {"kind": item.kind, "agency_kind": item.agency_kind, "agency_name": item.agency_name,
               "given_on": item.given_on, "notes": item.notes, "version": item.version}
    form = ConsultancyCorrectForm(request.POST or None, initial=initial)

    def save(form):
        services.consultancy_correct(
            item=item, data=services.ConsultancyInput(**form.consultancy_data()), reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"], acting_user=request.user,
        )

    url = reverse("reporting:consultancy_list", args=[item.partnership.slug])
    return _form_page(request, form=form, heading="Correct a consultancy record", partnership=item.partnership,
                      cancel=url, save=save, success="Consultancy record corrected", done=url)


# -- staffing ------------------------------------------------------------------------------


@requires(Action.REPORTING_RECORD)
def staffing(request, slug: str):
    partnership = selectors.unit_partnership(request.user, slug)
    request.partnership, request.nav = partnership, "reporting"
    day_form = CaseloadDayForm(request.GET or None)
    day = day_form.cleaned_data["on"] if request.GET and day_form.is_valid() else timezone.localdate()
    if not request.GET:
        day_form = CaseloadDayForm(initial={"on": day})
    return render(request, "reporting/staffing.html", {
        "partnership": partnership, "posts": list(selectors.posts(partnership)), "day": day, "day_form": day_form,
        "caseload": selectors.caseload(partnership, day), "manages": policy.manages(request.user, partnership),
    })


def _agencies(partnership):
    return partner_agencies(partnership)


@requires(Action.REPORTING_MANAGE)
def post_add(request, slug: str):
    partnership = selectors.managed_partnership(request.user, slug)
    form = PostForm(request.POST or None, agencies=_agencies(partnership),
                    initial={"starts_on": timezone.localdate(), "fte": "1"})

    def save(form):
        services.post_create(partnership=partnership, data=services.PostInput(**form.post_data()),
                             acting_user=request.user)

    url = reverse("reporting:staffing", args=[slug])
    return _form_page(request, form=form, heading="Add a post", partnership=partnership, cancel=url, save=save,
                      success="Post added", done=url)


@requires(Action.REPORTING_MANAGE)
def post_edit(request, pk: int):
    post = selectors.post_for_manager(request.user, pk)
    initial = {"agency": post.agency_id, "role": post.role, "programme_funded": post.programme_funded,
               "fte": post.fte, "starts_on": post.starts_on, "ends_on": post.ends_on, "version": post.version}
    form = PostEditForm(request.POST or None, agencies=_agencies(post.partnership), initial=initial)

    def save(form):
        services.post_update(post=post, data=services.PostInput(**form.post_data()),
                             expected_version=form.cleaned_data["version"], acting_user=request.user)

    url = reverse("reporting:staffing", args=[post.partnership.slug])
    return _form_page(request, form=form, heading=f"Change the post: {post.role}", partnership=post.partnership,
                      cancel=url, save=save, success="Post changed", done=url)


@requires(Action.REPORTING_MANAGE)
def holding_add(request, pk: int):
    post = selectors.post_for_manager(request.user, pk)
    form = HoldingForm(request.POST or None, staff=casework_staff(post.partnership),
                       initial={"starts_on": timezone.localdate()})

    def save(form):
        services.holding_add(post=post, data=services.HoldingInput(**form.holding_data()), acting_user=request.user)

    url = reverse("reporting:staffing", args=[post.partnership.slug])
    return _form_page(request, form=form, heading=f"Someone in the post: {post.role}", partnership=post.partnership,
                      cancel=url, save=save, success="Post holder recorded", done=url)


@requires(Action.REPORTING_MANAGE)
def holding_edit(request, pk: int):
    holding = selectors.holding_for_manager(request.user, pk)
    post = holding.post
    initial = {"user": holding.user_id, "holder_name": holding.holder_name, "starts_on": holding.starts_on,
               "ends_on": holding.ends_on, "version": holding.version}
    form = HoldingEditForm(request.POST or None, staff=casework_staff(post.partnership), initial=initial)

    def save(form):
        services.holding_update(holding=holding, data=services.HoldingInput(**form.holding_data()),
                                expected_version=form.cleaned_data["version"], acting_user=request.user)

    url = reverse("reporting:staffing", args=[post.partnership.slug])
    return _form_page(request, form=form, heading=f"Change who holds the post: {post.role}",
                      partnership=post.partnership, cancel=url, save=save, success="Post holder changed", done=url)


# -- the quarterly return --------------------------------------------------------------------


def _past_quarter(code: str) -> Quarter:
    try:
        quarter = Quarter.parse(code)
    except ValueError as exc:
        raise Http404("No such quarter") from exc
    if not quarter.is_past(timezone.localdate()) or quarter.year < 2000:
        raise Http404("The quarter has not ended")
    return quarter


def _figure_rows(figures: dict, *, published: list[str] | None = None) -> list[dict]:
    """The return's rows; `published` replaces the values with the programme table's (suppressed) texts."""
    rows = []
    for index, code in enumerate(fig.FIGURES):
        f = figures[code] if isinstance(figures[code], dict) else figures[code].as_json()
        rows.append({"code": code, "label": fig.LABELS[code], "definition": fig.DEFINITIONS[code],
                     "shown": published[index] if published else fig.display(f), "note": f.get("note", "")})
    return rows


def _published_row(partnerships, partnership, quarter: Quarter) -> list[str]:
    """A partnership's figures as the programme table publishes them.

    Suppressed together with the other partnerships' figures and the programme's totals, so
    that no one copy of the figures can be combined with another to work out a small number.
    """
    parts, total = _programme_figures(partnerships, quarter)
    table = exports.programme_table(parts, total)
    return next(row[1:] for row in table["rows"] if row[0] == partnership.name)


@requires(Action.REPORTING_MANAGE)
def collection(request, slug: str):
    """Which return figures the partnership collects, and how: a figure not collected is 'not reported'."""
    partnership = selectors.managed_partnership(request.user, slug)
    existing = selectors.collection_bases(partnership)
    initial: dict[str, Any] = {"version": services.collection_version(partnership)}
    for code in fig.FIGURES:
        basis = existing.get(code)
        initial[f"collected_{code}"] = basis.collected if basis else True
        initial[f"note_{code}"] = basis.note if basis else ""
    form = CollectionForm(request.POST or None, labels=fig.LABELS, initial=initial)

    def save(form):
        services.collection_update(partnership=partnership, bases=form.bases(),
                                   expected_version=form.cleaned_data["version"], acting_user=request.user)

    url = reverse("reporting:returns", args=[slug])
    return _form_page(request, form=form, heading="How the return is collected", partnership=partnership,
                      cancel=url, save=save, success="Saved how the return is collected", done=url,
                      intro="A figure the partnership does not collect is shown as 'not reported', never as zero. "
                            "A note says how a figure is counted, for example approximately.")


@requires(Action.RETURN_VIEW)
def returns(request, slug: str):
    partnership = selectors.reporting_partnership(request.user, slug)
    request.partnership, request.nav = partnership, "reporting"
    filed = {(r.year, r.quarter): r for r in selectors.filed_returns(partnership, oldest_first=True)}
    quarters = [{"quarter": q, "filed": filed.get((q.year, q.number))} for q in past_quarters(timezone.localdate(), 8)]
    return render(request, "reporting/returns.html", {
        "partnership": partnership, "quarters": quarters,
        "unit_staff": policy.does_casework_in(request.user, partnership),
        "manages": policy.manages(request.user, partnership),
    })


@requires(Action.RETURN_VIEW)
def return_detail(request, slug: str, quarter: str):
    partnership = selectors.reporting_partnership(request.user, slug)
    period = _past_quarter(quarter)
    request.partnership, request.nav = partnership, "reporting"
    unit_staff = policy.does_casework_in(request.user, partnership)
    computed = fig.as_json(selectors.compute_return(partnership, period))
    filed = selectors.latest_filed(partnership, period)
    published = None if unit_staff else _published_row(selectors.programme_partnerships(request.user), partnership,
                                                       period)
    return render(request, "reporting/return_detail.html", {
        "partnership": partnership, "quarter": period, "unit_staff": unit_staff,
        "rows": _figure_rows(computed, published=published),
        "filed": filed, "filed_rows": _figure_rows(filed.figures, published=published) if filed else None,
        "differences": fig.differences(filed.figures, _rerun(partnership, period)) if filed and unit_staff else [],
        "may_file": policy.manages(request.user, partnership), "file_form": FileReturnForm(),
    })


def _rerun(partnership, quarter: Quarter) -> dict:
    return fig.as_json(selectors.compute_return(partnership, quarter, as_at=selectors.RECORDS_NOW))


@requires(Action.REPORTING_MANAGE)
@require_POST
def return_file(request, slug: str, quarter: str):
    """The first filing stores the figures as they stood at the quarter's end; a revision, the records as now."""
    partnership = selectors.managed_partnership(request.user, slug)
    period = _past_quarter(quarter)
    form = FileReturnForm(request.POST)
    if form.is_valid():
        if selectors.latest_filed(partnership, period) is None:
            figures = fig.as_json(selectors.compute_return(partnership, period))
        else:
            figures = _rerun(partnership, period)
        try:
            filed = services.return_file(
                partnership=partnership, quarter=period, figures=figures, acting_user=request.user,
                for_publication=form.cleaned_data["for_publication"], note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Return for {period} filed (revision {filed.revision})")
    return redirect("reporting:return_detail", slug, period.code)


@requires(Action.REPORTING_RECORD)
def return_records(request, slug: str, quarter: str, figure: str):
    partnership = selectors.unit_partnership(request.user, slug)
    period = _past_quarter(quarter)
    if figure not in fig.FIGURES:
        raise Http404("No such figure")
    request.partnership, request.nav = partnership, "reporting"
    result, records = selectors.figure_records(partnership, period, figure)
    return render(request, "reporting/return_records.html", {
        "partnership": partnership, "quarter": period, "label": fig.LABELS[figure],
        "definition": fig.DEFINITIONS[figure], "shown": fig.display(result.as_json()), "records": records,
        "reported": result.reported,
    })


@requires(Action.RETURN_VIEW)
def return_export(request, slug: str, quarter: str, fmt: str):
    partnership = selectors.reporting_partnership(request.user, slug)
    period = _past_quarter(quarter)
    unit_staff = policy.does_casework_in(request.user, partnership)
    computed = fig.as_json(selectors.compute_return(partnership, period))
    filed = selectors.latest_filed(partnership, period)
    figures = filed.figures if filed else computed
    # Anything leaving the unit - the programme office's copy, or a return marked for publication - is suppressed.
    suppressed = not unit_staff or bool(filed and filed.for_publication)
    published = None
    if suppressed:
        readers = selectors.programme_partnerships(request.user) if not unit_staff else selectors.all_partnerships()
        published = _published_row(readers, partnership, period)
    rows = _figure_rows(figures, published=published)
    title = f"{partnership.name} quarterly return, {period}"
    status = f"Filed (revision {filed.revision}) by {filed.filed_by} on {timezone.localtime(filed.filed_at):%-d %B %Y}" \
        if filed else "Not filed: figures as computed now from the records as they stood at the end of the quarter"
    return exports.respond(
        request, fmt=fmt, title=title, status=status, rows=rows, partnership=partnership,
        filename=f"return-{partnership.slug}-{period.code}", subjects=(filed,) if filed else (),
        suppressed=suppressed,
        recipient="programme office" if not unit_staff else ("publication" if suppressed else "the unit"),
    )


def _programme_figures(partnerships, quarter: Quarter) -> tuple[list, dict]:
    by_partnership = {}
    for partnership in partnerships:
        filed = selectors.latest_filed(partnership, quarter)
        by_partnership[partnership.name] = filed.figures if filed else fig.as_json(
            selectors.compute_return(partnership, quarter)
        )
    return sorted(by_partnership.items()), fig.as_json(fig.programme_return(by_partnership))


@requires(Action.PROGRAMME_VIEW)
def programme_returns(request):
    request.nav = "programme"
    return render(request, "reporting/programme_returns.html", {
        "quarters": past_quarters(timezone.localdate(), 8),
        "partnerships": selectors.programme_partnerships(request.user),
    })


@requires(Action.PROGRAMME_VIEW)
def programme_return(request, quarter: str):
    period = _past_quarter(quarter)
    request.nav = "programme"
    parts, total = _programme_figures(selectors.programme_partnerships(request.user), period)
    table = exports.programme_table(parts, total)
    return render(request, "reporting/programme_return.html", {
        "quarter": period, "table": table, "definitions": [(fig.LABELS[c], fig.DEFINITIONS[c]) for c in fig.FIGURES],
    })


@requires(Action.PROGRAMME_VIEW)
def programme_export(request, quarter: str, fmt: str):
    period = _past_quarter(quarter)
    parts, total = _programme_figures(selectors.programme_partnerships(request.user), period)
    table = exports.programme_table(parts, total)
    return exports.respond_table(
        request, fmt=fmt, title=f"MASIP programme quarterly return, {period}", table=table,
        filename=f"programme-return-{period.code}",
    )


# -- dashboards -----------------------------------------------------------------------------

PERIODS = {"1": "This quarter so far", "2": "The last two quarters", "4": "The last four quarters",
           "8": "The last eight quarters"}


def _period(request: HttpRequest) -> tuple[str, date, date]:
    chosen = request.GET.get("quarters", "4")
    if chosen not in PERIODS:
        chosen = "4"
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    for _ in range(int(chosen) - 1):
        quarter = quarter.previous()
    return chosen, quarter.start, today


def _labels():
    sources = {k: v for k, v in AgencyKind.choices if k not in (AgencyKind.PMO, AgencyKind.EVALUATION)}
    return sources, dict(ReferralStatus.choices), dict(RiskRank.choices)


@requires(Action.REPORTING_MANAGE)
def dashboard(request, slug: str):
    partnership = selectors.managed_partnership(request.user, slug)
    request.partnership, request.nav = partnership, "reporting"
    chosen, start, end = _period(request)
    rows = selectors.dashboard_rows([partnership.pk], start, end)
    sources, outcomes, risks = _labels()
    tables = [
        measures.referrals_by_source(rows["referrals"], start=start, end=end, source_labels=sources),
        measures.triage_outcomes(rows["referrals"], start=start, end=end, outcome_labels=outcomes),
        measures.time_to_triage(rows["triage_times"], start=start, end=end),
        measures.classification_corrections(rows["referrals"], start=start, end=end),
        measures.open_cases_by_risk(rows["cases"], risk_labels=risks),
        measures.open_cases_by_stalker_type(rows["cases"], type_labels=dict(StalkerType.choices)),
        *_casework_tables(selectors.casework_rows([partnership.pk], start, end), start=start, end=end),
        *_reoffending_tables(selectors.reoffending_rows([partnership.pk], start, end)),
    ]
    shown = [t.as_display() for t in tables]
    if request.GET.get("export"):
        return exports.respond_tables(
            request, fmt=request.GET["export"], title=f"{partnership.name} unit dashboard, {start:%-d %b %Y} to "
            f"{end:%-d %b %Y}", tables=shown, partnership=partnership, suppressed=False,
            filename=f"dashboard-{partnership.slug}-{end:%Y-%m-%d}", recipient="the unit",
        )
    charts = [
        {"id": f"chart-data-{i}", "spec": measures.chart(t), "description": measures.chart_description(t)}
        for i, t in enumerate(tables, start=1)
    ]
    return render(request, "reporting/dashboard.html", {
        "partnership": partnership, "tables": list(zip(shown, charts, strict=True)), "periods": PERIODS.items(),
        "chosen": chosen, "start": start, "end": end, "caseload": selectors.caseload(partnership, end),
    })


def _casework_tables(rows: dict, *, start, end) -> list:
    """What the unit did with its cases in the period: actions, meetings, interventions, justice, re-review."""
    today = timezone.localdate()
    return [
        measures.actions_on_time(rows["actions"], start=start, end=end, today=today),
        measures.attendance_by_agency(rows["attendance"], meetings_held=rows["meetings_held"]),
        measures.interventions_by_engagement(rows["interventions"], start=start, end=end,
                                             engagement_labels=dict(Engagement.choices)),
        measures.justice_outcomes(rows["justice"], start=start, end=end, kind_labels=dict(EventKind.choices)),
        measures.orders_decided(rows["orders"], start=start, end=end),
        measures.rereview_backlog(rows["triggers"], today=today, kind_labels=dict(TriggerKind.choices)),
    ]


def _reoffending_tables(rows: list[dict]) -> list:
    gap_days = settings.MASIP_EPISODE_GAP_DAYS
    return [
        measures.reoffending_by_stalker_type(rows, type_labels=dict(StalkerType.choices), gap_days=gap_days),
        measures.reoffending_by_intervention(rows, gap_days=gap_days),
    ]


def _programme_casework_tables(rows: dict, *, names: list[str], quarter) -> list:
    """The partnerships side by side on actions, charges and orders (aggregates, suppressed by the caller)."""
    due = [a for a in rows["actions"] if a["outcome"] in measures.ACTION_OUTCOMES]
    charges = [j for j in rows["justice"] if j["kind"] == "charge"]
    granted = [{**o, "kind": "spo" if o["row"].startswith("spo") else o["row"].split(":")[0]}
               for o in rows["orders"] if o["status"] == "granted"]
    return [
        measures.by_partnership(due, column="outcome", columns=list(measures.ACTION_OUTCOMES), partnerships=names,
                                title=f"Meeting actions that fell due, {quarter.label}", labels=measures.ACTION_OUTCOMES),
        measures.by_partnership(charges, column="offence", columns=list(measures.OFFENCE_COLUMNS), partnerships=names,
                                title=f"Charges by offence, {quarter.label}", labels=measures.OFFENCE_COLUMNS),
        measures.by_partnership(granted, column="kind", columns=["restraining_order", "spo"], partnerships=names,
                                title=f"Protective orders granted, {quarter.label}",
                                labels={"restraining_order": "Restraining orders", "spo": "Stalking Protection Orders"}),
    ]


SOURCE_GROUPS = {
    "police": "Police", "health": "Health", "probation": "Probation and CRC", "crc": "Probation and CRC",
    "victim_advocacy": "Victim services", "idva": "Victim services", "helpline": "Victim services",
}


@requires(Action.PROGRAMME_VIEW)
def programme_dashboard(request):
    """The partnerships side by side for one quarter at a time.

    One quarter, not a span of them: tables over overlapping periods could be subtracted from
    one another to reveal a suppressed cell.
    """

    request.nav = "programme"
    today = timezone.localdate()
    choices = [Quarter.containing(today), *past_quarters(today, 7)]
    quarter = next((q for q in choices if q.code == request.GET.get("quarter")), choices[1])
    start, end = quarter.start, min(quarter.end, today)
    partnerships = selectors.programme_partnerships(request.user)
    names = sorted(p.name for p in partnerships)
    rows = selectors.dashboard_rows([p.pk for p in partnerships], start, end)
    _, outcomes, risks = _labels()
    case_rows = [{**c, "risk": risks.get(c["risk_rank"], "")} for c in rows["cases"]]
    # Sources in a few groups: the fewer the columns, the fewer cells suppression must withhold.
    referral_rows = [{**r, "source_group": SOURCE_GROUPS.get(r["source"], "Other")} for r in rows["referrals"]]
    groups = list(dict.fromkeys([*SOURCE_GROUPS.values(), "Other"]))
    tables = [
        measures.by_partnership(referral_rows, column="source_group", columns=groups, partnerships=names,
                                title=f"Referrals by source, {quarter.label}"),
        measures.by_partnership(rows["referrals"], column="status", columns=list(outcomes), partnerships=names,
                                title=f"Triage outcomes of referrals received, {quarter.label}", labels=outcomes),
        measures.by_partnership(case_rows, column="risk", columns=[risks[k] for k in sorted(risks, reverse=True)],
                                partnerships=names, title="Open cases by current risk, today"),
        *_programme_casework_tables(selectors.casework_rows([p.pk for p in partnerships], start, end),
                                    names=names, quarter=quarter),
        *measures.programme_reoffending(selectors.reoffending_rows([p.pk for p in partnerships], start, end),
                                        partnerships=names, type_labels=dict(StalkerType.choices),
                                        gap_days=settings.MASIP_EPISODE_GAP_DAYS, period=quarter.label),
    ]
    shown = [t.as_display(suppressed=True) for t in tables]
    if request.GET.get("export"):
        return exports.respond_tables(
            request, fmt=request.GET["export"], title=f"MASIP programme dashboard, {quarter.label}", tables=shown,
            partnership=None, suppressed=True, filename=f"programme-dashboard-{quarter.code}",
            recipient="programme office",
        )
    return render(request, "reporting/programme_dashboard.html", {
        "tables": shown, "choices": choices, "quarter": quarter,
    })
