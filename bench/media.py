"""Benchmark: checking and rendering uploaded images (apps.media.images.render).

Each case runs in a fresh interpreter, so its peak memory (max RSS) is its own (with Django
loaded): a 12 MP camera
JPEG as an avatar (decoded at reduced scale), a 12 MP PNG as a cover (decoded in full), the
largest image allowed (a 40 MP JPEG) as a cover, and a decompression bomb (a 200-byte PNG claiming
50,000×50,000 pixels), which must be refused from its header. Bars: a 12 MP photo renders in
under 2 s; the bomb is refused in under 50 ms, growing the process by less than 20 MB.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAR_12MP_S = 2.0
BAR_BOMB_S = 0.05
BAR_BOMB_GROWTH_MB = 20

CASE = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booknest.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from apps.core.errors import Invalid
from apps.media.images import AVATAR, COVER, render

def peak_mb():  # VmHWM: this process's peak resident memory (ru_maxrss survives exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)

path, kind = sys.argv[1], {"avatar": AVATAR, "cover": COVER}[sys.argv[2]]
data = open(path, "rb").read()
before = peak_mb()
started = time.perf_counter()
try:
    rendered = render(SimpleUploadedFile("x", data), kind)
    outcome = {size.value: len(b) for size, b in rendered.files.items()}
except Invalid as exc:
    outcome = exc.errors[0].code.value
seconds = time.perf_counter() - started
after = peak_mb()
print(json.dumps({"seconds": round(seconds, 3), "upload_bytes": len(data),
                  "rss_before_mb": before, "peak_rss_mb": after,
                  "outcome": outcome}))
"""


def textured(size: tuple[int, int], grain: float = 0.3):
    """A picture with grain, so encoders and decoders work as on a real photo."""
    from PIL import Image

    from tests.media import pictures

    noise = Image.effect_noise(size, 40).convert("RGB")
    return Image.blend(pictures.photo(size), noise, grain)


def make_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    from tests.media import pictures

    files = {
        "jpeg-12mp-avatar": (
            "photo.jpg",
            "avatar",
            lambda: pictures.encode(textured((4000, 3000)), "JPEG", quality=85),
        ),
        "png-12mp-cover": (
            "cover.png",
            "cover",
            lambda: pictures.encode(textured((3000, 4000), grain=0.02), "PNG"),
        ),
        "jpeg-40mp-cover": (
            "huge.jpg",
            "cover",
            lambda: pictures.encode(textured((5000, 8000), grain=0.1), "JPEG", quality=75),
        ),
        "bomb-png-2500mp": (
            "bomb.png",
            "cover",
            lambda: pictures.png_header_claiming(50_000, 50_000),
        ),
    }
    cases = {}
    for case, (name, kind, make) in files.items():
        path = folder / name
        path.write_bytes(make())
        cases[case] = (path, kind)
    return cases


def run(path: Path, kind: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", CASE, str(path), kind],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from bench.results import record

    with tempfile.TemporaryDirectory() as folder:
        cases = make_cases(Path(folder))
        figures = {case: run(path, kind) for case, (path, kind) in cases.items()}
    for case, result in figures.items():
        print(
            f"{case}: {result['seconds']:.3f} s, peak RSS {result['peak_rss_mb']} MB "
            f"(before {result['rss_before_mb']} MB), "
            f"{result['upload_bytes']} bytes in → {result['outcome']}"
        )
    record("media", figures)
    problems = []
    for case in ("jpeg-12mp-avatar", "png-12mp-cover"):
        if figures[case]["seconds"] > BAR_12MP_S:
            problems.append(f"{case} took {figures[case]['seconds']} s, bar {BAR_12MP_S} s")
    bomb = figures["bomb-png-2500mp"]
    if bomb["outcome"] != "TOO_MANY_PIXELS":
        problems.append(f"the bomb was not refused as TOO_MANY_PIXELS: {bomb['outcome']}")
    growth = bomb["peak_rss_mb"] - bomb["rss_before_mb"]
    if bomb["seconds"] > BAR_BOMB_S or growth > BAR_BOMB_GROWTH_MB:
        problems.append(f"the bomb cost {bomb['seconds']} s and {growth:.1f} MB")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
