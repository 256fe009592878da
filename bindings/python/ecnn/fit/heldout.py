"""Held-out evaluation (docs/validation.md, "Held-out evaluation"):
calibrate on some rows, predict others, and compare with one scale factor
on the MAC count. The prediction functions never receive the measured
energies of the rows they predict; the tests poison those to prove it."""
import numpy as np

from .analysis import groups_of
from .calibration import calibrate
from .data import DataError
from .model import ENERGY_KEYS
from .stats import scale_factor

#: The predictions compared, in the order reports list them.
PREDICTORS = {
    "calibrated": "calibrated energies x the model's counts (no fitted slope)",
    "model_scale": "the model's energy x one scale factor",
    "macs_scale": "MACs x one scale factor (the baseline)",
    "model_raw": "the model's energy as it is (no calibration, no slope)",
}


def side(counts, x, macs, y=None):
    """One side of a split: the model's counts (n x 5), its energy x, the
    MACs and, for the training side only, the measured energies y."""
    s = {"counts": np.asarray(counts, dtype=float), "x": np.asarray(x, dtype=float),
         "macs": np.asarray(macs, dtype=float)}
    if y is not None:
        s["y"] = np.asarray(y, dtype=float)
    return s


def predict(train, test, reference, fixed=None, weights="relative"):
    """Calibrate on `train` (a side() with y) and predict `test` (a side()
    whose measured energies are not given): {"energies", "scales",
    "calibration", "predicted": {name of PREDICTORS: array}}."""
    if "y" in test:
        raise ValueError("predict: the test side must not carry measured energies")
    cal = calibrate(train["counts"], train["y"], reference, fixed, weights)
    e = np.array([cal["energies"][k] for k in ENERGY_KEYS])
    s_macs = scale_factor(train["macs"], train["y"], weights)
    s_model = scale_factor(train["x"], train["y"], weights)
    return {
        "energies": cal["energies"], "calibration": cal,
        "scales": {"macs": s_macs, "model": s_model},
        "predicted": {"calibrated": test["counts"] @ e, "model_scale": s_model * test["x"],
                      "macs_scale": s_macs * test["macs"], "model_raw": test["x"].copy()},
    }


def score(y, predicted):
    """Prediction errors per predictor: the relative error |y - p| / y
    (median, 95th percentile, max), the median of log(p / y) (bias: above
    0 the predictions are high) and the R^2 of the predictions as they are
    (1 - SSE / SST, no refit; negative when worse than the mean) in log
    scale."""
    y = np.asarray(y, dtype=float)
    out = {}
    ly = np.log(y)
    sst = float(np.sum((ly - ly.mean()) ** 2))
    for name, p in predicted.items():
        p = np.asarray(p, dtype=float)
        rel = np.abs(y - p) / y
        entry = {"median": float(np.median(rel)), "p95": float(np.percentile(rel, 95)),
                 "max": float(np.max(rel)), "nonpositive": int(np.sum(p <= 0))}
        with np.errstate(divide="ignore", invalid="ignore"):
            lp = np.log(np.where(p > 0, p, np.nan))
        ok = np.isfinite(lp)
        entry["log_bias"] = float(np.median(lp[ok] - ly[ok])) if ok.any() else float("nan")
        entry["log_r2"] = (float(1 - np.sum((ly[ok] - lp[ok]) ** 2) / sst)
                           if ok.all() and sst > 0 else float("nan"))
        out[name] = entry
    return out


def kfold(n, k, seed=1):
    """k folds of the rows 0..n-1, shuffled by numpy.random.default_rng(seed):
    [(name, test indices)]."""
    if not 2 <= k <= n:
        raise DataError(f"--cv: {k} folds of {n} rows: need 2 <= k <= {n}")
    perm = np.random.default_rng(seed).permutation(n)
    return [(f"fold {i + 1}", sorted(int(j) for j in part))
            for i, part in enumerate(np.array_split(perm, k))]


def by_group(rows):
    """Leave one group out: one fold per group."""
    groups = [(g, m) for g, m in groups_of(rows) if g != "(all)"]
    if len(groups) < 2:
        raise DataError("--cv group: needs --group-by and at least two groups")
    return [(str(g), list(m)) for g, m in groups]


def cross_validate(folds, counts, x, macs, y, reference, fixed=None, weights="relative"):
    """Each fold predicted from the others: {"folds": [{"fold", "n",
    "energies", "scales", "errors"}], "pooled": errors of every row's
    prediction from the fold that held it out, "predicted"}."""
    counts = np.asarray(counts, dtype=float)
    x, macs, y = (np.asarray(v, dtype=float) for v in (x, macs, y))
    n = len(y)
    predicted = {name: np.full(n, np.nan) for name in PREDICTORS}
    out = []
    for name, test in folds:
        mask = np.zeros(n, dtype=bool)
        mask[test] = True
        train = ~mask
        if train.sum() < 2:
            raise DataError(f"--cv: {name} leaves {int(train.sum())} rows to calibrate on")
        p = predict(side(counts[train], x[train], macs[train], y[train]),
                    side(counts[mask], x[mask], macs[mask]), reference, fixed, weights)
        for key, values in p["predicted"].items():
            predicted[key][mask] = values
        out.append({"fold": name, "n": int(mask.sum()), "energies": p["energies"],
                    "scales": p["scales"],
                    "errors": score(y[mask], {k: v[mask] for k, v in predicted.items()})})
    return {"folds": out, "pooled": score(y, predicted),
            "predicted": {k: v.tolist() for k, v in predicted.items()}}
