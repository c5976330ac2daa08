"""`python -m bench [module ...]`: runs the named benchmarks, or all of `BENCHES`.

Each benchmark module exposes `main()`, which returns a non-zero status when a check or a bar
fails; the exit status is non-zero when any benchmark failed.
"""

import importlib
import sys

BENCHES = [
    "bench.import_catalog",
    "bench.make_test",
    "bench.recommendations",
    "bench.media",
    "bench.search",
    "bench.imports",
    "bench.live",
]


def main(argv: list[str]) -> int:
    failed = []
    for name in argv or BENCHES:
        module_name = name if name.startswith("bench.") else f"bench.{name}"
        print(f"== {module_name}", flush=True)
        if importlib.import_module(module_name).main():
            failed.append(module_name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
