#!/usr/bin/env python3
"""Run one of the binding's test modules as a meson test.

Usage: run.py MODULE (e.g. test_c_api). Exit status 0 pass, 1 fail, 77 skip
when bindings/python/meson.build set ECNN_TEST_SKIP (a build the binding
cannot load into this interpreter). `python3 -m unittest discover -s
bindings/python/tests` runs them all by hand, given ECNN_LIBRARY.
"""
import os
import sys
import unittest

if os.environ.get("ECNN_TEST_SKIP"):
    print("SKIP:", os.environ["ECNN_TEST_SKIP"])
    sys.exit(77)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
suite = unittest.defaultTestLoader.loadTestsFromName(sys.argv[1])
outcome = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
if outcome.testsRun == 0:
    print(f"FAIL: {sys.argv[1]} ran no test")
    sys.exit(1)
sys.exit(0 if outcome.wasSuccessful() else 1)
