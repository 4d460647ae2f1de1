#!/usr/bin/env python3
"""Independent reference for Tema's agreement figures (see docs/AGREEMENT.md).

Reads the cases that tests/agreement_reference.rs generates (documents as lengths, codings as
[coder, code, start, end] in characters), builds the character-level data as arrays, and
computes every figure with scikit-learn's cohen_kappa_score / confusion_matrix and the
`krippendorff` package. Prints the figures as JSON on stdout; the Rust test compares them with
Tema's to 1e-9.

    python3 tests/reference/agreement.py cases.json > reference.json
"""

import json
import math
import sys
import warnings

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix

warnings.simplefilter("ignore")  # undefined kappas warn; they are reported as null


def defined(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def alpha(data):
    """Krippendorff's alpha, nominal, coders x units; None when undefined."""
    if data.shape[1] == 0:
        return None
    try:
        return defined(krippendorff.alpha(reliability_data=data.astype(float), level_of_measurement="nominal"))
    except ValueError:  # one value only: no expected disagreement
        return None


def pair_figures(data):
    """Percent agreement and Cohen's kappa for each pair of coders (rows of data)."""
    n = data.shape[0]
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            if data.shape[1] == 0:
                out.append((None, None))
                continue
            pct = 100.0 * float(np.mean(data[i] == data[j]))
            kappa = defined(cohen_kappa_score(data[i], data[j]))
            out.append((pct, kappa))
    return out


def stats(data):
    pairs = pair_figures(data)
    return {
        "percent_agreement": mean(p for p, _ in pairs),
        "kappa": mean(k for _, k in pairs),
        "alpha": alpha(data),
        "pairs": [list(p) for p in pairs],
    }


def pooled(per_code):
    """per_code: list of coders x units arrays, one per code, over the same units."""
    if not per_code:
        return None
    data = np.hstack(per_code)
    s = stats(data)  # percent agreement and alpha: (code, character) pairs as units
    n = data.shape[0]
    kappas = []
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            # De Vries et al. (2008): mean observed and mean chance agreement over codes.
            po, pe = [], []
            for d in per_code:
                cm = confusion_matrix(d[i], d[j], labels=[0, 1]).astype(float)
                total = cm.sum()
                po.append(np.trace(cm) / total)
                pe.append(float(cm.sum(axis=1) @ cm.sum(axis=0)) / total**2)
            po_m, pe_m = float(np.mean(po)), float(np.mean(pe))
            kappa = None if pe_m == 1.0 else (po_m - pe_m) / (1.0 - pe_m)
            s["pairs"][k][1] = kappa
            kappas.append(kappa)
            k += 1
    s["kappa"] = mean(kappas)
    return s


def figures(units, arrays, codes):
    """arrays: code -> coders x units array."""
    return {
        "units": units,
        "codes": {str(c): stats(arrays[c]) for c in codes},
        "pooled": pooled([arrays[c] for c in codes]),
    }


def case_figures(case):
    n, n_codes = case["n_coders"], case["n_codes"]
    docs_out = []
    overall = {c: [] for c in range(n_codes)}
    overall_units = 0
    used_overall = set()
    for doc in case["docs"]:
        length = doc["len"]
        x = np.zeros((n, n_codes, length), dtype=np.int64)
        for coder, code, start, end in doc["codings"]:
            x[coder, code, start:end] = 1
        coders_with_codings = {c[0] for c in doc["codings"]}
        if len(coders_with_codings) < n:
            docs_out.append(None)  # a coder has not coded this document: left out
            continue
        if case["include_uncoded"]:
            mask = np.ones(length, dtype=bool)
        else:
            mask = x.any(axis=(0, 1))
        units = int(mask.sum())
        used = [c for c in range(n_codes) if x[:, c, :].any()]
        arrays = {c: x[:, c, :][:, mask] for c in range(n_codes)}
        docs_out.append(figures(units, arrays, used))
        overall_units += units
        used_overall.update(used)
        for c in range(n_codes):
            overall[c].append(arrays[c])
    used = sorted(used_overall)
    arrays = {c: (np.hstack(overall[c]) if overall[c] else np.zeros((n, 0), dtype=np.int64)) for c in range(n_codes)}
    return {"documents": docs_out, "overall": figures(overall_units, arrays, used)}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    json.dump({"cases": [case_figures(c) for c in cases]}, sys.stdout)


if __name__ == "__main__":
    main()
