"""`python -m booknest.serve -b HOST -p PORT`: all of BookNest on one machine (`make run`).

It serves the API with daphne and, when imports are queued for workers (IMPORT_RUNNER=worker,
the default with REDIS_URL), runs one import worker (`manage.py import_worker`) beside it,
both under booknest/supervisor.py: Ctrl-C stops both; if either ends, the other is stopped and
the command exits non-zero. Without a worker to run (the embedded defaults: imports run in a
thread of the server) it simply becomes daphne, exactly as `make run` always did.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from booknest.supervisor import supervise

ROOT = Path(__file__).resolve().parent.parent
APPLICATION = "booknest.asgi:application"


def commands(host: str, port: int) -> dict[str, list[str]]:
    """The processes BookNest needs here, by name, from the settings (IMPORT_RUNNER)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
    from django.conf import settings

    python = sys.executable
    found = {"daphne": [python, "-m", "daphne", "-b", host, "-p", str(port), APPLICATION]}
    if settings.IMPORT_RUNNER == "worker":
        found["import worker"] = [python, str(ROOT / "manage.py"), "import_worker"]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m booknest.serve", description=__doc__)
    parser.add_argument("-b", "--bind", default="127.0.0.1", help="address daphne listens on")
    parser.add_argument("-p", "--port", type=int, default=8000, help="port daphne listens on")
    parser.add_argument(
        "--grace",
        type=float,
        default=10.0,
        help="seconds the processes get to stop before they are killed (default 10)",
    )
    args = parser.parse_args(argv)
    found = commands(args.bind, args.port)
    if list(found) == ["daphne"]:
        # Nothing to supervise: be daphne, so signals, exit status and output are its own.
        os.chdir(ROOT)
        os.execv(sys.executable, found["daphne"])  # noqa: S606 - our own argv, no shell
    return supervise(found, grace=args.grace, cwd=ROOT, stdin=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
