"""Speed and memory benchmarks: `make bench` runs each `bench_*.py`, see docs/benchmarks.md."""
