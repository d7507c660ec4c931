"""The Chinese model's neural view: a small character CNN, trained in numpy.

Imported by scripts/train_sentiment_zh.py only. numpy is a training dependency, never the
service's: installed next to nltk (under TextBlob), it makes nltk import it in every web
worker (+100 MB), so the trainer runs in a venv of its own (see the README).

The network: an embedding of DIM numbers per character (characters seen in MIN_COUNT
training reviews or more; the others share one), FILTERS filters in WIDTH blocks, block w
reading w + 1 characters, each filter's maximum over the comment, ReLU, dropout while
training, one output. Weighted logistic loss (a shopping review weighs SHOP_WEIGHT, as in
the other views), Adam, EPOCHS passes over length-sorted batches. float32, one thread,
seeded: the same weights on every run on one machine.

SEEDS networks are trained, each from its own seed, and averaged. export() multiplies
each network's embeddings out with its filters (a table per character and offset, the
networks side by side as one wider network) and quantises them to 8 bits with a scale
per filter: chinese.Neural adds those tables, takes the maximum and applies the output,
with no matrix code.
"""

from __future__ import annotations

import base64
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

DIM = 32
FILTERS = 64  # WIDTH blocks of FILTERS // WIDTH
WIDTH = 4
EPOCHS = 4
RATE = 2e-3
BATCH = 32
MAXLEN = 200
DROPOUT = 0.5
L2 = 1e-5
MIN_COUNT = 5  # characters in fewer training reviews share one embedding: names and typos
SEED = 20261122
SEEDS = 3  # networks averaged, each from its own seed: one network's choice of maxima is noisy


def _encode(texts: list[str], vocab: dict[str, int]) -> list[np.ndarray]:
    return [
        np.array([vocab.get(ch, 1) for ch in t.lower()[:MAXLEN]] or [1], dtype=np.int64)
        for t in texts
    ]


def _batch(seqs: list[np.ndarray], idx) -> tuple[np.ndarray, np.ndarray, int]:
    """Ids padded with 0 (a zero embedding) to the longest plus WIDTH - 1, and lengths."""
    longest = max(len(seqs[i]) for i in idx)
    ids = np.zeros((len(idx), longest + WIDTH - 1), dtype=np.int64)
    lengths = np.zeros(len(idx), dtype=np.int64)
    for r, i in enumerate(idx):
        ids[r, : len(seqs[i])] = seqs[i]
        lengths[r] = len(seqs[i])
    return ids, lengths, longest


class CNN:
    def __init__(self, size: int, rng: np.random.Generator):
        block = FILTERS // WIDTH
        self.rng = rng
        self.embed = (rng.standard_normal((size, DIM)) * 0.1).astype(np.float32)
        self.embed[0] = 0
        # offset k feeds the blocks of filters k + 1 characters wide or more
        self.mask = np.zeros((WIDTH, 1, FILTERS), dtype=np.float32)
        for k in range(WIDTH):
            self.mask[k, 0, k * block :] = 1
        fan = np.repeat(np.arange(1, WIDTH + 1), block) * DIM
        kernel = rng.standard_normal((WIDTH, DIM, FILTERS)) / np.sqrt(fan)
        self.kernel = kernel.astype(np.float32) * self.mask
        self.bias = np.zeros(FILTERS, dtype=np.float32)
        self.out = (rng.standard_normal(FILTERS) * 0.1).astype(np.float32)
        self.out_bias = np.float32(0.0)

    def params(self) -> list[np.ndarray]:
        return [self.embed, self.kernel, self.bias, self.out]

    def forward(self, ids, lengths, longest, train=False):
        x = self.embed[ids]
        h = np.zeros((ids.shape[0], longest, FILTERS), dtype=np.float32)
        for k in range(WIDTH):
            h += x[:, k : k + longest, :] @ self.kernel[k]
        h += self.bias
        h[np.arange(longest)[None, :] >= lengths[:, None]] = -1e9
        where = h.argmax(axis=1)
        pooled = np.take_along_axis(h, where[:, None, :], axis=1)[:, 0, :]
        a = np.maximum(pooled, 0)
        drop = None
        if train:
            drop = (self.rng.random(a.shape) >= DROPOUT).astype(np.float32) / (1 - DROPOUT)
            a = a * drop
        return a @ self.out + self.out_bias, (x, where, pooled, a, drop, ids)

    def backward(self, dz, cache):
        x, where, pooled, a, drop, ids = cache
        da = np.outer(dz, self.out)
        if drop is not None:
            da *= drop
        dpooled = da * (pooled > 0)
        rows = np.arange(ids.shape[0])[:, None]
        dkernel = np.zeros_like(self.kernel)
        dembed = np.zeros_like(self.embed)
        for k in range(WIDTH):  # only the positions of the maxima get a gradient
            dkernel[k] = np.einsum("bf,bfd->df", dpooled, x[rows, where + k])
            back = dpooled[:, :, None] * self.kernel[k].T[None, :, :]
            np.add.at(dembed, ids[rows, where + k].ravel(), back.reshape(-1, DIM))
        dkernel *= self.mask
        dembed[0] = 0
        return [dembed, dkernel, dpooled.sum(0), a.T @ dz], dz.sum()


def train(
    texts: list[str], labels: list[int], weights: list[float], seed: int = SEED
) -> tuple[CNN, dict[str, int]]:
    """The CNN and its vocabulary (character -> row; 0 padding, 1 unknown)."""
    counts: dict[str, int] = {}
    for t in texts:
        for ch in set(t.lower()[:MAXLEN]):
            counts[ch] = counts.get(ch, 0) + 1
    chars = sorted(ch for ch, n in counts.items() if n >= MIN_COUNT)
    vocab = {ch: i + 2 for i, ch in enumerate(chars)}
    seqs = _encode(texts, vocab)
    y = np.asarray(labels, dtype=np.float32)
    w = np.asarray(weights, dtype=np.float32)
    rng = np.random.default_rng(seed)
    net = CNN(len(vocab) + 2, rng)
    params = net.params()
    first = [np.zeros_like(p) for p in params] + [0.0]
    second = [np.zeros_like(p) for p in params] + [0.0]
    b1, b2, eps = 0.9, 0.999, 1e-8
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(seqs))
        batches = []
        for s in range(0, len(order), BATCH * 50):  # similar lengths in a batch
            chunk = sorted(order[s : s + BATCH * 50], key=lambda i: (len(seqs[i]), i))
            batches += [chunk[i : i + BATCH] for i in range(0, len(chunk), BATCH)]
        for j in rng.permutation(len(batches)):
            idx = batches[j]
            ids, lengths, longest = _batch(seqs, idx)
            z, cache = net.forward(ids, lengths, longest, train=True)
            p = 1 / (1 + np.exp(-z))
            grads, dbias = net.backward(
                ((p - y[idx]) * w[idx] / len(idx)).astype(np.float32), cache
            )
            step += 1
            correction = np.sqrt(1 - b2**step) / (1 - b1**step)
            for i, g in enumerate(grads):
                if i:
                    g = g + L2 * params[i]
                first[i] = b1 * first[i] + (1 - b1) * g
                second[i] = b2 * second[i] + (1 - b2) * g * g
                params[i] -= (RATE * correction * first[i] / (np.sqrt(second[i]) + eps)).astype(
                    np.float32
                )
            first[-1] = b1 * first[-1] + (1 - b1) * float(dbias)
            second[-1] = b2 * second[-1] + (1 - b2) * float(dbias) ** 2
            net.out_bias = np.float32(
                net.out_bias - RATE * correction * first[-1] / (np.sqrt(second[-1]) + eps)
            )
    return net, vocab


def export(nets: list[tuple[CNN, dict[str, int]]]) -> dict:
    """The model file's "neural" entry (chinese.Neural.from_json): the networks' average
    as one network with all their filters, lanes ordered by width, then network."""
    block = FILTERS // WIDTH
    chars = sorted(set().union(*(vocab for _, vocab in nets)))
    tables, bias, out = [], [], []
    for k in range(WIDTH):  # (unknown + chars) x (lanes that offset k reaches)
        parts = []
        for w in range(k, WIDTH):
            for net, vocab in nets:
                rows = [1] + [vocab.get(ch, 1) for ch in chars]
                embed = net.embed[rows].astype(np.float64)
                parts.append(
                    embed @ net.kernel[k][:, w * block : (w + 1) * block].astype(np.float64)
                )
        tables.append(np.concatenate(parts, axis=1))
    for w in range(WIDTH):
        for net, _ in nets:
            bias += [float(b) for b in net.bias[w * block : (w + 1) * block]]
            out += [float(v) / len(nets) for v in net.out[w * block : (w + 1) * block]]
    # one scale per lane (filter), shared by its offsets: int8 keeps the file small
    lanes = len(bias)
    top = np.zeros(lanes)
    for k in range(WIDTH):
        top[lanes - tables[k].shape[1] :] = np.maximum(
            top[lanes - tables[k].shape[1] :], np.abs(tables[k]).max(axis=0)
        )
    scale = np.round(127 / np.maximum(top, 1e-9), 4)
    quantised = np.concatenate(
        [np.rint(tables[k] * scale[lanes - tables[k].shape[1] :]) for k in range(WIDTH)], axis=1
    ).astype(np.int8)
    return {
        "chars": "".join(chars),
        "tables": base64.b64encode(quantised.tobytes()).decode("ascii"),
        "filters": lanes,
        "scale": [float(x) for x in scale],
        "bias": [round(b, 6) for b in bias],
        "out": [round(v, 6) for v in out],
        "out_bias": round(sum(float(net.out_bias) for net, _ in nets) / len(nets), 6),
        "maxlen": MAXLEN,
    }


def train_view(
    hotel: list[tuple[str, int]], shop: list[tuple[str, int]], shop_weight: float
) -> dict:
    """The neural view trained on both corpora, as the model file holds it."""
    rows = hotel + shop
    texts, labels = [t for t, _ in rows], [label for _, label in rows]
    weights = [1.0] * len(hotel) + [shop_weight] * len(shop)
    return export([train(texts, labels, weights, SEED + i) for i in range(SEEDS)])
