"""The embedded web environment: small real web apps that stand in for WebArena's sites.

This package is the world, not the agent: nothing in it imports `graph`, `nodes`, `tools` or `cli`.
"""
