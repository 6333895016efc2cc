"""Benchmarks: each module here registers one or more with `@benchmark` (imported on demand)."""
