"""Benchmarks: a deterministic organisation generator (``xinan generate``) and the benchmark
runner behind ``make bench`` (``python -m xinan.bench.run``). See docs/performance.md."""
