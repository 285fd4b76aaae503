"""From a plan's specification and an extract's tables to one result. Pure: no Django.

`run_plan(spec, tables)` prepares the method's data frame from the released
tables (so what the analysis sees is exactly what the evaluator downloaded),
applies the plan's minimum sample, calls the method in `stats.py` and returns
an `Outcome` with the estimate, the figure's table and the caveats.

Plan parameters, by method:
  cox     exposure: direct_intervention | conviction | restraining_order | charge
          follow_up_days: cap on follow-up (default: all)
          km_group: covariate the Kaplan-Meier curves are split by (default: exposure)
          interaction: a covariate interacted with the exposure (H9: stalker_type)
  its     break_month: YYYY-MM, the first month after the interruption
          series: all | non_police | police   partnership: slug (optional)
  paired  score: a score id from assessment_scores, or risk_rank
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lifelines.exceptions import ConvergenceError

from . import stats


class PlanDataError(ValueError):
    """The extract cannot give the data the plan asks for; the message says what is missing."""


@dataclass
class Outcome:
    status: str  # computed | below_minimum | failed
    sample_size: int = 0
    estimate_name: str = ""
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    minimum_detectable_effect: float | None = None
    details: dict = field(default_factory=dict)
    figure_table: list = field(default_factory=list)
    caveats: list = field(default_factory=list)
    message: str = ""


def _records(frame: pd.DataFrame, limit: int = 500) -> list[dict]:
    clean = frame.head(limit).replace({np.nan: None})
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in clean.to_dict("records")]


# -- Cox: time to re-offence ---------------------------------------------------------------------


def _exposure(tables: dict[str, pd.DataFrame], name: str) -> set[str]:
    """Perpetrator pseudonyms exposed to the plan's treatment."""
    cases = tables["cases"][["case", "perpetrator"]]
    if name == "direct_intervention":
        rows = tables["interventions"]
        rows = rows[(rows["mode"] == "direct")]
        rows = rows.merge(cases, on="case")
        return set(rows.loc[rows["subject"] == rows["perpetrator"], "perpetrator"])
    if name in ("conviction", "charge", "arrest"):
        rows = tables["justice_events"].merge(cases, on="case")
        return set(rows.loc[rows["kind"] == name, "perpetrator"])
    if name == "restraining_order":
        rows = tables["orders"].merge(cases, on="case")
        return set(rows.loc[(rows["kind"].isin(["restraining_order", "spo"])) & (rows["status"] == "granted"),
                            "perpetrator"])
    raise PlanDataError(f"Unknown exposure {name!r}.")


def survival_frame(tables: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    out = tables["outcomes"].copy()
    if out.empty:
        return out.assign(duration=[], event=[], exposed=[])
    index = pd.to_datetime(out["index_date"])
    end = index + pd.to_timedelta(out["follow_up_days"], unit="D")
    cap = params.get("follow_up_days")
    if cap:
        end = pd.concat([end, index + pd.Timedelta(days=int(cap))], axis=1).min(axis=1)
    first = pd.to_datetime(out["first_reoffence_on"])
    event = first.notna() & (first <= end)
    stop = first.where(event, end)
    out["duration"] = stats.time_at_risk(index, stop, out["custody_from"], out["custody_until"]).clip(lower=0)
    out["event"] = event.astype(int)
    exposed = _exposure(tables, params.get("exposure", "direct_intervention"))
    out["exposed"] = out["perpetrator"].isin(exposed).astype(int)
    cases = tables["cases"].sort_values("opened_on").drop_duplicates("perpetrator", keep="last")
    out = out.merge(cases[["perpetrator", "risk_rank", "stalker_type"]], on="perpetrator", how="left")
    out["risk_rank"] = pd.to_numeric(out["risk_rank"], errors="coerce").fillna(0)
    out["stalker_type"] = out["stalker_type"].fillna("not_recorded").replace("", "not_recorded")
    return out[out["duration"] > 0].reset_index(drop=True)


def run_cox(spec: dict, tables: dict[str, pd.DataFrame]) -> Outcome:
    params = spec.get("parameters") or {}
    frame = survival_frame(tables, params)
    n = len(frame)
    if n < spec["minimum_sample"]:
        return Outcome(status="below_minimum", sample_size=n, message=spec["below_minimum"])
    covariates = ["exposed", *[c for c in spec.get("covariates", []) if c != "exposed"]]
    interaction = params.get("interaction")
    if interaction:
        # Exposure x covariate (H9): indicator columns for each level's exposure effect.
        for level in sorted(frame[interaction].astype(str).unique())[1:]:
            name = f"exposed_x_{interaction}_{level}"
            frame[name] = frame["exposed"] * (frame[interaction].astype(str) == level)
            covariates.append(name)
    result = stats.cox_ph(frame, duration="duration", event="event", covariates=covariates,
                          km_group=params.get("km_group", "exposed"))
    if "exposed" not in result.hazard_ratios.index:
        return Outcome(status="failed", sample_size=n,
                       message="Nobody (or everybody) in the extract had the exposure; no hazard ratio.")
    row = result.hazard_ratios.loc["exposed"]
    share = float(frame["exposed"].mean())
    return Outcome(
        status="computed", sample_size=n, estimate_name="hazard ratio (exposed vs not)",
        estimate=float(row["hr"]), ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]),
        p_value=float(row["p"]),
        minimum_detectable_effect=stats.hr_minimum_detectable(events=result.events, exposed_share=share,
                                                              alpha=spec["alpha"]),
        details={
            "events": result.events, "concordance": result.concordance,
            "hazard_ratios": {k: {c: float(v) for c, v in r.items()} for k, r in result.hazard_ratios.iterrows()},
            "ph_test": {k: {c: float(v) for c, v in r.items()} for k, r in result.ph_test.iterrows()},
            "ph_violated": result.ph_violated, "warnings": result.warnings,
        },
        figure_table=_records(result.km_table),
        caveats=stats.caveats(method="cox", n=n, events=result.events, ph_violated=result.ph_violated),
    )


# -- interrupted time series ------------------------------------------------------------------------


def monthly_series(tables: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    referrals = tables["referrals"]
    if params.get("partnership"):
        referrals = referrals[referrals["partnership"] == params["partnership"]]
    series = params.get("series", "all")
    if series == "non_police":
        referrals = referrals[referrals["source_agency_kind"] != "police"]
    elif series == "police":
        referrals = referrals[referrals["source_agency_kind"] == "police"]
    months = referrals["received_month"].dropna()
    if months.empty:
        return pd.DataFrame(columns=["period", "y"])
    span = pd.period_range(min(tables["referrals"]["received_month"].dropna()),
                           max(tables["referrals"]["received_month"].dropna()), freq="M")
    counts = months.value_counts()
    return pd.DataFrame({"period": [str(p) for p in span], "y": [int(counts.get(str(p), 0)) for p in span]})


def run_its(spec: dict, tables: dict[str, pd.DataFrame]) -> Outcome:
    params = spec.get("parameters") or {}
    frame = monthly_series(tables, params)
    n = len(frame)
    if n < spec["minimum_sample"]:
        return Outcome(status="below_minimum", sample_size=n, message=spec["below_minimum"])
    periods = frame["period"].tolist()
    break_month = params.get("break_month")
    if break_month not in periods:
        return Outcome(status="failed", sample_size=n,
                       message=f"The break month {break_month} is outside the extract's months "
                               f"({periods[0]} to {periods[-1]}).")
    try:
        result = stats.segmented_regression(frame["y"], break_at=periods.index(break_month), periods=periods)
    except ValueError as error:
        return Outcome(status="failed", sample_size=n, message=str(error))
    return Outcome(
        status="computed", sample_size=n, estimate_name="step in referrals per month",
        estimate=result.step, ci_low=result.step_ci[0], ci_high=result.step_ci[1], p_value=result.step_p,
        minimum_detectable_effect=stats.its_minimum_detectable(step_se=result.step_se, alpha=spec["alpha"]),
        details={"slope_change": result.slope_change, "slope_change_ci": list(result.slope_change_ci),
                 "slope_change_p": result.slope_change_p, "pre_slope": result.pre_slope,
                 "newey_west_lags": result.maxlags},
        figure_table=_records(result.table),
        caveats=stats.caveats(method="its", n=n),
    )


# -- paired before/after ------------------------------------------------------------------------------


def paired_frame(tables: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    interventions = tables["interventions"]
    pairs = interventions.dropna(subset=["assessment_before", "assessment_after"])
    if params.get("mode"):
        pairs = pairs[pairs["mode"] == params["mode"]]
    score = params.get("score", "risk_rank")
    if score == "risk_rank":
        values = tables["assessments"].set_index("assessment")["risk_rank"]
    else:
        scores = tables["assessment_scores"]
        values = scores[scores["score"] == score].set_index("assessment")["value"]
    frame = pd.DataFrame({
        "intervention": pairs["intervention"],
        "before": pairs["assessment_before"].map(values),
        "after": pairs["assessment_after"].map(values),
    }).dropna()
    return frame.reset_index(drop=True)


def run_paired(spec: dict, tables: dict[str, pd.DataFrame]) -> Outcome:
    params = spec.get("parameters") or {}
    frame = paired_frame(tables, params)
    n = len(frame)
    if n < max(2, spec["minimum_sample"]):
        return Outcome(status="below_minimum", sample_size=n, message=spec["below_minimum"])
    result = stats.paired_change(frame["before"], frame["after"])
    return Outcome(
        status="computed", sample_size=n, estimate_name=f"median change in {params.get('score', 'risk_rank')}",
        estimate=result.median_change, ci_low=result.ci[0], ci_high=result.ci[1], p_value=result.p,
        minimum_detectable_effect=stats.paired_minimum_detectable(n=n, sd_change=result.sd_change,
                                                                  alpha=spec["alpha"]),
        details={"wilcoxon_statistic": result.statistic, "mean_change": result.mean_change},
        figure_table=_records(result.table),
        caveats=stats.caveats(method="paired", n=n),
    )


METHODS = {"cox": run_cox, "its": run_its, "paired": run_paired}


def run_plan(spec: dict, tables: dict[str, pd.DataFrame]) -> Outcome:
    try:
        return METHODS[spec["method"]](spec, tables)
    except (PlanDataError, KeyError) as error:
        return Outcome(status="failed", message=f"The extract does not give what the plan needs: {error}")
    except (np.linalg.LinAlgError, ConvergenceError, ValueError, ZeroDivisionError) as error:
        # A model that cannot be fitted to these data (e.g. a covariate constant among the few events
        # of a small extract) is a result to report, not a crash: the run records why.
        return Outcome(status="failed", message=f"The model could not be fitted to this extract: {error}")
