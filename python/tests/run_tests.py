"""Runs the package's pytest suite and ends with the plain line
"N passed, M failed" that scripts/test adds up (a skip under CI=true is a
failure: the suite must really run there)."""
import os
import sys

import pytest

# Under scripts/test --sanitize the sanitizer runtime is preloaded into this
# interpreter (python/meson.build); the frost CLI the tests start carries its
# own, and two runtimes in one process refuse to start.
os.environ.pop("LD_PRELOAD", None)


class Counter:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed += 1
        elif report.failed:
            self.failed += 1
        elif report.skipped:
            self.skipped += 1


counter = Counter()
code = pytest.main(["-q", "-p", "no:cacheprovider", os.path.dirname(os.path.abspath(__file__))] + sys.argv[1:],
                   plugins=[counter])
failed = counter.failed + (counter.skipped if os.environ.get("CI") == "true" else 0)
if code not in (0, 5) and failed == 0:
    failed = 1  # collection error or crash: pytest reported no failing test
print(f"{counter.passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
