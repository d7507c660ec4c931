"""How much resident memory the comment analysis adds to a web worker.

    python bench/analysis_memory.py

In a fresh interpreter: the app is created and serves a page (the baseline), then the
models load (warm_up, as wsgi.py does under gunicorn), then 3,000 real comments are
analysed with the default topics. Prints VmRSS at each step, the increase over the
baseline, and which optional heavy modules got imported (numpy or scipy in the venv make
nltk import them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _server import machine  # noqa: E402

CHILD = r"""
import json, random, sys, time
sys.path[:0] = [%(root)r, %(bench)r]

def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024

from config import TestingConfig
from feedback import create_app
app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
app.test_client().get("/healthz")
baseline = rss()
from feedback.analysis import analyze, warm_up
started = time.perf_counter()
warm_up()
load_seconds = time.perf_counter() - started
loaded = rss()
from training import data
chinese = random.Random(1).sample(data.chinese(), 2000)
texts = [t for t, _ in data.english()] + [t for t, _ in chinese]
from feedback.analysis import Taxonomy, TopicSpec
from feedback.analysis.topics import split_keywords
from feedback.tagging.demo import DEFAULT_TOPICS
taxonomy = Taxonomy.compile(
    TopicSpec(key, tuple(split_keywords(en)), tuple(split_keywords(zh)))
    for key, _, _, en, zh in DEFAULT_TOPICS
)
for text in texts:
    analyze(text, taxonomy)
used = rss()
heavy = sorted(m for m in ("numpy", "scipy", "sklearn", "snownlp") if m in sys.modules)
print(json.dumps({"baseline": baseline, "loaded": loaded, "used": used,
                  "load_seconds": load_seconds, "heavy": heavy, "texts": len(texts)}))
"""


def main() -> None:
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD % {"root": str(ROOT), "bench": str(ROOT / "bench")}],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"Analysis memory on {machine()}")
    print(f"  web worker after one request: {figures['baseline']:.0f} MB")
    print(
        f"  after loading the models:     {figures['loaded']:.0f} MB "
        f"(+{figures['loaded'] - figures['baseline']:.0f} MB, {figures['load_seconds']:.1f} s)"
    )
    print(
        f"  after {figures['texts']:,} comments:       {figures['used']:.0f} MB "
        f"(+{figures['used'] - figures['baseline']:.0f} MB; target +150 MB)"
    )
    print(f"  heavy optional modules imported: {', '.join(figures['heavy']) or 'none'}")


if __name__ == "__main__":
    main()
