"""Benchmark corpus and runner; `bench.render` is also the test suite's report renderer."""
