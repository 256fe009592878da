"""The reports of ecnn.fit: text for people, JSON with every figure
(docs/validation.md, "Method")."""
import json
import math

import numpy as np

from .analysis import COLLINEAR, CONDITION_WARN
from .heldout import PREDICTORS
from .model import ENERGY_KEYS
from .stats import format_p


def _g(v, digits=4):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "nan"
    return f"{v:.{digits}g}"


def _ci(pair, digits=4):
    lo, hi = pair
    if lo is None or (isinstance(lo, float) and math.isnan(lo)):
        return "-"
    return f"[{_g(lo, digits)}, {_g(hi, digits)}]"


def _pct(v):
    return "nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.2%}"


def coef_table(fit, out, indent="      "):
    out.append(f"{indent}{'term':<18} {'coef':>12} {'std err':>10} {'HC3 err':>10} "
               f"{'p':>9} {'HC3 p':>9}   95% CI (HC3)")
    for i, name in enumerate(fit["names"]):
        out.append(f"{indent}{name:<18} {_g(fit['coef'][i], 6):>12} {_g(fit['se'][i]):>10} "
                   f"{_g(fit['se_hc3'][i]):>10} {format_p(fit['p'][i]):>9} "
                   f"{format_p(fit['p_hc3'][i]):>9}   {_ci(fit['ci'][i])}")


_ROWS = (("macs_linear", "MACs, linear", "y = a + b MACs"),
         ("macs_loglog", "MACs, log-log", "log y = a + b log MACs"),
         ("linear", "model, linear", "y = a + b model"),
         ("loglog", "model, log-log", "log y = a + b log model"),
         ("relative", "model, relative", "y = a + b model, weights 1/y^2"))


def group_text(entry, out):
    out.append("")
    out.append(f"== {entry['group']} (n = {entry['n']})")
    if "skipped" in entry:
        out.append(f"   skipped: {entry['skipped']}")
        return
    out.append(f"   {'fit':<16} {'':<31} {'R^2':>7} {'95% CI (bootstrap)':>19} {'b':>10} "
               f"{'95% CI of b (HC3)':>22}  rel. error median / p95")
    for key, label, form in _ROWS:
        f = entry.get(key)
        if not f:
            continue
        ci = _ci(f.get("r2_ci", (None, None)))
        out.append(f"   {label:<16} {form:<31} {f['r2']:>7.4f} {ci:>19} "
                   f"{_g(f['coef'][1], 5):>10} {_ci(f['ci'][1]):>22}  "
                   f"{_pct(f['errors']['median'])} / {_pct(f['errors']['p95'])}")
    nested = entry.get("nested")
    if nested:
        out.append("   does the model explain what the MACs do not? log y = a + b log MACs + "
                   "c log(model/MACs)")
        if "skipped" in nested:
            out.append(f"      not tested: {nested['skipped']}")
        else:
            df1, df2 = nested["df"]
            verdict = "yes" if nested["p"] < 0.05 and nested["p_hc3"] < 0.05 else (
                "no" if nested["p"] >= 0.05 and nested["p_hc3"] >= 0.05 else
                "the classical and robust tests disagree")
            out.append(f"      c = {_g(nested['coef'], 4)}, 95% CI (HC3) {_ci(nested['ci'])}; "
                       f"F({df1}, {df2}) = {_g(nested['f'], 4)}, p = {format_p(nested['p'])}; "
                       f"HC3 p = {format_p(nested['p_hc3'])}; R^2 = "
                       f"{nested['restricted']['r2']:.4f} -> {nested['full']['r2']:.4f}: "
                       f"{verdict} at 5 %")
    sp = entry["spearman"]
    how = {"exact": " (exact)", "t": " (t approximation)"}.get(sp["p_method"], "")
    out.append(f"   Spearman rank correlation: rho = {_g(sp['rho'], 4)}, p = {format_p(sp['p'])}"
               f"{how}")
    lin, log = entry["linear"], entry["loglog"]
    out.append(f"   linear: measured = a + b * model   R^2 = {lin['r2']:.4f} (adj "
               f"{lin['adj_r2']:.4f}), F p = {format_p(lin['f_p'])}, max relative error "
               f"{_pct(lin['errors']['max'])}")
    coef_table(lin, out)
    out.append(f"   log-log: log measured = a + b * log model   R^2 = {log['r2']:.4f}, F p = "
               f"{format_p(log['f_p'])}, max relative error {_pct(log['errors']['max'])}")
    coef_table(log, out)
    comp = entry.get("components")
    if comp:
        if "skipped" in comp:
            out.append(f"   components: skipped ({comp['skipped']})")
        else:
            terms = " + ".join(f"b{i} {n}" for i, n in enumerate(comp["names"][1:], 1))
            out.append(f"   components: measured = a + {terms}   R^2 = {comp['r2']:.4f}, "
                       f"F p = {format_p(comp['f_p'])}, condition number {comp['condition']:.3g}")
            coef_table(comp, out)
            if comp["collinear"]:
                out.append("      the components are collinear in this group (condition "
                           f"number > {COLLINEAR:.0e}): their separate coefficients, t and p "
                           "are not determined")
            elif comp["condition"] > CONDITION_WARN:
                out.append(f"      condition number > {CONDITION_WARN}: nearly collinear, the "
                           "separate coefficients are unreliable")
            if comp["dropped"]:
                out.append(f"      constant in this group, left out: {', '.join(comp['dropped'])}")


def paper_text(paper, total, out):
    out.append("")
    out.append(f"== the paper's form: measured = b * f through the origin, one b over all "
               f"{total} rows")
    out.append(f"   {'f':<16} {'n':>6} {'b':>12} {'95% CI of b (HC3)':>26} {'R^2':>7}  "
               "rel. error median / p95")
    for entry in paper:
        if "skipped" in entry:
            out.append(f"   {entry['regressor']:<16} skipped: {entry['skipped']}")
            continue
        f = entry["pooled"]
        missing = f" ({entry['missing']} rows without a value)" if entry["missing"] else ""
        out.append(f"   {entry['regressor']:<16} {entry['n']:>6} {_g(f['coef'][0], 6):>12} "
                   f"{_ci(f['ci'][0], 5):>26} {f['r2']:>7.4f}  {_pct(f['errors']['median'])} / "
                   f"{_pct(f['errors']['p95'])}{missing}")
    names = [e["group"] for e in paper[0].get("groups", [])] if paper else []
    if names:
        out.append("   per group: R^2 with the one b above (with the group's own b)")
        usable = [e for e in paper if "skipped" not in e]
        out.append("      " + f"{'group':<10}" + "".join(f"{e['regressor']:>20}" for e in usable))
        for i, name in enumerate(names):
            cells = []
            for e in usable:
                g = next((x for x in e["groups"] if x["group"] == name), None)
                cells.append("-" if g is None else f"{g['r2_pooled_b']:.4f} ({g['r2_own_b']:.4f})")
            out.append("      " + f"{str(name):<10}" + "".join(f"{c:>20}" for c in cells))


def errors_table(errors, out, indent="   "):
    out.append(f"{indent}{'prediction':<62} {'median':>8} {'p95':>8} {'max':>8} "
               f"{'log bias':>9} {'log R^2':>8}")
    for key, label in PREDICTORS.items():
        e = errors.get(key)
        if e is None:
            continue
        warn = f"  ({e['nonpositive']} predictions <= 0)" if e["nonpositive"] else ""
        out.append(f"{indent}{label:<62} {_pct(e['median']):>8} {_pct(e['p95']):>8} "
                   f"{_pct(e['max']):>8} {_g(e['log_bias'], 3):>9} {_g(e['log_r2'], 4):>8}{warn}")


def heldout_text(held, out):
    out.append("")
    out.append(f"== held out: calibrated on {held['train']} ({held['n_train']} rows), "
               f"predicting {held['test']} ({held['n_test']} rows) without its measured energies")
    errors_table(held["errors"], out)
    e = held["energies"]
    out.append("   calibrated energies: " + ", ".join(f"{k} {e[k]:.4g}" for k in ENERGY_KEYS)
               + f"; scale factors: model {held['scales']['model']:.4g}, MACs "
               f"{held['scales']['macs']:.4g}")
    if len(held["groups"]) > 1:
        out.append("   per group of the tested rows, median error: calibrated / MACs x one factor")
        for g in held["groups"]:
            out.append(f"      {str(g['group']):<12} n = {g['n']:<6} "
                       f"{_pct(g['errors']['calibrated']['median'])} / "
                       f"{_pct(g['errors']['macs_scale']['median'])}")


def cv_text(cv, out):
    out.append("")
    out.append(f"== cross-validation: {cv['how']}; each row predicted by the calibration on the "
               "other folds")
    errors_table(cv["pooled"], out)
    out.append("   per fold, median error: calibrated / model x one factor / MACs x one factor")
    for f in cv["folds"]:
        e = f["errors"]
        out.append(f"      {str(f['fold']):<12} n = {f['n']:<6} "
                   f"{_pct(e['calibrated']['median'])} / "
                   f"{_pct(e['model_scale']['median'])} / {_pct(e['macs_scale']['median'])}")


def calibration_text(calibration, calibrated, out):
    out.append("")
    out.append("== calibration (non-negative least squares, "
               f"{calibration['weights']} errors, over all {len(calibration['predicted'])} rows)")
    for k in ENERGY_KEYS:
        mark = " (fixed)" if k in calibration["fixed"] else (
            " (at the bound 0)" if calibration["energies"][k] == 0 else "")
        out.append(f"   {k:<11} = {calibration['energies'][k]:.6g}{mark}")
    eff = calibration["effective"]
    out.append(f"   determined by any data (docs/validation.md): per word read from DRAM "
               f"(dram_read + buf_write) {eff['per_dram_read_word']:.6g}, per MAC (3 buf_read "
               f"+ buf_write + mac) {eff['per_mac']:.6g}, per output word written back "
               f"without a spill (dram_write - buf_read) {eff['per_output_word']:.6g}")
    e = calibration["errors"]
    out.append(f"   relative error of the calibrated energies (no further fit): median "
               f"{e['median']:.2%}, 95th percentile {e['p95']:.2%}, max {e['max']:.2%}")
    if calibration["weak_directions"]:
        out.append("   combinations the data leave undetermined (singular value ratio below "
                   "1e-5: the reference ratios decide them) or poorly determined (below 1e-3):")
        for weak in calibration["weak_directions"]:
            terms = " ".join(f"{c:+.3g} {k}" for k, c in weak["direction"].items())
            out.append(f"      {terms}   (singular value ratio {weak['singular_ratio']:.1e})")
    if calibrated is not None:
        out.append("   re-evaluated with the calibrated energies (the dataflow is chosen "
                   "again):")
        for entry in calibrated["groups"]:
            if "skipped" in entry:
                continue
            out.append(f"      {str(entry['group']):<10} n = {entry['n']:<6} R^2 = "
                       f"{entry['linear']['r2']:.4f}  p = {format_p(entry['linear']['p'][1])}  "
                       f"log-log R^2 = {entry['loglog']['r2']:.4f}")


def report_text(header, analysis, warnings=(), calibration=None, calibrated=None, paper=None,
                held=None, cv=None):
    out = list(header)
    if warnings:
        out.append("")
        out.append(f"warnings ({len(warnings)}):")
        for _, message in warnings:
            out.append(f"   - {message}")
    for entry in analysis["groups"]:
        group_text(entry, out)
    if paper is not None:
        paper_text(paper, len(analysis["y"]), out)
    if calibration is not None:
        calibration_text(calibration, calibrated, out)
    if held is not None:
        heldout_text(held, out)
    if cv is not None:
        cv_text(cv, out)
    return "\n".join(out) + "\n"


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.floating, np.integer)):
        return _jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _strip(groups):
    """Group entries without the per-row vectors (fitted values, residuals)."""
    out = []
    for g in groups:
        g = dict(g)
        for part, f in list(g.items()):
            if isinstance(f, dict):
                f = {k: v for k, v in f.items() if k not in ("fitted", "resid")}
                if "full" in f:  # the nested test's two fits
                    for sub in ("full", "restricted"):
                        f[sub] = {k: v for k, v in f[sub].items() if k not in ("fitted", "resid")}
                g[part] = f
        out.append(g)
    return out


def report_json(meta, analysis, warnings=(), calibration=None, calibrated=None, paper=None,
                held=None, cv=None):
    doc = dict(meta)
    doc["model"] = analysis["x"]
    doc["measured"] = analysis["y"]
    doc["macs"] = analysis["macs"]
    doc["warnings"] = [{"code": c, "message": m} for c, m in warnings]
    doc["groups"] = _strip(analysis["groups"])
    if paper is not None:
        doc["paper_form"] = paper
    if calibration is not None:
        doc["calibration"] = calibration
    if calibrated is not None:
        doc["calibrated"] = {"model": calibrated["x"], "groups": _strip(calibrated["groups"])}
    if held is not None:
        doc["heldout"] = held
    if cv is not None:
        doc["cross_validation"] = cv
    return json.dumps(_jsonable(doc), indent=1) + "\n"
