"""Prints the packages whose pinned versions differ between two lock files (`make upgrade-check`).

Usage: python .ci/lock_diff.py LOCKED NEWEST
"""

import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(path: str) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(Path(path).read_text())}


def main(locked_path: str, newest_path: str) -> None:
    locked, newest = pins(locked_path), pins(newest_path)
    changed = sorted(name for name in locked.keys() & newest.keys() if locked[name] != newest[name])
    added, dropped = sorted(newest.keys() - locked.keys()), sorted(locked.keys() - newest.keys())
    print(
        f"upgrade-check: {len(changed)} of {len(locked)} locked packages have a newer allowed version"
    )
    for name in changed:
        print(f"  {name:32} {locked[name]:>14} -> {newest[name]}")
    for name in added:
        print(f"  {name:32} {'(new)':>14} -> {newest[name]}")
    for name in dropped:
        print(f"  {name:32} {locked[name]:>14} -> (no longer needed)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
