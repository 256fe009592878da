"""The plots of ecnn.fit (docs/validation.md, "Results", below the
tables): measured energy against the model on log axes with the identity
line, one colour per group, and the log residuals against R, stride, C
and K."""
import math
import os

import numpy as np

from .analysis import groups_of
from .data import DataError

#: Above this many points, scatter points are rasterised inside vector
#: files (SVG, PDF): the text and axes stay vector, the file stays small.
RASTER = 1000


def _pyplot():
    try:
        import matplotlib
    except ImportError as e:  # pragma: no cover
        raise DataError(f"--plot needs matplotlib ({e}); on Debian: apt-get install "
                        "python3-matplotlib") from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "ecnn.fit"  # reproducible ids
    matplotlib.rcParams["svg.fonttype"] = "none"      # text stays text
    import matplotlib.pyplot as plt
    return plt


def log_scale(x, y):
    """The one factor s with mean(log(y / (s x))) = 0: the log-log fit
    with its slope held at 1. Scaled by it, the model lies on the identity
    line where it is proportional to the measurement."""
    return float(math.exp(np.mean(np.log(np.asarray(y) / np.asarray(x)))))


def plot(path, rows, analysis, xlabel, ylabel, title=None, identity=False):
    """Measured against the model (x s, s = log_scale() unless `identity`:
    the model is then taken in the measured unit), log axes, the line
    measured = model, one colour per group with its log-log R^2, slope and
    n in the legend; beside it, log10(measured / (s model)) against R,
    stride, C and K. The format follows the file name (.svg, .png, .pdf)."""
    plt = _pyplot()
    x = np.array(analysis["x"], dtype=float)
    y = np.array(analysis["y"], dtype=float)
    s = 1.0 if identity else log_scale(x, y)
    xs = s * x
    resid = np.log10(y / xs)
    n = len(y)
    raster = n > RASTER
    size = 16 if n <= 200 else (6 if n <= RASTER else 2)
    alpha = 0.85 if n <= 200 else 0.5
    entries = {g["group"]: g for g in analysis["groups"]}
    groups = [(g, m) for g, m in groups_of(rows) if g != "(all)"] or groups_of(rows)
    cmap = plt.get_cmap("tab10" if len(groups) <= 10 else "tab20")
    fig = plt.figure(figsize=(12, 5.6))
    grid = fig.add_gridspec(2, 4, width_ratios=[2.4, 0.05, 1, 1], wspace=0.35, hspace=0.45)
    ax = fig.add_subplot(grid[:, 0])
    panels = [fig.add_subplot(grid[i, 2 + j]) for i in range(2) for j in range(2)]
    features = (("R", "kernel R", False), ("stride_h", "stride", False), ("C", "C", True),
                ("K", "K", True))
    for i, (name, members) in enumerate(groups):
        colour = cmap(i % cmap.N)
        label = "all rows" if name in (None, "(all)") else str(name)
        entry = entries.get(name if name is not None else "(all)", {})
        if "loglog" in entry:
            log = entry["loglog"]
            label += (f": log-log R² = {log['r2']:.3f}, slope {log['coef'][1]:.3f}, "
                      f"n = {entry['n']}")
        ax.scatter(xs[members], y[members], s=size, color=colour, alpha=alpha, label=label,
                   linewidths=0, rasterized=raster)
        for panel, (key, _, _) in zip(panels, features):
            values = np.array([rows[j].layer[key] for j in members], dtype=float)
            panel.scatter(values, resid[members], s=max(2, size // 2), color=colour,
                          alpha=alpha, linewidths=0, rasterized=raster)
    lo = float(min(xs.min(), y.min()))
    hi = float(max(xs.max(), y.max()))
    ax.plot([lo, hi], [lo, hi], linestyle="--", color="0.3", linewidth=0.9,
            label="measured = model" + ("" if identity else " × s"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel if identity
                  else f"{xlabel}\n× s = {s:.4g} (the log-log fit with slope 1)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", linewidth=0.4, alpha=0.5)
    pooled = entries.get("(all)", {}).get("loglog")
    legend_title = "log-log fits: log measured = a + b log model"
    if pooled is not None and len(groups) > 1:
        legend_title += f"\npooled: R² = {pooled['r2']:.3f}, slope {pooled['coef'][1]:.3f}"
    ax.legend(fontsize="x-small", title=legend_title, title_fontsize="x-small",
              loc="upper left", markerscale=max(1, 12 / size) ** 0.5)
    for panel, (key, label, logx) in zip(panels, features):
        panel.axhline(0, color="0.3", linewidth=0.8, linestyle="--")
        if logx:
            panel.set_xscale("log")
        panel.set_xlabel(label, fontsize="small")
        panel.tick_params(labelsize="x-small")
        panel.grid(True, linewidth=0.3, alpha=0.5)
    panels[0].set_ylabel("log10(measured / model" + ("" if identity else " × s") + ")",
                         fontsize="x-small")
    panels[2].set_ylabel(panels[0].get_ylabel(), fontsize="x-small")
    fig.subplots_adjust(left=0.07, right=0.98, top=0.92 if title else 0.96, bottom=0.14)
    ext = os.path.splitext(path)[1].lower().lstrip(".") or "svg"
    fig.savefig(path, format=ext, dpi=150 if ext == "png" or raster else None,
                metadata={"Date": None} if ext in ("svg", "pdf") else None)
    plt.close(fig)
    return {"scale": s, "rasterised": raster}
