"""What the frost-serve test scripts share: a free loopback port, and checks
counted into the suite's "N passed, M failed" line."""
import socket


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Checks:
    def __init__(self):
        self.checks, self.failures = [], []

    def __call__(self, what, ok, got=""):
        print(("ok    " if ok else "FAIL  ") + what + ("" if ok else f": got {got}"))
        self.checks.append(what)
        if not ok:
            self.failures.append(what)

    def summary(self):
        """Prints the summary line; returns the script's exit code."""
        print(f"{len(self.checks) - len(self.failures)} passed, {len(self.failures)} failed")
        return 1 if self.failures else 0
