#!/usr/bin/env python3
"""Fits qfill's calibration constants (src/matching/calibrate.rs) and shows how they transfer.

The confidence of a match is a logistic function of three features of the best
candidate: `covered` (share of the question's distinctive terms the entry speaks
to), `semantic` (closeness in meaning) and `margin` (lead over the runner-up).
Questions the matcher
already holds back (answerability, follow-ups) are left out: they never go out
unreviewed whatever their confidence.

Each input is one development set's features, written by
`qfill eval ... --features FILE.csv`. Every set weighs the same in the fit, so
that the large synthetic set does not decide alone what a confidence means, and
each set is also scored by constants fitted on the others (held-out folds).

usage: python3 scripts/calibrate.py SET.csv [SET.csv ...] [--threshold 0.9]
needs: numpy
"""
import argparse
import csv
import collections

import numpy as np

FEATURES = ["covered", "semantic", "margin"]
# Must match `ANSWER_WEIGHT` in src/matching/mod.rs.
ANSWER_WEIGHT = 0.4


def number(row, key):
    return float(row[key]) if row.get(key) not in (None, "") else None


def best_candidates(path):
    """Per labelled question, its best candidate and whether it counts."""
    by_question = collections.OrderedDict()
    for row in csv.DictReader(open(path, newline="")):
        by_question.setdefault((row["file"], row["sheet"], row["row"]), []).append(row)
    rows, answerable = [], 0
    for cands in by_question.values():
        top = min(cands, key=lambda r: int(r["rank"]))
        answerable += top["answerable"] == "true"
        if top["blocks"] == "true" or top["follow_up"] == "true":
            continue
        rows.append(top)
    return rows, answerable


def features(row):
    variant, answer = number(row, "semantic_variant"), number(row, "semantic_answer")
    lexical = number(row, "lexical")
    semantic = lexical if variant is None else (1 - ANSWER_WEIGHT) * variant + ANSWER_WEIGHT * answer
    return [number(row, "covered"), min(max(semantic, 0.0), 1.0), number(row, "margin")]


def fit(sets, iterations=200, ridge=1e-3):
    """Logistic regression by Newton's method, each set weighing the same."""
    X = np.vstack([np.hstack([np.ones((len(s[0]), 1)), s[0]]) for s in sets])
    y = np.concatenate([s[1] for s in sets])
    w = np.concatenate([np.full(len(s[1]), len(y) / (len(sets) * len(s[1]))) for s in sets])
    beta = np.zeros(X.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-X @ beta))
        gradient = X.T @ (w * (p - y)) + ridge * beta
        hessian = (X * (w * p * (1 - p))[:, None]).T @ X + ridge * np.eye(len(beta))
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def confidence(beta, X):
    return 1 / (1 + np.exp(-(beta[0] + X @ beta[1:])))


def report(name, p, y, answerable, thresholds):
    cells = []
    for t in thresholds:
        chosen = p >= t
        right = int((chosen & y).sum())
        n = int(chosen.sum())
        precision = right / n if n else float("nan")
        cells.append(f"{t:.2f}: {right}/{n} right ({precision:.2f}), auto_cov {right / answerable:.2f}")
    print(f"  {name:<12} " + " | ".join(cells))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--threshold", type=float, default=0.9)
    args = ap.parse_args()
    data = {}
    for path in args.sets:
        rows, answerable = best_candidates(path)
        data[path] = (np.array([features(r) for r in rows]), np.array([r["right"] == "true" for r in rows]), answerable)
    thresholds = sorted({0.8, 0.85, args.threshold, 0.95})
    print("held out: each set scored by constants fitted on the others")
    for held in data:
        beta = fit([data[s] for s in data if s != held])
        X, y, answerable = data[held]
        report(held.rsplit("/", 1)[-1], confidence(beta, X), y, answerable, thresholds)
    beta = fit(list(data.values()))
    print("fitted on every set")
    for name, (X, y, answerable) in data.items():
        report(name.rsplit("/", 1)[-1], confidence(beta, X), y, answerable, thresholds)
    print("constants for src/matching/calibrate.rs:")
    print(f"  INTERCEPT = {beta[0]:.2f}")
    for f, b in zip(FEATURES, beta[1:]):
        print(f"  {f.upper()} = {b:.2f}")


if __name__ == "__main__":
    main()
