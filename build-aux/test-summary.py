#!/usr/bin/env python3
"""Print "N passed, N failed[, N skipped]" over individual test cases.

Reads one or more of meson's testlog.json files (several builds add up). TAP tests are counted case by case from their
output; other tests count as one case each. A TAP program that crashed or timed
out without a "not ok" line counts one more failure. Exits 1 if anything failed.
"""
import json
import re
import sys

OK = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}

tap_line = re.compile(r"^(not ok|ok)\b(.*)$")


def count_tap(text):
    passed = failed = skipped = 0
    for line in text.splitlines():
        line = line.strip()
        m = tap_line.match(line)
        if m:
            directive = m.group(2)
            if re.search(r"#\s*SKIP", directive, re.I):
                skipped += 1
            elif re.search(r"#\s*TODO", directive, re.I):
                skipped += 1
            elif m.group(1) == "ok":
                passed += 1
            else:
                failed += 1
        elif re.match(r"^1\.\.0\s*#\s*SKIP", line, re.I):
            skipped += 1
        elif line.startswith("Bail out!"):
            failed += 1
    return passed, failed, skipped


def main(paths):
    passed = failed = skipped = 0
    entries = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                entries += [json.loads(l) for l in f if l.strip()]
        except OSError as e:
            print(f"no test log: {e}", file=sys.stderr)
            failed += 1

    for e in entries:
        result = e.get("result", "")
        out = e.get("stdout") or ""
        if re.search(r"^(ok|not ok)\b", out, re.M) or re.search(r"^1\.\.\d", out, re.M):
            p, f, s = count_tap(out)
            if result not in OK | SKIPPED and f == 0:
                f += 1
            if p + f + s == 0:
                if result in SKIPPED:
                    s = 1
                elif result in OK:
                    p = 1
                else:
                    f = 1
        else:
            p = 1 if result in OK else 0
            s = 1 if result in SKIPPED else 0
            f = 0 if (p or s) else 1
        passed += p
        failed += f
        skipped += s

    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["_build/meson-logs/testlog.json"]))
