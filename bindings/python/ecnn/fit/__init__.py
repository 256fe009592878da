"""python3 -m ecnn.fit: the model against measured energies.

Given a CSV file of convolutional layers with a measured energy per row (a
simulator's estimate or a silicon measurement) and a memory description,
evaluates the model for every distinct layer and answers a referee's
questions (docs/validation.md):

- does the model explain more than counting MACs? The MAC count alone and
  the model, linear and log-log, side by side, and the nested F test of
  log(model / MACs) given log MACs, per group and pooled;
- how sure is each figure? Classical and HC3 (heteroscedasticity-robust)
  standard errors and 95 % intervals of every coefficient, bootstrap
  intervals of R^2 (seeded), p-values below double precision as
  "< 1e-300", a fit weighted for relative error beside the log-log one;
- does a calibration carry over? Held-out predictions (--calibrate-on,
  --test-on, --cv K, --cv group) with no fitted slope, against one scale
  factor on the MAC count;
- the paper's own form (--asymptotic): measured = b * the asymptotic
  energy of a named policy, through the origin, one b per architecture;
- warnings: calibrated energies at the bound 0, negative coefficients,
  collinear components, negative fitted values, duplicate rows (--dedupe);
- plots (--plot FILE.svg|png): log-log scatter with the identity line, a
  colour per group, residuals against R, stride, C and K; and a calibration
  of the five per-access energies (--calibrate FILE) as a memory file that
  `ecnn --memory FILE` and `ecnn.Memory.from_file()` read.

    python3 -m ecnn.fit simba_sweeps.csv --measured timeloop_data_pJ \\
        --group-by sweep --capacity 65536 --plot simba.svg

Modules: data (the CSV file), model (evaluation, once per distinct layer,
in parallel), hierarchy (--arch: the layers on a Timeloop architecture,
through the ecnn command-line tool), stats, analysis, calibration, heldout,
plots, report, cli.
Needs numpy and scipy (matplotlib for --plot; the tests also compare with
statsmodels); the core binding (`import ecnn`) does not import this
package and needs none of them.
"""
import sys

try:
    import numpy  # noqa: F401
    import scipy.stats  # noqa: F401
except ImportError as _e:  # pragma: no cover
    if sys.argv[:1] == ["-m"]:  # python3 -m ecnn.fit: a message, not a traceback
        sys.exit(f"ecnn.fit: needs numpy and scipy ({_e}); on Debian: apt-get install "
                 "python3-numpy python3-scipy python3-matplotlib")
    raise ImportError(f"ecnn.fit needs numpy and scipy: {_e}") from _e

from .analysis import (COLLINEAR, COMPONENTS, CONDITION_WARN, analyse, fit_group, group_warnings,
                       groups_of, paper_form, paper_regressors)
from .calibration import calibrate, calibration_warnings
from .cli import main, parser, run
from .data import (LAYER_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, DataError, Row, dedupe,
                   duplicates, layer_key, parse_csv, read_csv)
from . import hierarchy  # noqa: F401  (ecnn.fit.hierarchy)
from .heldout import PREDICTORS, by_group, cross_validate, kfold, predict, score, side
from .model import (_DEFAULT_ENERGY, DEFAULT_ENERGY, ENERGY_KEYS, NAMED, POLICIES, QUANTITIES,
                    Model, Progress, asymptotic, counts, make_memory, memory_params, quantity)
from .report import report_json, report_text
from .stats import (P_FLOOR, SPEARMAN_EXACT, bootstrap_r2, bootstrap_r2_many, condition_number,
                    format_p, nested_f, nnls, ols, ranks, relative_errors, scale_factor,
                    spearman)


