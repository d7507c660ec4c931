"""What serving answers adds to a web worker's memory, now that the worker (flask worker)
tags comments and web workers load no analysis model.

    python bench/web_memory.py [ANSWERS]

Three fresh interpreters on SQLite databases with sent invitations: one creates the app
and serves a page; one also answers ANSWERS invitations (default 2,000) through
POST /s/<token> without a comment, and shows the thank-you page; one does the same with
a real comment each, from the public review sets, half English and half Chinese (the
answers that used to load the analysis models into the web worker: +141 MB). Prints
VmRSS after each, the difference the comments make, and whether any analysis library was
imported. Target: the comments within 20 MB.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _server import machine, migrated_sqlite, run_child  # noqa: E402

CHILD = r"""
import json, sys
from _server import rss
from config import TestingConfig
from feedback import create_app
app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": %(url)r})
client = app.test_client()
assert client.get("/healthz").status_code == 200
tokens, comments = json.loads(sys.stdin.read())
for token, comment in zip(tokens, comments):
    page = client.post(f"/s/{token}", data={"score": "2", "comment": comment})
    assert page.status_code == 303, page.status_code
    assert client.get(page.headers["Location"]).status_code == 200
heavy = sorted(m for m in ("lingua", "jieba", "vaderSentiment", "textblob", "zhconv", "numpy")
               if m in sys.modules)
print(json.dumps({"rss": rss(), "heavy": heavy}))
"""


def child(url: str, tokens: list[str], comments: list[str]) -> dict:
    return run_child(CHILD % {"url": url}, stdin=json.dumps([tokens, comments]))


def main() -> None:
    import answer_post

    from training import data

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    texts = [t for t, _ in data.english()][: count // 2]
    texts += [t for t, _ in data.chinese()][: count - len(texts)]
    results = []
    for comments in ([], [""] * count, texts):
        with tempfile.TemporaryDirectory() as tmp:
            url = migrated_sqlite(Path(tmp))
            tokens = answer_post.prepare(url, count) if comments else []
            results.append(child(url, tokens, comments))
    page, plain, commented = results
    print(f"Web worker memory on {machine()}")
    print(f"  after one page:                          {page['rss']:.0f} MB")
    print(f"  after {count:,} answers without a comment:   {plain['rss']:.0f} MB")
    print(
        f"  after {count:,} answers with a comment each: {commented['rss']:.0f} MB"
        f" ({commented['rss'] - plain['rss']:+.1f} MB for the comments; target within 20 MB)"
    )
    print(f"  analysis libraries imported: {', '.join(commented['heavy']) or 'none'}")


if __name__ == "__main__":
    main()
