"""Monitoring: stalking episodes, re-offending, frequency and severity, computed from incidents.

The definitions are plain Python and numpy over simple records, with no
models and no database, so the evaluation's definitions can be read, tested
and benchmarked on their own:

- `masip.monitoring.episodes` holds the definitions (MASIP interim evaluation
  report, section 4) as documented functions: `stalking_episodes`,
  `reoffending`, `reported_incidents`, `contact_rate`, `severity_trend`, the
  per-perpetrator `perpetrator_outcome`, and `caseload_outcomes`, which computes
  the same figures for a whole caseload at once from columns of incidents.
- `masip.monitoring.synthetic` generates a deterministic synthetic incident
  stream for tests and the benchmark (`python -m benchmarks episodes`).

A Django `Incident` model is expected to convert its rows with
`Incident(...)` for one case, or `IncidentColumns.from_rows(queryset.values_list(...))`
for many, and to pass the episode gap from `settings.MASIP_EPISODE_GAP_DAYS`;
those two modules read no settings.

Around them, the Django app that revisits cases: the `Incident` model
(models.py), its conversion into these records (outcomes.py), raising
re-review triggers (rereview.py), tracking after closure (tracking.py), the
orders an incident may breach (breaches.py, provided by justice) and the
monitoring queue (queue.py), whose sections the contexts that own them
register.
"""
