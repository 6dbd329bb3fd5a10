"""The benchmark suite: `python -m bench.run_all` (or `make bench`); see bench/README.md."""
