"""The analysis of ecnn.fit (docs/validation.md, "Method"): per group and
pooled, the MAC baselines beside the model, linear and log-log, the nested
test of what the model adds to counting MACs, Spearman, the components
regression, the paper's form (through the origin, on the asymptotic
formulas), and the warnings they call for."""
import math

import numpy as np

from .data import DataError
from .model import counts, quantity
from .stats import bootstrap_r2_many, format_p, nested_f, ols, relative_errors, spearman

#: --components: name -> (label, the count from a Result).
COMPONENTS = {
    "dram": ("DRAM words", lambda r: r.dram_total),
    "buffer": ("Buffer accesses", lambda r: r.buffer_reads.total + r.buffer_writes.total),
    "mac": ("MACs", lambda r: r.macs),
}
#: Above this condition number the components regression's separate
#: coefficients are not determined (the regressors are collinear).
COLLINEAR = 1e6
#: Above this one they are poorly determined, and the tool warns (Belsley,
#: Kuh and Welsch: condition indexes of 30 to 100 mean moderate to strong
#: dependencies).
CONDITION_WARN = 100
#: log(model / MACs) varying less than this across a group: the model is
#: proportional to the MACs there, and the nested test has nothing to test.
FLAT = 1e-9


def _with_errors(fit, y, fitted=None):
    fit["errors"] = relative_errors(y, fit["fitted"] if fitted is None else fitted)
    return fit


def fit_group(x, y, macs=None, components=None, component_names=(), bootstrap=0, seed=1):
    """Every figure of one group.

    - "linear", "loglog": OLS of y on x, and of log y on log x;
      "relative": y on x weighted by 1/y^2 (least squares of the relative
      errors); each with the relative errors |y - fitted| / y after it
      (log-log: of exp(fitted)), and the bootstrap 95 % interval of the R^2
      ("r2_ci", `bootstrap` resamples seeded with `seed`, none if 0).
    - "spearman".
    - with macs: "macs_linear", "macs_loglog", the same fits on the MAC
      count alone (the baseline), and "nested": the F test of log y on log
      MACs and log(x / MACs) against log y on log MACs alone: does the
      model explain what the MACs do not? Its coefficient c says how
      steeply the measured energy per MAC follows the model's (1:
      proportionally).
    - with components (n x k counts named component_names): their multiple
      regression."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = {"n": len(y)}
    ly = np.log(y)

    def pair(regressor, name):
        lin = _with_errors(ols(y, regressor, ["intercept", name]), y)
        log = ols(ly, np.log(regressor), ["intercept", "log " + name])
        _with_errors(log, y, np.exp(log["fitted"]))
        return lin, log

    boot = [(x, y), (np.log(x), ly)]
    out["linear"], out["loglog"] = pair(x, "model")
    out["relative"] = _with_errors(ols(y, x, ["intercept", "model"], weights=1 / (y * y)), y)
    out["spearman"] = spearman(x, y)
    if macs is not None:
        macs = np.asarray(macs, dtype=float)
        if np.ptp(macs) > 0:
            out["macs_linear"], out["macs_loglog"] = pair(macs, "MACs")
            boot += [(macs, y), (np.log(macs), ly)]
            per_mac = np.log(x / macs)
            if np.ptp(per_mac) > FLAT * max(1.0, float(np.max(np.abs(per_mac)))) \
                    and len(y) >= 4:
                out["nested"] = nested_f(ly, np.log(macs), per_mac,
                                         ["intercept", "log MACs", "log(model/MACs)"])
            else:
                out["nested"] = {"skipped": "the model is proportional to the MACs in this group"
                                 if len(y) >= 4 else f"{len(y)} rows: too few (at least 4)"}
        else:
            out["nested"] = {"skipped": "the MAC count is the same on every row"}
    # The same resamples for every fit, so that their intervals compare.
    intervals = bootstrap_r2_many(boot, bootstrap, seed)
    for key, ci in zip(("linear", "loglog", "macs_linear", "macs_loglog"), intervals):
        out[key]["r2_ci"] = ci
    if components is not None:
        comp = np.asarray(components, dtype=float)
        keep = [j for j in range(comp.shape[1]) if np.ptp(comp[:, j]) > 0]
        names = list(component_names)
        if keep and len(y) >= len(keep) + 2:
            c = _with_errors(ols(y, comp[:, keep], ["intercept"] + [names[j] for j in keep]), y)
            c["dropped"] = [names[j] for j in range(comp.shape[1]) if j not in keep]
            c["collinear"] = c["condition"] > COLLINEAR
            out["components"] = c
        else:
            out["components"] = {"skipped": f"{len(y)} rows, {len(keep)} varying components"}
    return out


def groups_of(rows):
    """[(name, [row indices])] in order of first appearance, then ("(all)",
    every row); just [("(all)", every row)] when the rows have no group."""
    everything = ("(all)", list(range(len(rows))))
    if all(row.group is None for row in rows):
        return [everything]
    order, members = [], {}
    for i, row in enumerate(rows):
        if row.group not in members:
            order.append(row.group)
            members[row.group] = []
        members[row.group].append(i)
    return [(g, members[g]) for g in order] + [everything]


def analyse(rows, model, which="total", components=(), bootstrap=0, seed=1, results=None):
    """Every group's fits of the measured energies on the model's;
    components: names of COMPONENTS to regress on as well; results: the
    model's Results of the rows if already known. Returns {"x", "y",
    "macs", "results", "groups", "warnings"}."""
    if results is None:
        results = model.evaluate_all(rows)
    x = np.array([quantity(r, which) for r in results])
    y = np.array([row.measured for row in rows])
    macs = np.array([r.macs for r in results], dtype=float)
    comp = np.array([[COMPONENTS[c][1](r) for c in components] for r in results],
                    dtype=float) if components else None
    labels = [COMPONENTS[c][0] for c in components]
    groups = []
    bad = x <= 0
    for name, members in groups_of(rows):
        entry = {"group": name, "n": len(members)}
        if bad[members].any():
            entry["skipped"] = (f"{int(bad[members].sum())} rows where the model's "
                                f"{which} energy is 0: no log-log fit")
        else:
            try:
                entry.update(fit_group(x[members], y[members], macs[members],
                                       comp[members] if comp is not None else None, labels,
                                       bootstrap, seed))
            except DataError as e:
                entry["skipped"] = str(e)
        groups.append(entry)
    analysis = {"x": x.tolist(), "y": y.tolist(), "macs": macs.tolist(), "results": results,
                "groups": groups}
    analysis["warnings"] = [w for g in groups for w in group_warnings(g)]
    return analysis


_FITS = (("linear", "model, linear"), ("relative", "model, relative (weights 1/y^2)"),
         ("macs_linear", "MACs, linear"), ("components", "components"))


def group_warnings(entry):
    """[(code, message)] for one group's fits: negative fitted values (a
    linear fit whose intercept dominates small layers), negative slopes
    (a negative energy per unit), nearly collinear components."""
    out = []
    if "skipped" in entry:
        return out
    where = f"group {entry['group']}"
    for key, label in _FITS:
        f = entry.get(key)
        if not f or "fitted" not in f:
            continue
        negative = sum(1 for v in f["fitted"] if v <= 0)
        if negative:
            out.append(("negative-fitted",
                        f"{where}: {label}: {negative} of {f['n']} fitted values are <= 0 "
                        f"(intercept {f['coef'][0]:.4g}): this fit predicts no or negative "
                        "energy for the small layers; read the log-log fit instead"))
        for name, c, p in zip(f["names"][1:], f["coef"][1:], f["p_hc3"][1:]):
            if c < 0:
                out.append(("negative-coefficient",
                            f"{where}: {label}: the coefficient of {name} is {c:.4g} < 0 "
                            f"(HC3 p = {format_p(p)}): a negative energy per unit is not "
                            "physical" + ("; the components are collinear, see the condition "
                                          "number" if key == "components"
                                          and f["condition"] > CONDITION_WARN else "")))
    comp = entry.get("components")
    if comp and "condition" in comp and comp["condition"] > CONDITION_WARN:
        out.append(("condition-number",
                    f"{where}: components: condition number {comp['condition']:.3g} > "
                    f"{CONDITION_WARN}: the components are nearly collinear; their separate "
                    "coefficients, standard errors and p-values are unreliable"
                    + (" (not determined at all: above 1e6)" if comp["collinear"] else "")))
    log = entry.get("loglog")
    if log and log["coef"][1] < 0:
        out.append(("negative-coefficient",
                    f"{where}: model, log-log: the slope is {log['coef'][1]:.4g} < 0: the "
                    "measured energy falls as the model's grows"))
    return out


# --- the paper's form --------------------------------------------------------------


def paper_form(rows, y, regressors, weights=None):
    """The form of the seed paper's statistical tests: measured = b * f
    through the origin, one coefficient b per architecture (the pooled
    rows), for each regressor f ({name: [value or None per row]}: the
    asymptotic energy of a named policy, the model's exact energy, the
    MACs). Per regressor: the pooled fit (b, its HC3 95 % interval, R^2
    about the mean, the relative errors) and, per group, the R^2 and the
    median relative error of the pooled b, and the group's own b."""
    y = np.asarray(y, dtype=float)
    out = []
    for name, values in regressors.items():
        ok = np.array([v is not None and v > 0 for v in values])
        entry = {"regressor": name, "n": int(ok.sum()), "missing": int((~ok).sum())}
        if ok.sum() < 2:
            entry["skipped"] = f"{int(ok.sum())} rows with a value"
            out.append(entry)
            continue
        f = np.array([v if v is not None else 0.0 for v in values], dtype=float)
        pooled = ols(y[ok], f[ok], ["b"], origin=True,
                     weights=None if weights is None else np.asarray(weights)[ok])
        b = pooled["coef"][0]
        pooled["errors"] = relative_errors(y[ok], b * f[ok])
        pooled = {k: v for k, v in pooled.items() if k not in ("fitted", "resid")}
        entry["pooled"] = pooled
        per_group = []
        for group, members in groups_of(rows):
            m = [i for i in members if ok[i]]
            if group == "(all)" or len(m) < 2:
                continue
            yy, ff = y[m], f[m]
            sst = float(np.sum((yy - yy.mean()) ** 2))
            sse = float(np.sum((yy - b * ff) ** 2))
            own = float(ff @ yy / (ff @ ff))
            sse_own = float(np.sum((yy - own * ff) ** 2))
            per_group.append({
                "group": group, "n": len(m),
                "r2_pooled_b": 1 - sse / sst if sst > 0 else math.nan,
                "median_error_pooled_b": float(np.median(np.abs(yy - b * ff) / yy)),
                "own_b": own, "r2_own_b": 1 - sse_own / sst if sst > 0 else math.nan,
            })
        entry["groups"] = per_group
        out.append(entry)
    return out


def paper_regressors(rows, analysis, asym):
    """The regressors of paper_form(): each named policy's asymptotic
    energy, the model's energy, the MACs."""
    regs = {f"asymptotic {p.upper()}": v for p, v in asym.items()}
    regs["model (exact)"] = list(analysis["x"])
    regs["MACs"] = list(analysis["macs"])
    return regs


def counts_matrix(results):
    return np.array([counts(r) for r in results], dtype=float)
