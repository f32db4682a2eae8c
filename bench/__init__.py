"""Benchmark sweeps over the embedded suite (or real WebArena): parallel episodes, results, tables, reports."""
