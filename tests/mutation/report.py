"""
Read what ``mutmut run`` left in ``mutants/`` and write ``tests/mutation/REPORT.md``: how many changes to the review
rules the tests caught, and every change they did not catch with the reason it may stay (``reasons.toml``).

Exits 1 when a surviving change has no written reason: it is either a test to write or a reason to give.
Run by ``make mutation`` after ``mutmut run``; ``--check`` only checks, and writes nothing.
"""

import sys
import tomllib
from collections import Counter
from pathlib import Path

from mutmut.__main__ import SourceFileMutationData, get_diff_for_mutant, status_by_exit_code, walk_mutatable_files

HERE = Path(__file__).parent
CAUGHT = {"killed", "timeout", "caught by type check"}


def changed_lines(diff):
    """``(old, new)``: the lines a mutant removed and added, stripped, one string each."""
    lines = diff.splitlines()
    old = " / ".join(line[1:].strip() for line in lines if line.startswith("-") and not line.startswith("---"))
    new = " / ".join(line[1:].strip() for line in lines if line.startswith("+") and not line.startswith("+++"))
    return old, new


def function_of(mutant):
    """``review.guard.x_advice__mutmut_1`` → ``review.guard.advice``."""
    module, _, name = mutant.rpartition(".")
    name = name.split("__mutmut_")[0]
    if name.startswith("xǁ"):  # a method: xǁClassǁmethod
        return ".".join([module, *name.split("ǁ")[1:]])
    return f"{module}.{name.removeprefix('x_')}"


def reason_for(reasons, function, old, new):
    """The first entry of ``reasons`` that covers this surviving change, or None."""
    for entry in reasons:
        if entry.get("function") not in (None, function):
            continue
        if "old" in entry and entry["old"] != old:
            continue
        if "new" in entry and entry["new"] != new:
            continue
        return entry
    return None


def main(check_only=False):
    reasons = tomllib.loads((HERE / "reasons.toml").read_text())["survivor"]
    counts, rows, unexplained, used = Counter(), [], [], set()
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for mutant, exit_code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[exit_code]
            if status == "not checked":  # left out of this run (``make mutation MUTANTS=...``)
                continue
            counts[(str(path), "caught" if status in CAUGHT else status)] += 1
            if status in CAUGHT:
                continue
            old, new = changed_lines(get_diff_for_mutant(mutant, path=path))
            function = function_of(mutant)
            entry = reason_for(reasons, function, old, new)
            rows.append((function, status, old, new, entry and entry["reason"]))
            if entry is None:
                unexplained.append(mutant)
            else:
                used.add(id(entry))
    if not counts:
        sys.exit("No mutation results in mutants/: run `make mutation` first.")
    if not check_only:
        write_report(counts, rows)
        for entry in reasons:  # a full run: a reason no surviving change needs is out of date
            if id(entry) not in used:
                print(f"reasons.toml: no survivor needs the reason for {entry.get('function')}, {entry.get('old')}")
    for function, status, old, new, reason in rows:
        if reason is None:
            print(f"{status} without a reason: {function}\n  - {old}\n  + {new}")
    total = sum(counts.values())
    caught = sum(n for (_, status), n in counts.items() if status == "caught")
    print(f"{caught} of {total} mutants caught; {len(rows) - len(unexplained)} survive with a reason, "
          f"{len(unexplained)} without.")  # fmt: skip
    return 1 if unexplained else 0


def write_report(counts, rows):
    files = sorted({path for path, _ in counts})
    statuses = sorted({status for _, status in counts})
    out = [
        "# Mutation testing of the review rules",
        "",
        "Written by `make mutation` (mutmut changes one thing at a time in the files below and runs the tests that",
        "reach it; see `pyproject.toml` `[tool.mutmut]`). Do not edit: give reasons in `reasons.toml`.",
        "",
        "| File | " + " | ".join(statuses) + " |",
        "|---|" + "---|" * len(statuses),
    ]
    for path in files:
        out.append(f"| `{path}` | " + " | ".join(str(counts[(path, status)]) for status in statuses) + " |")
    out += ["", "## Changes the tests do not catch, and why they may stay", ""]
    for function, status, old, new, reason in rows:
        out += [
            f"- `{function}` ({status}): {reason or '**NO REASON GIVEN**'}",
            f"  - was: `{old}`",
            f"  - now: `{new}`",
        ]
    (HERE / "REPORT.md").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    sys.exit(main(check_only="--check" in sys.argv))
