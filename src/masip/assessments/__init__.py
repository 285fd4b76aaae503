"""Risk assessment: structured instruments (DASH, S-DASH, SASH, SRP, local tools).

The pure-Python instrument engine lives in `masip.assessments.engine`; the
instrument definitions it reads are data files in the repository's
`instruments/` folder. See `docs/instruments.md`.
"""
