"""The statistics core: pure functions over pandas frames (no Django).

Each method returns a small dataclass with the estimate, its 95% interval, a
p-value and the table a figure is drawn from, so a reader can trace every
number in the report back to data. The implementations are the field's
standard, validated ones (lifelines, statsmodels, scipy); this module only
prepares their inputs and reads their outputs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

Z_95 = sps.norm.ppf(0.975)


# -- time at risk -------------------------------------------------------------------------


def time_at_risk(
    start: pd.Series, end: pd.Series, custody_from: pd.Series, custody_until: pd.Series
) -> pd.Series:
    """Days from start to end less the days in custody between them (one custody period per row).

    All arguments are datetime-like Series of one length; a missing custody
    period counts as none. A custody period is [custody_from, custody_until):
    released on custody_until, at risk again from that day.
    """
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    c_from, c_until = pd.to_datetime(custody_from), pd.to_datetime(custody_until)
    total = (end - start).dt.days
    lo = pd.concat([start, c_from], axis=1).max(axis=1)
    hi = pd.concat([end, c_until], axis=1).min(axis=1)
    overlap = (hi - lo).dt.days.clip(lower=0)
    overlap = overlap.where(c_from.notna() & c_until.notna(), 0)
    return (total - overlap).astype(int)


# -- survival: Kaplan-Meier and Cox -----------------------------------------------------------


@dataclass
class SurvivalResult:
    n: int
    events: int
    hazard_ratios: pd.DataFrame  # index covariate; hr, ci_low, ci_high, p
    concordance: float
    ph_test: pd.DataFrame  # index covariate; statistic, p (Grambsch-Therneau, rank time)
    km_table: pd.DataFrame  # group, time, survival, at_risk
    coef: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # log hazard ratios by covariate
    warnings: list[str] = field(default_factory=list)

    def hr(self, covariate: str) -> float:
        return float(self.hazard_ratios.loc[covariate, "hr"])

    @property
    def ph_violated(self) -> list[str]:
        return [str(c) for c, p in self.ph_test["p"].items() if p < 0.05]


def kaplan_meier(frame: pd.DataFrame, *, duration: str, event: str, group: str | None = None) -> pd.DataFrame:
    """Survival curve(s): one row per group and event time, with the number at risk."""
    from lifelines import KaplanMeierFitter

    rows = []
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=True))
    for name, part in groups:
        fitter = KaplanMeierFitter().fit(part[duration], part[event])
        table = fitter.event_table
        surv = fitter.survival_function_.iloc[:, 0]
        for t in table.index:
            rows.append({"group": "all" if name is None else str(name), "time": float(t),
                         "survival": float(surv.loc[t]), "at_risk": int(table.loc[t, "at_risk"])})
    return pd.DataFrame(rows, columns=["group", "time", "survival", "at_risk"])


def survival_at(km_table: pd.DataFrame, time: float, *, group: str = "all") -> float:
    """The Kaplan-Meier estimate S(time) read off a `kaplan_meier` table (a right-continuous step).

    S is 1 before the group's first event time; from each event time it holds the
    value estimated there until the next one.
    """
    rows = km_table[(km_table["group"] == group) & (km_table["time"] <= time)]
    if km_table[km_table["group"] == group].empty:
        raise ValueError(f"no Kaplan-Meier curve for group {group!r}")
    return 1.0 if rows.empty else float(rows.sort_values("time")["survival"].iloc[-1])


@dataclass
class LogrankResult:
    chi2: float
    df: int
    p: float
    table: pd.DataFrame  # index group; n, observed


def logrank(frame: pd.DataFrame, *, duration: str, event: str, group: str) -> LogrankResult:
    """The log-rank (Mantel-Haenszel) test of equal survival across the groups of `group`.

    The same statistic as R's survival::survdiff with rho = 0: at each event time
    the observed events per group are compared with those expected under no
    difference, with the hypergeometric variance; chi-square on (groups - 1) df.
    """
    from lifelines.statistics import multivariate_logrank_test

    data = frame[[duration, event, group]].dropna()
    if data[group].nunique() < 2:
        raise ValueError("a log-rank test needs at least two groups")
    test = multivariate_logrank_test(data[duration].astype(float), data[group], data[event].astype(int))
    rows = []
    for name, part in data.groupby(group, sort=True):
        rows.append({"group": str(name), "n": len(part), "observed": int(part[event].sum())})
    table = pd.DataFrame(rows).set_index("group")
    return LogrankResult(chi2=float(test.test_statistic), df=int(test.degrees_of_freedom), p=float(test.p_value),
                         table=table)


def design_matrix(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Numeric covariates as they are; categories as indicators (first level dropped); constants dropped."""
    parts = []
    for column in columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            parts.append(values.astype(float).rename(column))
        else:
            parts.append(pd.get_dummies(values.astype(str), prefix=column, drop_first=True, dtype=float))
    if not parts:
        return pd.DataFrame(index=frame.index)
    matrix = pd.concat(parts, axis=1)
    return matrix.loc[:, matrix.nunique() > 1]


def cox_ph(
    frame: pd.DataFrame,
    *,
    duration: str,
    event: str,
    covariates: Sequence[str],
    km_group: str | None = None,
) -> SurvivalResult:
    """Cox proportional hazards (Efron ties) with 95% intervals and a proportional-hazards check."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    data = pd.concat([frame[[duration, event]].astype(float), design_matrix(frame, covariates)], axis=1)
    notes = []
    fitter = CoxPHFitter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitter.fit(data, duration_col=duration, event_col=event)
        test = proportional_hazard_test(fitter, data, time_transform="rank")
    notes.extend(sorted({str(w.message).splitlines()[0] for w in caught if "convergence" in str(w.message).lower()}))
    summary = fitter.summary
    hazard_ratios = pd.DataFrame({
        "hr": summary["exp(coef)"],
        "ci_low": summary["exp(coef) lower 95%"],
        "ci_high": summary["exp(coef) upper 95%"],
        "p": summary["p"],
    })
    ph = test.summary[["test_statistic", "p"]].rename(columns={"test_statistic": "statistic"})
    ph.index = [i[0] if isinstance(i, tuple) else i for i in ph.index]
    km = kaplan_meier(frame, duration=duration, event=event, group=km_group)
    return SurvivalResult(
        n=len(data), events=int(data[event].sum()), hazard_ratios=hazard_ratios,
        concordance=float(fitter.concordance_index_), ph_test=ph, km_table=km,
        coef=summary["coef"].astype(float), warnings=notes,
    )


def hr_minimum_detectable(*, events: int, exposed_share: float, alpha: float = 0.05, power: float = 0.8) -> float | None:
    """The smallest hazard ratio below 1 detectable with these events (Schoenfeld 1983).

    d = (z_{1-alpha/2} + z_power)^2 / (p (1-p) (log HR)^2), solved for HR.
    """
    if events <= 0 or not 0 < exposed_share < 1:
        return None
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    return float(math.exp(-z / math.sqrt(events * exposed_share * (1 - exposed_share))))


# -- interrupted time series -------------------------------------------------------------------


@dataclass
class ItsResult:
    n: int
    step: float
    step_ci: tuple[float, float]
    step_p: float
    slope_change: float
    slope_change_ci: tuple[float, float]
    slope_change_p: float
    pre_slope: float
    maxlags: int
    table: pd.DataFrame  # period, y, fitted, counterfactual
    step_se: float


def newey_west_lags(n: int) -> int:
    """The usual automatic bandwidth, floor(4 (n/100)^(2/9)) (Newey and West 1994)."""
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def segmented_regression(y: Sequence[float], *, break_at: int, maxlags: int | None = None,
                         periods: Sequence[str] | None = None) -> ItsResult:
    """y_t = b0 + b1 t + b2 after_t + b3 (t - break_at) after_t + e_t, with HAC (Newey-West) errors.

    The usual ITS parametrisation: t = 0..n-1 (the period's index), `break_at`
    the index of the first period after the interruption, after_t = 1 from
    that period on (0 before), and the slope-change term (t - break_at) after_t
    counts periods since the interruption (0 in the first period after it and
    before). b2 is the step (level change at `break_at`), b3 the change in
    slope. The point estimates are ordinary least squares (R's lm gives the
    same); only the intervals and p-values use the HAC errors.
    """
    import statsmodels.api as sm

    values = np.asarray(y, dtype=float)
    n = len(values)
    if not 2 <= break_at <= n - 2:
        raise ValueError("the break needs at least two periods either side")
    t = np.arange(n, dtype=float)
    after = (t >= break_at).astype(float)
    since = (t - break_at) * after
    x = sm.add_constant(np.column_stack([t, after, since]))
    lags = newey_west_lags(n) if maxlags is None else maxlags
    fit = sm.OLS(values, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    ci = fit.conf_int(0.05)
    params = fit.params
    counterfactual = params[0] + params[1] * t
    table = pd.DataFrame({
        "period": list(periods) if periods is not None else list(range(n)),
        "y": values, "fitted": fit.fittedvalues, "counterfactual": counterfactual,
    })
    return ItsResult(
        n=n, step=float(params[2]), step_ci=(float(ci[2][0]), float(ci[2][1])), step_p=float(fit.pvalues[2]),
        slope_change=float(params[3]), slope_change_ci=(float(ci[3][0]), float(ci[3][1])),
        slope_change_p=float(fit.pvalues[3]), pre_slope=float(params[1]), maxlags=lags, table=table,
        step_se=float(fit.bse[2]),
    )


# -- logistic regression ------------------------------------------------------------------------


@dataclass
class LogisticResult:
    n: int
    events: int
    coefficients: pd.DataFrame  # index term ("const" first); coef, se, ci_low, ci_high, p, odds_ratio

    @property
    def coef(self) -> pd.Series:
        return self.coefficients["coef"]


def logistic_regression(frame: pd.DataFrame, *, outcome: str, covariates: Sequence[str]) -> LogisticResult:
    """Binary logistic regression by maximum likelihood with a constant ("const"), Wald 95% intervals.

    The same model as R's glm(outcome ~ covariates, family = binomial): the logit
    link's maximum-likelihood estimates. Covariates go through `design_matrix`
    (categories become indicators). The outcome must be 0/1.
    """
    import statsmodels.api as sm

    y = frame[outcome].astype(float)
    if not set(y.unique()) <= {0.0, 1.0}:
        raise ValueError("the outcome of a logistic regression must be 0 or 1")
    x = sm.add_constant(design_matrix(frame, covariates), has_constant="add")
    fit = sm.Logit(y, x).fit(disp=0, method="newton", maxiter=100)
    ci = fit.conf_int(0.05)
    table = pd.DataFrame({
        "coef": fit.params, "se": fit.bse, "ci_low": ci[0], "ci_high": ci[1], "p": fit.pvalues,
        "odds_ratio": np.exp(fit.params),
    }).astype(float)
    return LogisticResult(n=len(y), events=int(y.sum()), coefficients=table)


# -- paired before/after --------------------------------------------------------------------------


@dataclass
class PairedResult:
    n: int
    median_change: float
    ci: tuple[float, float]
    statistic: float
    p: float
    mean_change: float
    sd_change: float
    table: pd.DataFrame


def paired_change(before: Sequence[float], after: Sequence[float], *, seed: int = 0,
                  resamples: int = 2000) -> PairedResult:
    """Wilcoxon signed-rank test of after - before, with the median change and a bootstrap 95% interval."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    diff = a - b
    n = len(diff)
    if n < 2:
        raise ValueError("a paired comparison needs at least two pairs")
    if np.all(diff == 0):
        statistic, p = 0.0, 1.0
    else:
        test = sps.wilcoxon(a, b, zero_method="wilcox", alternative="two-sided")
        statistic, p = float(test.statistic), float(test.pvalue)
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(diff, size=(resamples, n), replace=True), axis=1)
    table = pd.DataFrame({"before": b, "after": a, "change": diff})
    return PairedResult(
        n=n, median_change=float(np.median(diff)),
        ci=(float(np.percentile(medians, 2.5)), float(np.percentile(medians, 97.5))),
        statistic=statistic, p=p, mean_change=float(diff.mean()), sd_change=float(diff.std(ddof=1)), table=table,
    )


def paired_minimum_detectable(*, n: int, sd_change: float, alpha: float = 0.05, power: float = 0.8) -> float | None:
    """Smallest mean change detectable in n pairs (normal approximation)."""
    if n < 2 or not sd_change or math.isnan(sd_change):
        return None
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    return float(z * sd_change / math.sqrt(n))


def its_minimum_detectable(*, step_se: float, alpha: float = 0.05, power: float = 0.8) -> float:
    return float((sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)) * step_se)


# -- multiplicity ------------------------------------------------------------------------------------


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979), in the input order.

    Sorted ascending, p_(i) is multiplied by (m - i + 1); the running maximum
    keeps the adjusted values monotone; capped at 1.
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted.tolist()


# -- plain-language caveats --------------------------------------------------------------------------


SMALL_SAMPLE = 50


def caveats(*, method: str, n: int, events: int | None = None, ph_violated: Sequence[str] = (),
            comparison_areas: bool = False) -> list[str]:
    notes = ["There is no true counterfactual: the programme was not randomised, so a difference shows "
             "association, not proof that the programme caused it."]
    if n < SMALL_SAMPLE:
        notes.append(f"Small numbers: {n} in the analysis. Intervals are wide and a real effect can be missed.")
    if method == "cox":
        notes.append("Selection into interventions: people offered and engaging with an intervention may differ "
                     "from others in ways the covariates do not capture.")
        if events is not None and events < 10 * 2:
            notes.append(f"Only {events} re-offences were observed; hazard ratios rest on few events.")
        if ph_violated:
            notes.append("The proportional-hazards assumption looks doubtful for: " + ", ".join(ph_violated)
                         + ". The hazard ratio is then an average over follow-up.")
        notes.append("Time at risk excludes custody from sentence to the halfway release point; remand and "
                     "recall are not recorded, so time at risk may be overstated.")
    if method == "its":
        notes.append("Other changes at the same time as the interruption (staffing, recording practice) "
                     "would show up as an effect too.")
    if method == "paired":
        notes.append("Before/after change without a comparison group includes regression to the mean: "
                     "people assessed at a peak of risk tend to score lower later anyway.")
    if comparison_areas:
        notes.append("Comparison areas are weak counterfactuals: their stalking is often recorded as harassment.")
    return notes
