"""Shared by the tests of ecnn.fit (test_fit_*.py): whether numpy and
statsmodels are there, and a few helpers. ecnn.fit needs them; the core
binding does not, so without them these tests skip."""
import contextlib
import io
import os
import shutil
import tempfile

try:
    import numpy  # noqa: F401
    import statsmodels  # noqa: F401
    from ecnn import fit
    HAVE_FIT = True
    WHY_NOT = ""
except ImportError as e:  # pragma: no cover
    fit = None
    HAVE_FIT = False
    WHY_NOT = f"ecnn.fit needs numpy and statsmodels: {e}"

try:
    import scipy.optimize  # noqa: F401
    HAVE_SCIPY = True
except ImportError:  # pragma: no cover
    HAVE_SCIPY = False

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
#: The published Timeloop data, beside the repository (as the C test
#: `timeloop` reads it); ECNN_VALIDATION_DIR overrides.
VALIDATION_DIR = os.environ.get("ECNN_VALIDATION_DIR",
                                os.path.join(SOURCE_ROOT, "..", "shared", "validation"))
#: The command-line tool, when meson built it (bindings/python/meson.build).
CLI = os.environ.get("ECNN_CLI", "")

SWEEP_HEADER = ("sweep,swept_value,N,C,K,R,S,P,Q,Hstride,Wstride,Hdilation,Wdilation,"
                "timeloop_energy_pJ,timeloop_compute_pJ,timeloop_data_pJ")


class TempDir:
    """A temporary directory for a test class (setUpClass/tearDownClass)."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="ecnn-fit-test-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run_fit(argv):
    """python3 -m ecnn.fit in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = fit.main(argv)
        except SystemExit as e:  # argparse
            status = e.code
    return status, out.getvalue(), err.getvalue()
