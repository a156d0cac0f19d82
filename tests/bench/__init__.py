"""Benchmarks run with `python -m tests.bench`; each bench_*.py module offers run()."""
