"""`python -m bench [name ...]`: runs the named benchmarks, or the six of issue 10 (`BENCHES`).

Each benchmark runs in a process of its own (several set up Django for a database of their own,
which one process cannot do twice). Each module exposes `main()`, which returns a non-zero status
when a check or a goal fails, and records its figures in bench/results.json (`bench.results`).
At the end, one table: benchmark, figure, goal, met. The exit status is non-zero when any
benchmark failed. The older benchmarks (`OTHERS`) run when named:
`python -m bench import_catalog` or `make bench BENCH="import_catalog media"`.
"""

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"

BENCHES = ["screens", "throughput", "search", "live", "imports", "load"]
OTHERS = ["import_catalog", "make_test", "recommendations", "media", "lean_path"]

# figure, value, goal, met (None: no goal; a string: a goal reported as is, which fails nothing)
Row = tuple[str, str, str, bool | str | None]


def _screens(s: dict) -> list[Row]:
    rows = []
    for screen, counts in s["queries"].items():
        values = "/".join(str(counts[size]) for size in sorted(counts, key=int))
        rows.append((f"SQL per request, {screen} (10/50/100)", values, "equal", s["equal"][screen]))
    return rows


def _throughput(s: dict) -> list[Row]:
    top = str(max(map(int, s["ratios"])))
    rows = []
    for name in ("booknest", "floor", "drf", "booknest_full", "postgraphile"):
        r = s["endpoints"].get(name, {}).get(top)
        if r is None:  # not measured (PostGraphile not installed, or an older run)
            continue
        cpu = r.get("server_cpu_ms_per_request")
        database = r.get("postgres_cpu_ms_per_request")
        rows.append(
            (
                f"book page, {name}, {top} clients",
                f"{r['rps']} req/s, p50 {r['p50_ms']} / p99 {r['p99_ms']} ms"
                + (f", server CPU {cpu} ms/req" if cpu is not None else "")
                + (f", PostgreSQL CPU {database} ms/req" if database is not None else ""),
                "",
                None,
            )
        )
    rows.append(
        (
            "BookNest / DRF req/s (worst level)",
            f"{s['worst_booknest_over_drf']}",
            ">= 1.0",
            s["worst_booknest_over_drf"] >= 1.0,
        )
    )
    rows.append(
        (
            "floor / BookNest req/s (worst level)",
            f"{s['worst_floor_over_booknest']}",
            "<= 1.5",
            s["worst_floor_over_booknest"] <= 1.5,
        )
    )
    return rows + _postgraphile_peer(s.get("postgraphile_peer") or {})


def _postgraphile_peer(peer: dict) -> list[Row]:
    """The PostGraphile goal: shown, met or not, but never what makes `make bench` fail (yet)."""
    if not peer.get("measured"):
        reason = peer.get("reason") or "no figures"
        return [("BookNest / PostGraphile req/s", f"not measured: {reason}", "", None)]
    levels = peer["booknest_over_postgraphile"]
    cpu = peer.get("cpu_per_request_booknest_over_postgraphile") or {}
    per_level = ", ".join(f"{levels[c]} at {c}" for c in sorted(levels, key=int))
    return [
        (
            "BookNest / PostGraphile req/s, full book page (per level)",
            per_level,
            ">= 1.0 at every level (reported, not failing)",
            "yes" if peer["goal_met"] else "not yet",
        ),
        (
            "BookNest / PostGraphile CPU per request, server + PostgreSQL (per level)",
            ", ".join(f"{cpu[c]} at {c}" for c in sorted(cpu, key=int)) if cpu else "not measured",
            "",
            None,
        ),
    ]


def _search(s: dict) -> list[Row]:
    return [
        (
            "search p50 / p95",
            f"{s['search_p50_ms']} / {s['search_p95_ms']} ms",
            "p95 <= 30 ms",
            s["search_p95_ms"] <= 30,
        ),
        (
            "suggest p50 / p95",
            f"{s['suggest_p50_ms']} / {s['suggest_p95_ms']} ms",
            "p95 <= 10 ms",
            s["suggest_p95_ms"] <= 10,
        ),
    ]


def _live(s: dict) -> list[Row]:
    worst = max(s["notification_bursts"], key=lambda burst: burst["p99_ms"])
    return [
        (
            f"live: {s['clients']} subscribers, delivery p50 / p99",
            f"{worst['p50_ms']} / {worst['p99_ms']} ms",
            f"p99 <= {s['p99_goal_ms']:.0f} ms",
            s["meets_goal"],
        ),
        (
            f"live: one rating fanned out to {s['clients']} subscribers, p50 / p99",
            f"{s['fan_out_one_rating']['p50_ms']} / {s['fan_out_one_rating']['p99_ms']} ms",
            "",
            None,
        ),
        ("live: memory per connection", f"{s['memory_per_connection_kib']} KiB", "", None),
    ]


def _imports(s: dict) -> list[Row]:
    return [
        (
            f"import {s['rows']} Goodreads rows",
            f"{s['import_rows_per_s']} rows/s",
            ">= 1,000 rows/s",
            s["import_rows_per_s"] >= 1000,
        ),
        (
            "import vs row-by-row saving",
            f"{s['speedup']}x ({s['naive_rows_per_s']} rows/s)",
            ">= 10x",
            s["speedup"] >= 10,
        ),
    ]


def _load(s: dict) -> list[Row]:
    return [
        (
            f"mixed load, {s['users']} users, {s['seconds']} s",
            f"{s['rps']} req/s ({s.get('ws_events', '?')} WS events), HTTP p50 {s['p50_ms']} / p99 "
            f"{s['p99_ms']} ms",
            "",
            None,
        ),
        ("mixed load errors", str(s["errors"]), "0", s["errors"] == 0),
    ]


SUMMARIES: dict[str, Callable[[dict], list[Row]]] = {
    "screens": _screens,
    "throughput": _throughput,
    "search": _search,
    "live": _live,
    "imports": _imports,
    "load": _load,
}


def _section(name: str) -> dict | None:
    try:
        return json.loads(RESULTS.read_text()).get(name)
    except (OSError, ValueError):
        return None


def run(name: str) -> tuple[int, bool]:
    """(exit status, whether it recorded new figures) of one benchmark, in a child process."""
    before = (_section(name) or {}).get("measured_at")
    code = f"import sys; from bench.{name} import main; sys.exit(main())"
    status = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode
    return status, (_section(name) or {}).get("measured_at") != before


def table(outcomes: dict[str, tuple[int, bool]]) -> str:
    """The summary: one row per figure of each benchmark that ran."""
    rows: list[tuple[str, str, str, str, str]] = []
    for name, (status, recorded) in outcomes.items():
        section = _section(name) if recorded else None
        if section is None or name not in SUMMARIES:
            verdict = "ok" if status == 0 else "FAILED"
            note = "see its output" if status == 0 else f"exit {status}, no new figures"
            rows.append((name, note, "", verdict, ""))
            continue
        try:
            figures = SUMMARIES[name](section)
        except (KeyError, TypeError, ValueError) as exc:
            rows.append((name, f"unreadable figures ({exc!r})", "", "FAILED", ""))
            continue
        for figure, value, goal, met in figures:
            verdict = met if isinstance(met, str) else "" if met is None else "yes" if met else "NO"
            rows.append((name, figure, value, goal, verdict))
    header = ("bench", "figure", "value", "goal", "met?")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    lines = [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in [header, tuple("-" * w for w in widths), *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def markdown(names: list[str]) -> str:
    """The latest recorded figures of `names` as a Markdown table (for the README), with the
    machine and commit of each benchmark under it."""
    lines = ["| benchmark | figure | value | goal | met? |", "|---|---|---|---|---|"]
    where = []
    for name in names:
        section = _section(name)
        if section is None or name not in SUMMARIES:
            continue
        try:
            rows = SUMMARIES[name](section)
        except (KeyError, TypeError, ValueError):
            continue
        for figure, value, goal, met in rows:
            verdict = (
                met if isinstance(met, str) else "" if met is None else "yes" if met else "**no**"
            )
            lines.append(f"| `{name}` | {figure} | {value} | {goal} | {verdict} |")
        machine = section.get("machine", {})
        where.append(
            f"- `{name}`: {machine.get('cores')} cores, {machine.get('memory_gib')} GiB, "
            f"commit `{section.get('commit')}`, {section.get('measured_at')}"
        )
    return "\n".join([*lines, "", *where])


def main(argv: list[str]) -> int:
    """Runs the benchmarks named in `argv` (default `BENCHES`) and prints the summary table;
    `--markdown` prints the recorded figures as a Markdown table instead, running nothing."""
    if argv[:1] == ["--markdown"]:
        print(markdown([n.removeprefix("bench.") for n in argv[1:]] or BENCHES))
        return 0
    names = [n.removeprefix("bench.") for n in (argv or BENCHES)]
    unknown = [n for n in names if n not in BENCHES + OTHERS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {BENCHES + OTHERS}",
            file=sys.stderr,
        )
        return 2
    outcomes = {}
    for name in names:
        print(f"== bench.{name}", flush=True)
        started = time.monotonic()
        outcomes[name] = run(name)
        print(
            f"== bench.{name}: exit {outcomes[name][0]} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    print()
    print(table(outcomes))
    section = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    fresh = [n for n in names if outcomes[n][1] and n in section]
    machines = {json.dumps(section[n]["machine"]) for n in fresh}
    commits = {section[n]["commit"] for n in fresh}
    print(f"\nmachine: {', '.join(sorted(machines))}; commit: {', '.join(sorted(commits))}")
    failed = [name for name, (status, _) in outcomes.items() if status]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
