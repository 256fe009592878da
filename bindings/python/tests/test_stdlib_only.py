"""The binding needs nothing beyond the standard library: no numpy, no
third-party module, and it works with site-packages switched off."""
import ast
import os
import subprocess
import sys
import unittest

import ecnn

PACKAGE = os.path.dirname(os.path.abspath(ecnn.__file__))
# Optional tools inside the package that `import ecnn` never imports: they
# may use third-party modules (the ecnn.fit package: numpy, scipy, matplotlib;
# ecnn.onnx: python3-onnx).
OPTIONAL = {"fit", "onnx.py"}  # ecnn.onnx: python3-onnx (docs/onnx.md)


def package_modules():
    """Every .py file of the package, subpackages included, except OPTIONAL."""
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d not in OPTIONAL and d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") and name not in OPTIONAL:
                yield os.path.relpath(os.path.join(root, name), PACKAGE)


class StdlibOnly(unittest.TestCase):
    def test_imports_are_standard_library(self):
        names = list(package_modules())
        self.assertIn("_core.py", names)
        self.assertFalse(any(n.startswith("fit" + os.sep) for n in names), names)
        for name in names:
            with open(os.path.join(PACKAGE, name), encoding="utf-8") as f:
                tree = ast.parse(f.read(), name)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules = [node.module]
                else:
                    continue  # relative imports stay inside the package
                for module in modules:
                    with self.subTest(file=name, module=module):
                        self.assertIn(module.split(".")[0], sys.stdlib_module_names)

    def test_runs_without_numpy_or_site_packages(self):
        # -S: no site-packages at all; numpy = None makes "import numpy" fail
        # even if it were reachable some other way.
        code = (
            "import sys\n"
            "sys.modules['numpy'] = None\n"
            "import ecnn\n"
            "with ecnn.Layer(C=4, K=8, H=10, W=10, R=3, S=3) as layer:\n"
            "    r = ecnn.count(layer)\n"
            "assert r.dram_reads == (400, 288, 0), r.dram_reads\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] not in sys.stdlib_module_names\n"
            "          and m.split('.')[0] not in ('ecnn', 'numpy', '__main__')]\n"
            "assert not loaded, loaded\n"
            "assert 'ecnn.fit' not in sys.modules\n"
            "print('ok', ecnn.version())\n")
        env = dict(os.environ, PYTHONPATH=os.path.dirname(PACKAGE))
        out = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True,
                             text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(out.stdout.startswith("ok "), out.stdout)


if __name__ == "__main__":
    unittest.main()
