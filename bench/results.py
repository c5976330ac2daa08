"""bench/results.json: the latest figures of each benchmark, with where and when they were taken.

Figures mean little without the machine and the commit they were measured on, so every section
carries both; sections are merged so one benchmark's run keeps the others' figures.
"""

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().with_name("results.json")


def record(section: str, figures: dict) -> dict:
    """Merges `figures` (plus machine, commit, measured_at) under `section`; returns the section."""
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    entry = data.setdefault(section, {})
    entry.update(figures)
    entry.update(
        machine=machine(),
        commit=commit(),
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return entry


def machine() -> dict:
    return {"cores": os.cpu_count(), "memory_gib": _memory_gib()}


def commit() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=RESULTS.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return completed.stdout.strip()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)  # the file counts kB
    except (OSError, ValueError):
        pass
    return None
