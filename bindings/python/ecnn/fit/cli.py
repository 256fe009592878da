"""The command line of ecnn.fit: python3 -m ecnn.fit (docs/validation.md,
"Using the tool")."""
import argparse
import json
import os
import sys
import time

import numpy as np

from .. import memfile
from .._errors import EcnnError
from .analysis import COMPONENTS, analyse, groups_of, paper_form, paper_regressors
from .calibration import calibrate, calibration_warnings
from .data import DataError, dedupe, duplicates, read_csv
from .hierarchy import (HIER_QUANTITIES, compare, evaluate, find_tool, per_mac_table)
from .hierarchy import report_text as hier_report_text
from .heldout import by_group, cross_validate, kfold, predict, score, side
from .model import (DEFAULT_ENERGY, ENERGY_KEYS, POLICIES, QUANTITIES, Model, asymptotic, counts,
                    jobs_default, make_memory, memory_params, quantity)
from .report import report_json, report_text


def _energy_arg(text):
    try:
        return memfile.parse_energy(text, "energy")
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _whole_arg(minimum):
    """An argparse type: a whole number >= minimum."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum {minimum}")
        return value
    return parse


def _fix_arg(text):
    key, sep, value = text.partition("=")
    key = key.strip().lower()
    if not sep or key not in ENERGY_KEYS:
        raise argparse.ArgumentTypeError(f"'{text}' is not KEY=VALUE with KEY one of "
                                         f"{', '.join(ENERGY_KEYS)}")
    return key, _energy_arg(value.strip())


def parser():
    p = argparse.ArgumentParser(
        prog="python3 -m ecnn.fit",
        description="Fits measured energies of convolutional layers to the energy complexity "
                    "model (docs/validation.md).")
    p.add_argument("csv", nargs="?",
                   help="CSV file, one layer a row: columns C K R S P Q (and N G Hstride "
                   "Wstride Hdilation Wdilation, default 1; no padding) and the measured energy; "
                   "may be left out when --test-on names the file to analyse")
    p.add_argument("--measured", required=True, metavar="COLUMN",
                   help="the column of measured energies, e.g. timeloop_data_pJ")
    p.add_argument("--group-by", metavar="COLUMN",
                   help="fit each value of this column separately (e.g. sweep), and all rows")
    p.add_argument("--quantity", choices=sorted(QUANTITIES), default="total",
                   help="the model quantity regressed on (default total: the model's energy)")
    p.add_argument("--components", nargs="?", const="dram,buffer,mac", metavar="LIST",
                   help="also regress on the model's components: a comma list of dram (DRAM "
                        "words), buffer (Buffer accesses), mac (MACs); default all three")
    d = p.add_argument_group("dataflow")
    d.add_argument("--policy", default="optimal", metavar="P",
                   help="optimal (default: the minimum-energy dataflow over all loop orders), "
                        "best (the best of os, ws, is), os, ws, is, or an 8-letter loop order")
    d.add_argument("--reuse", choices=("slide", "refetch"), default="slide")
    d.add_argument("--footprint", choices=("exact", "bbox"), default="exact")
    m = p.add_argument_group("memory (default: a shared Buffer of 65536 words, DRAM 200, Buffer "
                             "6, MAC 1; flags override the file key by key)")
    m.add_argument("--memory", metavar="FILE", help="a memory description file (key = value)")
    m.add_argument("--capacity", "-M", metavar="SIZE", help="Buffer capacity, e.g. 65536 or 64Ki")
    m.add_argument("--word-bytes", type=_whole_arg(1), metavar="N",
                   help="bytes per word, to read sizes given in bytes (128KiB)")
    m.add_argument("--partition", metavar="I,W,O",
                   help="a partitioned Buffer (or --partition-i, -w, -o SIZE)")
    for t in "iwo":
        m.add_argument(f"--partition-{t}", metavar="SIZE", help=argparse.SUPPRESS)
    m.add_argument("--choose-partition", action="store_true",
                   help="partition the capacity the cheapest way")
    helps = {"dram_read": "energy of one word read from DRAM",
             "dram_write": "energy of one word written to DRAM",
             "buf_read": "energy of one word read from the Buffer",
             "buf_write": "energy of one word written to the Buffer",
             "mac": "energy of one MAC"}
    for key in ENERGY_KEYS:
        m.add_argument("--" + key.replace("_", "-"), dest=key, type=_energy_arg, metavar="E",
                       help=helps[key])
    o = p.add_argument_group("output")
    o.add_argument("--format", choices=("text", "json"), default="text")
    o.add_argument("--plot", metavar="FILE.svg",
                   help="measured against the model, log scales (SVG; .png or .pdf by the name)")
    o.add_argument("--title", help="the plot's title")
    o.add_argument("--identity", action="store_true",
                   help="plot the model as it is against the identity line (when its energies "
                        "are in the measured unit, e.g. calibrated); by default the model is "
                        "scaled by one factor first")
    s = p.add_argument_group("statistics")
    s.add_argument("--bootstrap", type=_whole_arg(0), default=1000, metavar="N",
                   help="resamples for the bootstrap intervals of R^2 (default 1000, 0: none)")
    s.add_argument("--seed", type=int, default=1,
                   help="seed of the bootstrap and of the --cv folds (default 1)")
    s.add_argument("--dedupe", action="store_true",
                   help="drop rows that repeat an earlier row (same layer, same measured energy)")
    s.add_argument("--asymptotic", action="store_true",
                   help="also the paper's form: measured = b * f through the origin, one b over "
                        "all rows, for f the asymptotic energy of OS, WS and IS (ec_asymptotic), "
                        "the model's energy and the MACs")
    s.add_argument("--jobs", "-j", type=_whole_arg(0), metavar="N",
                   help="processes evaluating the model (default: the CPUs available, at most "
                        "8, also for 0; 1: this process only)")
    h = p.add_argument_group("held-out evaluation (calibrate on some rows, predict others)")
    h.add_argument("--calibrate-on", metavar="FILE",
                   help="calibrate the energies on this CSV file (default: the CSV file)")
    h.add_argument("--test-on", metavar="FILE",
                   help="predict this CSV file's energies from the calibration (default: the "
                        "CSV file)")
    h.add_argument("--cv", metavar="K|group",
                   help="cross-validation: K shuffled folds (seeded), or 'group': leave one "
                        "group of --group-by out")
    a = p.add_argument_group("hierarchy (a Timeloop architecture, evaluated by the ecnn tool's "
                             "mapper; docs/validation.md, \"The fit on a hierarchy\")")
    a.add_argument("--arch", metavar="ARCH",
                   help="also evaluate every layer on this architecture (a preset, "
                        "simba_like or eyeriss_like, or a Timeloop arch YAML file) with the "
                        "best mapping `ecnn net --arch` finds, and compare its R^2 with the "
                        "two-level model's and the MACs'")
    a.add_argument("--ert", metavar="FILE", help="the energy reference table (Accelergy ERT "
                   "YAML; default: the one beside the architecture)")
    a.add_argument("--constraints", action="append", default=[], metavar="FILE",
                   help="Timeloop constraint files (repeatable; default: those beside the "
                        "architecture)")
    a.add_argument("--ecnn", metavar="PATH",
                   help="the ecnn command-line tool (default: $ECNN_CLI, else build/tools/ecnn "
                        "of this source tree, else ecnn on PATH)")
    a.add_argument("--kernel-group", default="kernels", metavar="NAME",
                   help="the --group-by value whose rows the energy-per-MAC table lists "
                        "(default kernels)")
    c = p.add_argument_group("calibration")
    c.add_argument("--calibrate", metavar="FILE",
                   help="fit the five per-access energies (non-negative least squares) and write "
                        "them as a memory description file")
    c.add_argument("--fix", action="append", type=_fix_arg, default=[], metavar="KEY=E",
                   help="hold an energy at a value while calibrating (repeatable), e.g. mac=0 "
                        "when the measured energy leaves out the arithmetic; also for the "
                        "held-out calibrations")
    c.add_argument("--weights", choices=("relative", "absolute"), default="relative",
                   help="minimise squared relative errors (default) or squared errors, in "
                        "calibrations and scale factors")
    return p


def _policy(text):
    low = text.lower()
    if low in POLICIES:
        return low
    if len(text) == 8 and sorted(text.upper()) == sorted("NGKCPQRS"):
        return text.upper()
    raise DataError(f"--policy: '{text}' is not one of {', '.join(POLICIES)} or an 8-letter "
                    "loop order such as NGKPQCRS")


def load_rows(path, args, warnings, what):
    """The rows of one CSV file, the duplicate check, --dedupe."""
    rows = read_csv(path, args.measured, args.group_by)
    dup = duplicates(rows)
    copies = len(dup["copies"])
    note = ""
    if copies and args.dedupe:
        rows = dedupe(rows)
        note = f", {copies} duplicate rows dropped (--dedupe)"
    elif copies:
        first = min(dup["copies"])
        across = sum(1 for i, j in dup["copies"].items() if rows[i].group != rows[j].group)
        where = (f"; {across} of them in another group than the row they copy, so --dedupe "
                 "also shrinks those groups" if across else "")
        warnings.append(("duplicate-rows",
                         f"{what}: {copies} of {len(rows)} rows repeat an earlier row (the same "
                         f"layer and measured energy; the first is line {rows[first].line}, a "
                         f"copy of line {rows[dup['copies'][first]].line}): they count as "
                         "independent evidence in every fit, narrow every interval and leak "
                         f"between cross-validation folds; --dedupe drops them{where}"))
    if dup["repeated_layers"]:
        warnings.append(("repeated-layers",
                         f"{what}: {dup['repeated_layers']} layers appear on "
                         f"{dup['repeated_rows']} rows with different measured energies: "
                         "replicates whose spread no model of the layer can explain"))
    return rows, note


def _sides(rows, results, which, with_y):
    return side([counts(r) for r in results], [quantity(r, which) for r in results],
                [r.macs for r in results], [row.measured for row in rows] if with_y else None)


def run(argv=None, stdout=None, stderr=None):
    """The command; returns the exit status (0 fine, 1 bad input, 2 usage)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = parser().parse_args(argv)
    started = time.monotonic()
    policy = _policy(args.policy)
    params = memory_params(args)
    make_memory(params).close()  # refuse a bad memory before any work
    main_csv = args.csv or args.test_on
    if main_csv is None:
        raise DataError("no CSV file: give one, or --test-on FILE")
    if args.calibrate and args.csv is None:
        # Which file would it fit: the one tested, or --calibrate-on's? Ask.
        raise DataError("--calibrate fits the CSV file given as the argument; give it (with "
                        "--test-on alone it would calibrate on the rows under test)")
    components = ()
    if args.components:
        components = tuple(c.strip().lower() for c in args.components.split(",") if c.strip())
        unknown = [c for c in components if c not in COMPONENTS]
        if unknown or not components:
            raise DataError(f"--components: '{args.components}' is not a comma list of "
                            f"{', '.join(COMPONENTS)}")
    cv = None
    if args.cv is not None:
        if args.cv.lower() != "group":
            try:
                int(args.cv)
            except ValueError:
                raise DataError(f"--cv: '{args.cv}' is neither a number of folds nor 'group'") \
                    from None
    if args.arch is None and (args.ert or args.constraints or args.ecnn):
        raise DataError("--ert, --constraints and --ecnn go with --arch")
    if args.arch is not None:
        clash = [flag for flag, given in (("--calibrate", args.calibrate),
                                          ("--calibrate-on", args.calibrate_on),
                                          ("--test-on", args.test_on), ("--cv", args.cv),
                                          ("--plot", args.plot), ("--asymptotic", args.asymptotic),
                                          ("--components", args.components)) if given]
        if clash:
            raise DataError(f"--arch: {', '.join(clash)} work on the two-level model only")
        if args.quantity not in HIER_QUANTITIES:
            raise DataError(f"--arch: --quantity {args.quantity}: a hierarchy has only "
                            f"{' and '.join(HIER_QUANTITIES)}")
        # Before evaluating anything: a missing tool is a one-line answer.
        args.ecnn = find_tool(args.ecnn)
    warnings = []
    rows, note = load_rows(main_csv, args, warnings, os.path.basename(main_csv))
    jobs = args.jobs if args.jobs else jobs_default()
    model = Model(params, policy, args.reuse, args.footprint, jobs=jobs, progress=stderr)
    if args.arch is not None:
        # The hierarchy first: a bad architecture is refused before any long work.
        hier = evaluate(rows, args.arch, args.ert, args.constraints, args.ecnn, jobs, stderr)
        return _run_hierarchy(args, rows, hier, model, note, main_csv, stdout, stderr, started)
    results = model.evaluate_all(rows)
    analysis = analyse(rows, model, args.quantity, components, args.bootstrap, args.seed, results)
    warnings += analysis["warnings"]
    header = [
        f"data: {main_csv}, {len(rows)} rows{note}; measured: {args.measured}"
        + (f"; grouped by {args.group_by}" if args.group_by else ""),
        f"model: {QUANTITIES[args.quantity]}; {model.describe()}; {model.evaluations} distinct "
        "layers evaluated",
        f"p-values: classical (equal variances) and HC3 (robust to unequal variances); "
        f"intervals 95 %; bootstrap: {args.bootstrap} resamples, seed {args.seed}",
    ]
    meta = {"csv": main_csv, "rows": len(rows), "measured_column": args.measured,
            "group_by": args.group_by, "quantity": args.quantity, "policy": policy,
            "reuse": args.reuse, "footprint": args.footprint, "memory": params,
            "bootstrap": args.bootstrap, "seed": args.seed,
            "distinct_layers": model.evaluations,
            "orders": [r.order for r in results]}
    reference = {k: params.get(k, DEFAULT_ENERGY[k]) for k in ENERGY_KEYS}
    fixed = dict(args.fix)
    paper = None
    if args.asymptotic:
        asym = asymptotic(rows, params)
        paper = paper_form(rows, analysis["y"], paper_regressors(rows, analysis, asym))
    calibration = calibrated = None
    if args.calibrate:
        calibration = calibrate([counts(r) for r in results], [row.measured for row in rows],
                                reference, fixed, args.weights)
        warnings += calibration_warnings(calibration)
        new_params = dict(params)
        new_params.update(calibration["energies"])
        recal_model = Model(new_params, policy, args.reuse, args.footprint, jobs=jobs,
                            progress=stderr)
        calibrated = analyse(rows, recal_model, "total", bootstrap=0,
                             results=recal_model.evaluate_all(
                                 rows, "re-evaluating with the calibrated energies"))
        write_calibration(args, params, calibration, len(rows), policy)
        header.append(f"calibrated energies written to {args.calibrate}")
    held = None
    if args.calibrate_on or args.test_on:
        held = heldout(args, rows, results, main_csv, model, reference, fixed, warnings)
    if args.cv is not None:
        if args.cv.lower() == "group":
            folds, how = by_group(rows), f"leave one {args.group_by} out"
        else:
            k = int(args.cv)
            folds, how = kfold(len(rows), k, args.seed), f"{k} shuffled folds (seed {args.seed})"
        s = _sides(rows, results, args.quantity, True)
        cv = cross_validate(folds, s["counts"], s["x"], s["macs"], s["y"], reference, fixed,
                            args.weights)
        cv["how"] = how
        _prediction_warnings(cv["pooled"], "cross-validation", warnings)
    if args.plot:
        from .plots import plot  # matplotlib only when asked
        e = {k: float(params.get(k, DEFAULT_ENERGY[k])) for k in ENERGY_KEYS}
        xlabel = (f"model {QUANTITIES[args.quantity]}, policy {policy}\n"
                  f"(per word: DRAM {e['dram_read']:.3g}/{e['dram_write']:.3g}, Buffer "
                  f"{e['buf_read']:.3g}/{e['buf_write']:.3g} read/write, MAC {e['mac']:.3g})")
        plot(args.plot, rows, analysis, xlabel, f"measured: {args.measured}", args.title,
             args.identity)
        header.append(f"plot written to {args.plot}")
    if args.format == "json":
        stdout.write(report_json(meta, analysis, warnings, calibration, calibrated, paper, held,
                                 cv))
    else:
        stdout.write(report_text(header, analysis, warnings, calibration, calibrated, paper, held,
                                 cv))
    elapsed = time.monotonic() - started
    if elapsed > 1:
        stderr.write(f"ecnn.fit: {len(rows)} rows, {model.evaluations} distinct layers, "
                     f"{elapsed:.1f} s ({jobs} process{'es' if jobs > 1 else ''})\n")
    return 0


def _run_hierarchy(args, rows, evaluated, model, note, main_csv, stdout, stderr, started):
    """--arch: the hierarchy's energies (evaluated: evaluate()'s answer) beside
    the two-level model's and the MACs', and the energy per MAC along
    --kernel-group."""
    hier, per_mac = evaluated
    results = model.evaluate_all(rows)
    groups = compare(rows, hier, results, args.quantity)
    table = per_mac_table(rows, hier, results, args.quantity, args.kernel_group)
    searches = sorted({h["search"] for h in hier})
    header = [
        f"data: {main_csv}, {len(rows)} rows{note}; measured: {args.measured}"
        + (f"; grouped by {args.group_by}" if args.group_by else ""),
        f"quantity: {args.quantity} (" + ("every level and the MACs" if args.quantity == "total"
                                          else "every storage level, no MAC") + ")",
        f"hierarchy: --arch {args.arch}" + (f" --ert {args.ert}" if args.ert else "")
        + "".join(f" --constraints {c}" for c in args.constraints)
        + f", best mappings of `{args.ecnn} net` (search: {', '.join(searches)}); "
        f"{per_mac:.6g} pJ per MAC",
        f"two-level: {model.describe()}; {model.evaluations} distinct layers evaluated",
    ]
    if args.format == "json":
        doc = {"csv": main_csv, "rows": len(rows), "measured_column": args.measured,
               "group_by": args.group_by, "quantity": args.quantity, "arch": args.arch,
               "ert": args.ert, "constraints": args.constraints, "tool": args.ecnn,
               "mac_energy_pJ": per_mac, "hierarchy": hier, "groups": groups,
               "per_mac": table}
        stdout.write(json.dumps(doc, indent=1) + "\n")
    else:
        stdout.write(hier_report_text(header, groups, table))
    elapsed = time.monotonic() - started
    if elapsed > 1:
        stderr.write(f"ecnn.fit: {len(rows)} rows, {model.evaluations} distinct layers, "
                     f"{elapsed:.1f} s\n")
    return 0


def _prediction_warnings(errors, what, warnings):
    for key, e in errors.items():
        if e["nonpositive"]:
            warnings.append(("negative-fitted",
                             f"{what}: {e['nonpositive']} predictions of '{key}' are <= 0"))


def heldout(args, rows, results, main_csv, model, reference, fixed, warnings):
    """--calibrate-on / --test-on: calibrate on one file, predict the other
    from its layers alone."""
    train_path = args.calibrate_on or main_csv
    test_path = args.test_on or main_csv
    if os.path.abspath(train_path) == os.path.abspath(test_path):
        raise DataError(f"--calibrate-on and --test-on name the same file, {train_path}: that "
                        "is no held-out test (use --cv for one file)")

    def load(path):
        if os.path.abspath(path) == os.path.abspath(main_csv):
            return rows, results
        r, _ = load_rows(path, args, warnings, os.path.basename(path))
        return r, model.evaluate_all(r, f"evaluating {os.path.basename(path)}")

    train_rows, train_results = load(train_path)
    test_rows, test_results = load(test_path)
    p = predict(_sides(train_rows, train_results, args.quantity, True),
                _sides(test_rows, test_results, args.quantity, False), reference, fixed,
                args.weights)
    y = np.array([row.measured for row in test_rows])
    errors = score(y, p["predicted"])
    groups = []
    for name, members in groups_of(test_rows):
        if name == "(all)":
            continue
        groups.append({"group": name, "n": len(members),
                       "errors": score(y[members], {k: v[members]
                                                    for k, v in p["predicted"].items()})})
    warnings += [(c, "held-out " + m) for c, m in calibration_warnings(p["calibration"])]
    _prediction_warnings(errors, "held-out", warnings)
    return {"train": train_path, "test": test_path, "n_train": len(train_rows),
            "n_test": len(test_rows), "energies": p["energies"], "scales": p["scales"],
            "errors": errors, "groups": groups,
            "predicted": {k: v.tolist() for k, v in p["predicted"].items()}}


def write_calibration(args, params, calibration, n, policy):
    comments = [
        "Per-access energies calibrated by python3 -m ecnn.fit (docs/validation.md):",
        f"non-negative least squares of {args.measured} in "
        f"{os.path.basename(args.csv or args.test_on)}",
        f"({n} rows, {args.weights} errors) against the model's counts;",
        f"dataflow: {policy}, reuse {args.reuse}, footprint {args.footprint}.",
    ]
    if calibration["fixed"]:
        comments.append("held fixed: " + ", ".join(calibration["fixed"]))
    comments.append("relative error: median {:.2%}, 95th percentile {:.2%}".format(
        calibration["errors"]["median"], calibration["errors"]["p95"]))
    for weak in calibration["weak_directions"]:
        how = ("not determined by the data (reference ratios kept)"
               if weak["singular_ratio"] < 1e-5 else "poorly determined by the data")
        comments.append(how + ": " + " ".join(f"{c:+.3g} {k}"
                                              for k, c in weak["direction"].items()))
    out_params = {k: v for k, v in params.items()
                  if k in ("capacity", "partition_I", "partition_W", "partition_O",
                           "choose_partition")}
    out_params.setdefault("capacity", 65536)
    out_params.update(calibration["energies"])
    memfile.write(args.calibrate, out_params, comments)


def main(argv=None):
    try:
        return run(argv)
    except DataError as e:
        print(f"ecnn.fit: {e}", file=sys.stderr)
        return 1
    except EcnnError as e:  # pragma: no cover (read_csv and Model report these)
        print(f"ecnn.fit: {e}", file=sys.stderr)
        return 1
