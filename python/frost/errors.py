"""frost.Error: every failure Frost reports, with where it happened."""


class Error(Exception):
    """A model Frost cannot load or run. ``file``, ``node`` and ``op`` name
    where the failure happened (None when not known); ``str(e)`` is the same
    one line the ``frost`` command prints."""

    def __init__(self, message, file=None, node=None, op=None):
        super().__init__(message)
        self.file = file
        self.node = node
        self.op = op
