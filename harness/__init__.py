"""Run tasks of the embedded environment end to end: a fresh environment, a policy, the real graph and browser,
and WebArena's evaluators on the agent's own final page. Used by the CLI's demo and by `bench` sweeps."""
