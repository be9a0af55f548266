"""A tiny test runner that works on MicroPython and CPython.

Usage (MicroPython)::

    import mpunit
    failed = mpunit.run(["test_sta", "test_token"])

Runs every `test_*` function of each module, prints one line per test and
the traceback of each failure, and returns the number of failures. pytest
collects the same modules on CPython.
"""

import sys


class raises:
    """`with raises(ValueError): ...` fails unless the block raises that exception."""

    def __init__(self, exc):
        self.exc = exc

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            raise AssertionError("did not raise %s" % self.exc.__name__)
        return issubclass(kind, self.exc)


def _print_exception(e):
    if hasattr(sys, "print_exception"):
        sys.print_exception(e)
    else:
        import traceback

        traceback.print_exception(type(e), e, e.__traceback__)


def run(names):
    passed = failed = 0
    for name in names:
        mod = __import__(name)
        tests = sorted(n for n in dir(mod) if n.startswith("test_"))
        for t in tests:
            fn = getattr(mod, t)
            if not callable(fn):
                continue
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - report every failure, go on
                failed += 1
                print("FAIL %s.%s" % (name, t))
                _print_exception(e)
            else:
                passed += 1
                print("ok   %s.%s" % (name, t))
    print("%d passed, %d failed" % (passed, failed))
    return failed


if __name__ == "__main__":
    sys.exit(1 if run(sys.argv[1:]) else 0)
