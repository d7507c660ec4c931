"""How much resident memory the comment analysis adds to the process that tags comments
(`flask worker`; web workers load none of it: bench/web_memory.py).

    python bench/analysis_memory.py

Each figure comes from a fresh interpreter: the app is created and serves a page (the
baseline), then one part of the analysis is used once (its model loads on first use), and
VmRSS is read again. Then, in one more interpreter, everything: warm_up() (every model
at once) and 3,000 real comments analysed with the default topics. The parts
share the interpreter's own growth, so they add up to about the whole, not exactly. Also
prints which optional heavy modules got imported (none should be: the service scores its
models in plain Python).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _server import machine, run_child  # noqa: E402

CHILD = r"""
import json, random, sys, time
from _server import rss
from config import TestingConfig
from feedback import create_app
app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
app.test_client().get("/healthz")
baseline = rss()
from feedback.analysis import analyze, chinese, english, language, text, warm_up
part = sys.argv[1]
started = time.perf_counter()
if part == "chinese":
    chinese.polarity("服务很好")
elif part == "english":
    english.polarity("Great service")
elif part == "language":
    language.detect("Service was great, 谢谢")
    language.detect("The staff was not helpful at all")
elif part == "jieba":
    text.zh_words("快递很快")
elif part == "zhconv":
    text.simplified("服務態度")
else:
    warm_up()
load_seconds = time.perf_counter() - started
loaded = rss()
used = loaded
texts = []
if part == "all":
    from training import data
    chinese_rows = random.Random(1).sample(data.chinese(), 2000)
    texts = [t for t, _ in data.english()] + [t for t, _ in chinese_rows]
    from default_topics import taxonomy as default_taxonomy
    taxonomy = default_taxonomy()
    for comment in texts:
        analyze(comment, taxonomy)
    used = rss()
heavy = sorted(m for m in ("numpy", "scipy", "sklearn", "snownlp", "nltk") if m in sys.modules)
print(json.dumps({"baseline": baseline, "loaded": loaded, "used": used,
                  "load_seconds": load_seconds, "heavy": heavy, "texts": len(texts)}))
"""

PARTS = {
    "chinese": "Chinese sentiment model (chinese.py)",
    "english": "English sentiment model and VADER (english.py)",
    "language": "lingua (language.py)",
    "jieba": "jieba's dictionary (topics)",
    "zhconv": "zhconv's table (traditional characters)",
}


def measure(part: str) -> dict:
    return run_child(CHILD, part)


def main() -> None:
    print(f"Analysis memory on {machine()}")
    for part, name in PARTS.items():
        figures = measure(part)
        added = figures["loaded"] - figures["baseline"]
        print(f"  {name:<48} +{added:5.1f} MB ({figures['load_seconds']:.2f} s)")
    figures = measure("all")
    print(f"  the app after one request:    {figures['baseline']:.0f} MB")
    print(
        f"  after warm_up():              {figures['loaded']:.0f} MB "
        f"(+{figures['loaded'] - figures['baseline']:.0f} MB, {figures['load_seconds']:.1f} s)"
    )
    print(
        f"  after {figures['texts']:,} comments:       {figures['used']:.0f} MB "
        f"(+{figures['used'] - figures['baseline']:.0f} MB; target +150 MB)"
    )
    print(f"  heavy optional modules imported: {', '.join(figures['heavy']) or 'none'}")


if __name__ == "__main__":
    main()
