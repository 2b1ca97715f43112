#!/usr/bin/env python3
"""Runs the HTTP black-box tests of gazette.

    tests/http/run.py --gazette build/src/cli/gazette [-k FILTER] [-j N] [-v]

Tests are the functions named test_* in tests/http/test_*.py, run in file
and definition order (-j N runs N at a time). A test fails on an exception,
on a server that does not exit 0 after SIGTERM, or on a sanitizer report in
a server's stderr. The last line printed is "N passed, N failed"; the exit
status is 1 when any test failed.
"""

import argparse
import concurrent.futures
import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import harness  # noqa: E402


def discover(filters):
    tests = []
    for fn in sorted(os.listdir(HERE)):
        if not (fn.startswith("test_") and fn.endswith(".py")):
            continue
        mod = importlib.import_module(fn[:-3])
        funcs = [(name, f) for name, f in vars(mod).items()
                 if name.startswith("test_") and callable(f)]
        funcs.sort(key=lambda nf: nf[1].__code__.co_firstlineno)
        for name, f in funcs:
            full = "%s.%s" % (fn[:-3], name)
            if not filters or any(k in full for k in filters):
                tests.append((full, f))
    return tests


def run_one(full, fn, keep):
    """Returns (name, ok, seconds, report)."""
    harness.reset_tracking()
    t0 = time.monotonic()
    err = None
    try:
        fn()
    except Exception:  # noqa: BLE001 - any exception is a failure
        err = traceback.format_exc()
    # Logs first: finish_test removes the temporary directories.
    logs = harness.server_logs() if err else ""
    problems = harness.finish_test(keep_dirs=keep)
    if problems:
        err = (err or "") + "\n".join(problems)
        logs = logs or harness.server_logs()
    dt = time.monotonic() - t0
    report = ""
    if err:
        report = err + "\n" + logs
    return full, err is None, dt, report


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gazette", required=True, help="path to the gazette binary")
    ap.add_argument("-k", action="append", default=[], metavar="FILTER",
                    help="run only tests whose module.name contains FILTER (repeatable)")
    ap.add_argument("-j", type=int, default=1, help="tests to run at once (default 1)")
    ap.add_argument("-v", action="store_true", help="print each test as it ends")
    ap.add_argument("--keep", action="store_true", help="keep temporary directories")
    args = ap.parse_args()

    gz = os.path.abspath(args.gazette)
    if not os.access(gz, os.X_OK):
        print("not an executable: %s" % gz, file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    harness.GAZETTE = gz
    tests = discover(args.k)
    if args.j > 1:
        # The tracking lists in harness are global: parallel tests need a
        # process each.
        return run_parallel(args, tests)

    passed = failed = 0
    t0 = time.monotonic()
    for full, fn in tests:
        name, ok, dt, report = run_one(full, fn, args.keep)
        if ok:
            passed += 1
            if args.v:
                print("PASS %-60s %5.2fs" % (name, dt), flush=True)
        else:
            failed += 1
            print("FAIL %-60s %5.2fs\n%s" % (name, dt, indent(report)), flush=True)
    if args.v:
        print("(%.1fs)" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def indent(text):
    return "".join("    " + line + "\n" for line in text.rstrip().splitlines())


def run_parallel(args, tests):
    import subprocess
    passed = failed = 0
    t0 = time.monotonic()

    def child(full):
        cmd = [sys.executable, os.path.abspath(__file__), "--gazette", harness.GAZETTE,
               "--exact", full]
        if args.keep:
            cmd.append("--keep")
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return full, p.returncode == 0, p.stdout.decode("utf-8", "replace")

    with concurrent.futures.ThreadPoolExecutor(args.j) as ex:
        for full, ok, out in ex.map(child, [t for t, _ in tests]):
            if ok:
                passed += 1
                if args.v:
                    print("PASS %s" % full, flush=True)
            else:
                failed += 1
                body = "\n".join(out.rstrip().splitlines()[:-1])
                print("FAIL %s\n%s" % (full, indent(body)), flush=True)
    if args.v:
        print("(%.1fs)" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def exact_main():
    """Child mode of -j: run the one test named after --exact."""
    i = sys.argv.index("--exact")
    name = sys.argv[i + 1]
    gz = sys.argv[sys.argv.index("--gazette") + 1]
    harness.GAZETTE = os.path.abspath(gz)
    tests = [(f, fn) for f, fn in discover([name]) if f == name]
    if len(tests) != 1:
        print("no test %s" % name)
        print("0 passed, 1 failed")
        return 1
    full, ok, dt, report = run_one(tests[0][0], tests[0][1], "--keep" in sys.argv)
    if not ok:
        print(report)
    print("%d passed, %d failed" % (int(ok), int(not ok)))
    return 0 if ok else 1


if __name__ == "__main__":
    if "--exact" in sys.argv:
        sys.exit(exact_main())
    sys.exit(main())
