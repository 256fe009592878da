"""The statistics of ecnn.fit (docs/validation.md, "Method"): least squares
with classical and heteroscedasticity-consistent (HC3) standard errors,
the nested F test, bootstrap intervals for R^2, Spearman's rank
correlation, non-negative least squares. Plain numpy, with scipy for the
t and F distributions; the tests compare every figure with statsmodels and
scipy."""
import itertools
import math

import numpy as np
from scipy import stats as _dist

from .data import DataError

#: p-values below this are not represented by a double any more (the t and
#: F tails underflow); the reports print "< 1e-300".
P_FLOOR = 1e-300
#: Two-sided 95 % intervals.
LEVEL = 0.95


def format_p(p):
    """A p-value for people: 4 decimals, scientific below 1e-3, "< 1e-300"
    where a double cannot tell it from 0."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "nan"
    if p < P_FLOOR:
        return "< 1e-300"
    return f"{p:.2e}" if p < 1e-3 else f"{p:.4f}"


def _t_p(t, df):
    """Two-sided p of Student's t; nan where t is undetermined (nan)."""
    if math.isnan(t) or df <= 0:
        return math.nan
    return float(2 * _dist.t.sf(abs(t), df))


def condition_number(design):
    """The condition number of a design matrix with its columns scaled to
    unit length (Belsley, Kuh and Welsch): near 1 for orthogonal columns;
    above about 30 the columns are nearly collinear, and their separate
    coefficients are poorly determined."""
    design = np.asarray(design, dtype=float)
    norms = np.linalg.norm(design, axis=0)
    norms[norms == 0] = 1
    sv = np.linalg.svd(design / norms, compute_uv=False)
    return float(sv[0] / sv[-1]) if sv[-1] > 0 else math.inf


def ols(y, X, names, origin=False, weights=None):
    """Least squares of y on the columns of X, with an intercept first
    (names[0] names it) unless `origin`; weighted by `weights` (w_i
    multiplies row i's squared residual) if given.

    Returns {"n", "df_resid", "names", "coef", "se", "t", "p" (classical,
    equal variances), "se_hc3", "t_hc3", "p_hc3", "ci" (95 %, from HC3:
    MacKinnon and White's jackknife-like estimator, valid when the
    residuals' variance differs from row to row), "r2", "adj_r2" (centred,
    weighted for a weighted fit; through the origin still 1 - SSE/SST
    about the mean, so that it compares with the fits with an intercept,
    and "r2_uncentered" = 1 - SSE / sum y^2 as statsmodels gives it), "f",
    "f_p" (every slope 0), "condition", "fitted", "resid"}."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, k = X.shape
    design = X if origin else np.column_stack([np.ones(n), X])
    p_ = design.shape[1]
    if n < p_ + 1 or (not origin and n < k + 2):
        need = p_ + 1
        raise DataError(f"{n} rows: too few for a fit with {k} regressor(s)"
                        f"{'' if origin else ' and an intercept'} (at least {need})")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    sw = np.sqrt(w)
    Xw, yw = design * sw[:, None], y * sw
    coef, _, rank, _ = np.linalg.lstsq(Xw, yw, rcond=None)
    fitted = design @ coef
    resid = y - fitted
    rw = resid * sw
    df = n - p_
    sse = float(rw @ rw)
    ybar = float(np.sum(w * y) / np.sum(w))
    sst = float(np.sum(w * (y - ybar) ** 2))
    r2 = 1 - sse / sst if sst > 0 else math.nan
    s2 = sse / df
    cov_rank = rank == p_
    if cov_rank:
        xtx_inv = np.linalg.inv(Xw.T @ Xw)
        se = np.sqrt(np.maximum(np.diag(xtx_inv) * s2, 0))
        h = np.einsum("ij,jk,ik->i", Xw, xtx_inv, Xw)
        with np.errstate(divide="ignore", invalid="ignore"):
            omega = rw ** 2 / (1 - h) ** 2
            omega[1 - h < 1e-12] = math.inf  # a row the fit passes through
            meat = (Xw * omega[:, None]).T @ Xw
            cov3 = xtx_inv @ meat @ xtx_inv
        se3 = np.sqrt(np.where(np.diag(cov3) >= 0, np.diag(cov3), math.nan))
    else:
        se = se3 = np.full(p_, math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / se
        t3 = coef / se3
    q = float(_dist.t.ppf(0.5 + LEVEL / 2, df))
    slopes = k if not origin else k
    if origin:
        f = (float(fitted @ (fitted * w)) / slopes) / s2 if s2 > 0 else math.inf
    else:
        f = ((sst - sse) / slopes) / s2 if s2 > 0 else math.inf
    return {
        "n": n, "df_resid": df, "names": list(names), "origin": bool(origin),
        "weighted": weights is not None,
        "coef": coef.tolist(), "se": se.tolist(), "t": t.tolist(),
        "p": [_t_p(v, df) for v in t],
        "se_hc3": se3.tolist(), "t_hc3": t3.tolist(), "p_hc3": [_t_p(v, df) for v in t3],
        "ci": [[float(c - q * s), float(c + q * s)] for c, s in zip(coef, se3)],
        "r2": float(r2),
        "adj_r2": float(1 - (1 - r2) * (n - (0 if origin else 1)) / df) if sst > 0 else math.nan,
        "r2_uncentered": float(1 - sse / float(np.sum(w * y * y))),
        "sse": sse, "f": float(f),
        "f_p": float(_dist.f.sf(f, slopes, df)) if math.isfinite(f) else 0.0,
        "condition": condition_number(design),
        "fitted": fitted.tolist(), "resid": resid.tolist(),
    }


def nested_f(y, base, extra, names):
    """Does `extra` explain what `base` does not? The F test of the
    regression of y on an intercept, the columns of base and of extra,
    against the regression on the intercept and base alone:
    F = ((SSE_restricted - SSE_full) / q) / (SSE_full / (n - p_full)) with
    q = the columns of extra. Returns {"f", "df": (q, n - p_full), "p",
    "coef", "ci", "p_hc3" (of extra's first column in the full fit, its
    95 % CI and robust p), "full", "restricted" (the two fits)}."""
    base = np.asarray(base, dtype=float)
    extra = np.asarray(extra, dtype=float)
    if base.ndim == 1:
        base = base[:, None]
    if extra.ndim == 1:
        extra = extra[:, None]
    full = ols(y, np.column_stack([base, extra]), names)
    restricted = ols(y, base, names[:1 + base.shape[1]])
    q = extra.shape[1]
    df = full["df_resid"]
    if full["sse"] > 0:
        f = max(0.0, (restricted["sse"] - full["sse"]) / q) / (full["sse"] / df)
        p = float(_dist.f.sf(f, q, df))
    else:
        f, p = math.inf, 0.0
    j = 1 + base.shape[1]
    return {"f": float(f), "df": [q, df], "p": p, "coef": full["coef"][j], "ci": full["ci"][j],
            "se_hc3": full["se_hc3"][j], "p_hc3": full["p_hc3"][j],
            "condition": full["condition"], "full": full, "restricted": restricted}


def bootstrap_r2(x, y, reps=1000, seed=1, chunk=100):
    """A percentile bootstrap 95 % interval for the R^2 of the simple
    regression of y on x with an intercept (the squared correlation):
    `reps` resamples of the rows with replacement. (lo, hi), or (nan, nan)
    with reps = 0. bootstrap_r2_many() with one pair."""
    return bootstrap_r2_many([(x, y)], reps, seed, chunk)[0]


def bootstrap_r2_many(pairs, reps=1000, seed=1, chunk=100):
    """bootstrap_r2() of several (x, y) pairs of the same rows, on the same
    resamples: numpy.random.default_rng(seed).integers(0, n, (chunk, n)),
    chunk by chunk, each resample as the count of every row in it, so that
    the five sums each R^2 needs are one matrix product for all pairs.
    Resamples where x or y is constant are dropped."""
    n = len(pairs[0][0])
    if reps <= 0 or n < 3:
        return [(math.nan, math.nan)] * len(pairs)
    columns = []
    for x, y in pairs:
        # Centred and scaled first, so that the sums below lose no digits
        # (energies of 1e9 squared would).
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        x = (x - x.mean()) / (np.std(x) or 1.0)
        y = (y - y.mean()) / (np.std(y) or 1.0)
        columns += [x, y, x * x, y * y, x * y]
    F = np.column_stack(columns)
    rng = np.random.default_rng(seed)
    values = [[] for _ in pairs]
    left = reps
    while left > 0:
        m = min(chunk, left)
        idx = rng.integers(0, n, (m, n))
        W = np.bincount((idx + (np.arange(m) * n)[:, None]).ravel(),
                        minlength=m * n).reshape(m, n).astype(float)
        S = W @ F / n
        for j in range(len(pairs)):
            sx, sy, sxx, syy, sxy = (S[:, 5 * j + i] for i in range(5))
            vx, vy, cxy = sxx - sx * sx, syy - sy * sy, sxy - sx * sy
            ok = (vx > 1e-14) & (vy > 1e-14)
            values[j].append(cxy[ok] ** 2 / (vx[ok] * vy[ok]))
        left -= m
    out = []
    for v in values:
        v = np.concatenate(v)
        if not len(v):
            out.append((math.nan, math.nan))
            continue
        lo, hi = np.percentile(v, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
        out.append((float(lo), float(hi)))
    return out


def scale_factor(x, y, weights="relative"):
    """The one factor s that best maps x onto y through the origin:
    minimising the squared relative errors sum ((y - s x) / y)^2 (weights
    "relative": s = sum(x/y) / sum((x/y)^2)) or the squared errors
    (weights "absolute": s = sum(x y) / sum(x^2))."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if weights == "relative":
        r = x / y
        return float(np.sum(r) / np.sum(r * r))
    return float(np.sum(x * y) / np.sum(x * x))


def relative_errors(y, fitted):
    """|y - fitted| / y per row: (median, 95th percentile, max)."""
    y = np.asarray(y, dtype=float)
    rel = np.abs(y - np.asarray(fitted, dtype=float)) / y
    return {"median": float(np.median(rel)), "p95": float(np.percentile(rel, 95)),
            "max": float(np.max(rel))}


def ranks(values):
    """Ranks 1..n, ties sharing their average rank."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="mergesort")
    out = np.empty(len(values))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[order[j + 1]] == values[order[i]]:
            j += 1
        out[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return out


#: Up to this many rows without ties, Spearman's p-value is exact (all n!
#: orderings); above, the usual t approximation.
SPEARMAN_EXACT = 8


def spearman(x, y):
    """Spearman's rank correlation and its two-sided p-value: exact (the
    share of the n! orderings of y whose |rho| is at least as large) for
    n <= 8 without ties, else the t approximation with n - 2 degrees of
    freedom (as scipy.stats.spearmanr), which is poor for tiny samples: for
    five rows in the same order it gives 1e-24, the exact value is 1/60."""
    rx, ry = ranks(x), ranks(y)
    n = len(rx)
    if np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return {"rho": math.nan, "p": math.nan, "p_method": None}
    rho = float(np.corrcoef(rx, ry)[0, 1])
    rho = max(-1.0, min(1.0, rho))
    if n < 3:
        return {"rho": rho, "p": math.nan, "p_method": None}
    ties = len(set(rx)) < n or len(set(ry)) < n
    if n <= SPEARMAN_EXACT and not ties:
        # Without ties rho = 1 - 6 sum d^2 / (n^3 - n): count orderings by sum d^2.
        order = rx.astype(int) - 1
        target = float(np.sum((rx - ry) ** 2))
        denom = n ** 3 - n
        extreme = 0
        total = 0
        for perm in itertools.permutations(range(1, n + 1)):
            d2 = sum((order_rank + 1 - p) ** 2 for order_rank, p in zip(order, perm))
            total += 1
            if abs(1 - 6 * d2 / denom) >= abs(1 - 6 * target / denom) - 1e-12:
                extreme += 1
        return {"rho": rho, "p": extreme / total, "p_method": "exact"}
    if abs(rho) >= 1:
        return {"rho": rho, "p": 0.0, "p_method": "t"}
    t = rho * math.sqrt((n - 2) / (1 - rho * rho))
    try:
        from scipy import stats  # statsmodels' own dependency
    except ImportError:  # pragma: no cover
        return {"rho": rho, "p": math.nan, "p_method": None}
    return {"rho": rho, "p": float(2 * stats.t.sf(abs(t), n - 2)), "p_method": "t"}


def nnls(A, b, max_iter=None):
    """Non-negative least squares, min ||A x - b|| subject to x >= 0, by
    Lawson and Hanson's active-set algorithm (Solving Least Squares
    Problems, 1974, ch. 23). Returns (x, residual norm)."""
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    m, n = A.shape
    x = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    tol = 10 * np.finfo(float).eps * np.linalg.norm(A, 1) * max(m, n)
    w = A.T @ (b - A @ x)
    iterations = 0
    max_iter = max_iter or 30 * n
    # A column whose own least-squares value comes out <= 0 the moment it
    # enters (possible only by rounding) is not offered again until the
    # solution changes: without this the loop could add and drop it forever.
    refused = np.zeros(n, dtype=bool)
    while True:
        candidates = ~passive & ~refused & (w > tol)
        if not candidates.any():
            break
        j = int(np.argmax(np.where(candidates, w, -np.inf)))
        passive[j] = True
        first = True
        while True:
            iterations += 1
            if iterations > max_iter:
                raise RuntimeError("nnls: no convergence")
            z = np.zeros(n)
            z[passive] = np.linalg.lstsq(A[:, passive], b, rcond=None)[0]
            if (z[passive] > 0).all():
                x = z
                refused[:] = False
                break
            if first and z[j] <= 0:
                passive[j] = False
                refused[j] = True
                break
            first = False
            bad = passive & (z <= 0)
            alpha = np.min(x[bad] / (x[bad] - z[bad]))
            x = x + alpha * (z - x)
            passive &= x > tol
            x[~passive] = 0
        w = A.T @ (b - A @ x)
    return x, float(np.linalg.norm(A @ x - b))


