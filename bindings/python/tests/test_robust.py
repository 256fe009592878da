"""Issue 17's cases against the binding: a handle closed by another thread
during a C call that uses it, attributes and keys that are not parameters,
and orders and tiles that name no dimension. Each case was reproduced on
the binding before the fix (the close case as a CapacityError "capacity =
337" read from a freed and reused Memory)."""
import threading
import time
import unittest

import ecnn
from ecnn import _core


class CloseDuringCallTest(unittest.TestCase):
    """close() in one thread while a C call in another uses the handle must
    wait for the call: the call sees the handle it was given."""

    def _race(self, victim_kind):
        layer = ecnn.Layer(N=2, C=16, K=16, H=8, W=8, R=3, S=3)
        memory = ecnn.Memory(capacity=4096)
        dataflow = ecnn.Dataflow("ws")
        expected = ecnn.evaluate(layer, ecnn.Memory(capacity=4096), ecnn.Dataflow("ws"))
        victim = {"memory": memory, "layer": layer, "dataflow": dataflow}[victim_kind]
        in_call, call_done, closed_at = threading.Event(), threading.Event(), []
        original = _core.lib.ec_evaluate

        def slow_evaluate(*args):
            # The race made certain: the other thread closes the handle
            # (and allocates over it) while this call has its pointer.
            in_call.set()
            time.sleep(0.3)
            status = original(*args)
            call_done.set()
            return status

        def closer():
            in_call.wait(10)
            victim.close()
            closed_at.append(call_done.is_set())
            # Reuse the freed block, as the reproduction did.
            junk = [ecnn.Memory(capacity=1) for _ in range(200)]
            junk += [ecnn.Layer(C=7) for _ in range(200)] + [ecnn.Dataflow("is") for _ in range(200)]

        _core.lib.ec_evaluate = slow_evaluate
        try:
            t = threading.Thread(target=closer)
            t.start()
            result = ecnn.evaluate(layer, memory, dataflow)
            t.join(30)
        finally:
            _core.lib.ec_evaluate = original
        self.assertEqual(result, expected)
        self.assertEqual(closed_at, [True], "close() returned while the C call still ran")
        self.assertTrue(victim.closed)
        with self.assertRaises(ValueError):
            ecnn.evaluate(layer, memory, dataflow)

    def test_memory_closed_during_evaluate(self):
        self._race("memory")

    def test_layer_closed_during_evaluate(self):
        self._race("layer")

    def test_dataflow_closed_during_evaluate(self):
        self._race("dataflow")

    def test_setter_waits_for_the_call(self):
        """A change to a handle in use waits too: the call evaluates the
        values it started with."""
        layer = ecnn.Layer(C=16, K=16, H=8, W=8, R=3, S=3)
        expected = ecnn.evaluate(ecnn.Layer(C=16, K=16, H=8, W=8, R=3, S=3))
        in_call = threading.Event()
        original = _core.lib.ec_evaluate

        def slow_evaluate(*args):
            in_call.set()
            time.sleep(0.3)
            return original(*args)

        def changer():
            in_call.wait(10)
            layer.C = 4096
        _core.lib.ec_evaluate = slow_evaluate
        try:
            t = threading.Thread(target=changer)
            t.start()
            result = ecnn.evaluate(layer)
            t.join(30)
        finally:
            _core.lib.ec_evaluate = original
        self.assertEqual(result, expected)
        self.assertEqual(layer.C, 4096)

    def test_readers_share_a_handle(self):
        """Evaluations in several threads on one Memory run together (the
        guard is shared for reads): four 0.3 s calls end well before the
        1.2 s they would take one after the other."""
        memory = ecnn.Memory()
        original = _core.lib.ec_evaluate

        def slow_evaluate(*args):
            time.sleep(0.3)
            return original(*args)
        _core.lib.ec_evaluate = slow_evaluate
        results = []
        try:
            threads = [threading.Thread(target=lambda: results.append(
                ecnn.evaluate(ecnn.Layer(C=8), memory))) for _ in range(4)]
            start = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            elapsed = time.monotonic() - start
        finally:
            _core.lib.ec_evaluate = original
        self.assertEqual(len(results), 4)
        self.assertLess(elapsed, 1.1)


class AttributeTest(unittest.TestCase):
    def test_unknown_attributes_raise_with_the_valid_names(self):
        layer, memory, dataflow = ecnn.Layer(), ecnn.Memory(), ecnn.Dataflow()
        for obj, name, valid in [(layer, "strides", "stride_h"), (layer, "c", "C"),
                                 (memory, "partition_i", "partition_I"),
                                 (memory, "capacty", "capacity"), (dataflow, "tile_k", "tile_K"),
                                 (dataflow, "policies", "policy")]:
            with self.assertRaises(AttributeError) as cm:
                setattr(obj, name, 1)
            self.assertIn(repr(name), str(cm.exception))
            self.assertIn(valid, str(cm.exception))
            self.assertFalse(hasattr(obj, name))
        with self.assertRaises(AttributeError) as cm:
            memory.preset = "eyeriss"
        self.assertIn("method", str(cm.exception))

    def test_constructor_shorthands_are_attributes(self):
        layer = ecnn.Layer(C=4, K=4, H=9, W=9, R=3, S=3)
        layer.stride = 2
        layer.pad = 1
        layer.dilation = 2
        self.assertEqual((layer.stride_h, layer.stride_w), (2, 2))
        self.assertEqual((layer.pad_top, layer.pad_bottom, layer.pad_left, layer.pad_right),
                         (1, 1, 1, 1))
        self.assertEqual((layer.dilation_h, layer.dilation_w), (2, 2))
        self.assertEqual((layer.stride, layer.pad, layer.dilation), (2, 1, 2))
        # The evaluation sees them: P = (9 + 2 - 2*2 - 1) / 2 + 1 = 4.
        self.assertEqual(layer.P, 4)
        same = ecnn.Layer(C=4, K=4, H=9, W=9, R=3, S=3, stride=2, pad=1, dilation=2)
        self.assertEqual(ecnn.evaluate(layer), ecnn.evaluate(same))
        layer.stride_w = 3
        with self.assertRaises(ValueError) as cm:
            layer.stride
        self.assertIn("stride_w = 3", str(cm.exception))

    def test_every_constructor_keyword_is_an_attribute(self):
        for cls, extra in [(ecnn.Layer, ("stride", "dilation", "pad")), (ecnn.Memory, ()),
                           (ecnn.Dataflow, ())]:
            settable = cls._settable()
            for name in tuple(cls.PARAMS) + extra:
                self.assertIn(name, settable, f"{cls.__name__}.{name}")

    def test_tiles_keys_must_be_dimensions(self):
        for bad in [{"KC": 4}, {"X": 1}, {-1: 1}, {8: 1}, {True: 1}, {"": 2}]:
            with self.assertRaises(ValueError, msg=repr(bad)) as cm:
                ecnn.Dataflow(tiles=bad)
            self.assertIn("NGKCPQRS", str(cm.exception))
        df = ecnn.Dataflow(tiles={0: 2, "k": 16, "C": 8})
        self.assertEqual((df.tile_N, df.tile_K, df.tile_C), (2, 16, 8))

    def test_order_entries_must_be_dimensions(self):
        for bad in [[-1, 0, 1, 2, 3, 4, 5, 6], [99] * 8, ["NG", "K", "C", "P", "Q", "R", "S"],
                    [1.0, 0, 2, 3, 4, 5, 6, 7], [None] * 8]:
            with self.assertRaises(ValueError, msg=repr(bad)) as cm:
                ecnn.Dataflow(order=bad)
            self.assertIn("not a dimension", str(cm.exception))
        for bad in [b"NGKPQCRS", 12345678]:
            with self.assertRaises(TypeError, msg=repr(bad)):
                ecnn.Dataflow(order=bad)
        with self.assertRaises(ecnn.OrderError):
            ecnn.Dataflow(order=[0, 0, 1, 2, 3, 4, 5, 6])
        self.assertEqual(ecnn.Dataflow(order=[7, 6, 5, 4, 3, 2, 1, 0]).order, "SRQPCKGN")
        self.assertEqual(ecnn.Dataflow(order=list("ngkpqcrs")).order, "NGKPQCRS")


class MemfileWriteTest(unittest.TestCase):
    def test_failed_write_keeps_the_old_file(self):
        import os
        import resource
        import subprocess
        import sys
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.mem")
            with open(path, "w") as f:
                f.write("capacity = 5\n")
            # A child under a file size limit of 16 bytes: the write fails.
            code = ("import signal, ecnn.memfile as m; signal.signal(signal.SIGXFSZ, "
                    "signal.SIG_IGN); m.write(%r, {'capacity': 65536, 'dram_read': 200.0}, "
                    "comments=['x' * 100])" % path)
            p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE,
                                                                     (16, 16)))
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("File too large", p.stderr)
            with open(path) as f:
                self.assertEqual(f.read(), "capacity = 5\n")
            self.assertEqual(os.listdir(tmp), ["m.mem"])
            ecnn.memfile.write(path, {"capacity": 65536, "dram_read": 200.0})
            self.assertEqual(ecnn.memfile.load(path), {"capacity": 65536, "dram_read": 200.0})


if __name__ == "__main__":
    unittest.main()
