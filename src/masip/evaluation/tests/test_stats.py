"""The statistics core on synthetic data with known, planted effects (no database)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from masip.evaluation import stats


def planted_survival(n=3000, hr=0.6, seed=1):
    rng = np.random.default_rng(seed)
    treated = rng.integers(0, 2, n)
    risk = rng.integers(1, 4, n)
    # Exponential times with hazard base * hr^treated * 1.3^risk, censored at 365 days.
    hazard = 0.002 * hr**treated * 1.3**risk
    time = rng.exponential(1 / hazard)
    censor = 365
    return pd.DataFrame({
        "duration": np.minimum(time, censor),
        "event": (time <= censor).astype(int),
        "treated": treated,
        "risk": risk,
    })


def test_cox_recovers_a_planted_hazard_ratio():
    frame = planted_survival(hr=0.6)
    result = stats.cox_ph(frame, duration="duration", event="event", covariates=["treated", "risk"],
                          km_group="treated")
    assert result.hr("treated") == pytest.approx(0.6, abs=0.06)
    assert result.hr("risk") == pytest.approx(1.3, abs=0.08)
    low, high = result.hazard_ratios.loc["treated", ["ci_low", "ci_high"]]
    assert low < 0.6 < high
    assert not result.ph_violated  # exponential hazards are proportional
    # Kaplan-Meier: the treated survive longer.
    km = result.km_table
    last = km.groupby("group")["survival"].last()
    assert last["1"] > last["0"]


def test_cox_finds_no_effect_where_none_was_planted():
    frame = planted_survival(hr=1.0, seed=5)
    result = stats.cox_ph(frame, duration="duration", event="event", covariates=["treated", "risk"])
    low, high = result.hazard_ratios.loc["treated", ["ci_low", "ci_high"]]
    assert low < 1.0 < high


def test_proportional_hazards_check_flags_crossing_hazards():
    rng = np.random.default_rng(3)
    n = 3000
    treated = rng.integers(0, 2, n)
    # Treated: Weibull shape 3 (hazard rising), untreated: shape 0.5 (falling) - not proportional.
    shape = np.where(treated == 1, 3.0, 0.5)
    time = 200 * rng.weibull(shape)
    frame = pd.DataFrame({"duration": np.minimum(time, 400), "event": (time <= 400).astype(int), "treated": treated})
    result = stats.cox_ph(frame, duration="duration", event="event", covariates=["treated"])
    assert "treated" in result.ph_violated


def test_time_at_risk_subtracts_custody_inside_follow_up_only():
    d = pd.to_datetime
    out = stats.time_at_risk(
        start=pd.Series(d(["2025-01-01", "2025-01-01", "2025-01-01", "2025-01-01"])),
        end=pd.Series(d(["2025-12-31", "2025-12-31", "2025-03-01", "2025-12-31"])),
        custody_from=pd.Series(d(["2025-02-01", "2024-06-01", "2025-02-01", None])),
        custody_until=pd.Series(d(["2025-05-01", "2025-01-11", "2025-09-01", None])),
    )
    # 364 days; less Feb-Apr (89 days); less 1-10 Jan (10 days); custody until past end: 31 days at risk; none.
    assert out.tolist() == [364 - 89, 364 - 10, 31, 364]


def test_segmented_regression_recovers_a_planted_step_and_slope_change():
    rng = np.random.default_rng(7)
    n, brk = 60, 30
    t = np.arange(n)
    # AR(1) noise, as monthly referral counts have.
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.5 * noise[i - 1] + rng.normal(0, 1.0)
    y = 20 + 0.1 * t + 8 * (t >= brk) + 0.5 * (t - brk) * (t >= brk) + noise
    result = stats.segmented_regression(y, break_at=brk)
    assert result.step == pytest.approx(8, abs=2.0)
    assert result.slope_change == pytest.approx(0.5, abs=0.15)
    assert result.step_ci[0] < 8 < result.step_ci[1]
    assert result.step_p < 0.01
    assert result.maxlags == stats.newey_west_lags(60) == 3
    # HAC errors differ from the ordinary ones (the point of using them).
    import statsmodels.api as sm

    x = sm.add_constant(np.column_stack([t, (t >= brk), (t - brk) * (t >= brk)]).astype(float))
    assert sm.OLS(y, x).fit().bse[2] != pytest.approx(result.step_se, rel=1e-3)


def test_segmented_regression_needs_periods_either_side():
    with pytest.raises(ValueError):
        stats.segmented_regression([1, 2, 3, 4, 5], break_at=4)


def test_paired_change_detects_a_planted_fall_and_not_a_null_one():
    rng = np.random.default_rng(11)
    before = rng.integers(5, 20, 80).astype(float)
    after = before - 3 + rng.normal(0, 2, 80)
    result = stats.paired_change(before, after)
    assert result.median_change == pytest.approx(-3, abs=0.8)
    assert result.ci[0] < -3 < result.ci[1]
    assert result.p < 0.001
    null = stats.paired_change(before, before + rng.normal(0, 2, 80))
    assert null.p > 0.01 and null.ci[0] < 0 < null.ci[1]


def test_holm_matches_a_hand_computation():
    p = [0.01, 0.04, 0.03, 0.005]
    # Sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> max so far 0.06.
    assert stats.holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.holm(p) == pytest.approx(multipletests(p, method="holm")[1].tolist())
    assert stats.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_minimum_detectable_effects():
    # Schoenfeld: 100 events, half exposed, 80% power at 5%: HR = exp(-2.8016 / sqrt(25)) = 0.5711.
    assert stats.hr_minimum_detectable(events=100, exposed_share=0.5) == pytest.approx(
        math.exp(-(1.959964 + 0.841621) / 5), rel=1e-5)
    assert stats.hr_minimum_detectable(events=0, exposed_share=0.5) is None
    assert stats.paired_minimum_detectable(n=64, sd_change=2.0) == pytest.approx(2.801585 * 2 / 8, rel=1e-5)


def test_caveats_speak_plainly_about_small_numbers_and_selection():
    notes = stats.caveats(method="cox", n=20, events=5, ph_violated=["treated"])
    text = " ".join(notes)
    assert "no true counterfactual" in text and "Small numbers: 20" in text
    assert "Selection into interventions" in text and "treated" in text
    assert "Small numbers" not in " ".join(stats.caveats(method="its", n=500))


def test_logrank_logistic_and_survival_at_refuse_bad_input_and_read_steps_right():
    frame = pd.DataFrame({"t": [1.0, 2.0, 3.0, 4.0], "e": [1, 0, 1, 1], "g": ["a", "a", "a", "a"]})
    with pytest.raises(ValueError, match="two groups"):
        stats.logrank(frame, duration="t", event="e", group="g")
    with pytest.raises(ValueError, match="0 or 1"):
        stats.logistic_regression(frame.assign(y=[0, 1, 2, 1]), outcome="y", covariates=["t"])
    km = stats.kaplan_meier(frame, duration="t", event="e")
    assert stats.survival_at(km, 0.5) == 1.0  # before the first event
    assert stats.survival_at(km, 1.5) == pytest.approx(0.75)  # 1 - 1/4, held until the next event
    assert stats.survival_at(km, 3.0) == pytest.approx(0.75 * (1 - 1 / 2))
    with pytest.raises(ValueError, match="no Kaplan-Meier curve"):
        stats.survival_at(km, 3.0, group="b")
