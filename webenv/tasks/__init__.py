"""Tasks in WebArena's config format, each with a reference solution that proves it solvable."""
