"""The CLI's one error type: a problem the user can fix, printed as one line with exit status 2."""


class CliError(RuntimeError):
    """A problem the user can fix; printed as one line, exit status 2."""
