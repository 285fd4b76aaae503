"""Scale and speed benchmarks. `make bench` (python -m benchmarks) runs them all and prints figures.

Each benchmark builds its own throwaway SQLite database (or uses DATABASE_URL
when BENCH_DATABASE_URL is set) with the project's own synthetic data
generator, so figures are comparable between machines and runs.
"""
