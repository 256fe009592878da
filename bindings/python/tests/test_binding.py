"""The Pythonic surface of the binding: constructors, attributes, policies
and options, the Result's fields, exceptions, and handle lifetime."""
import dataclasses
import gc
import math
import os
import unittest

import ecnn


class LayerTest(unittest.TestCase):
    def test_defaults_and_derived(self):
        with ecnn.Layer() as layer:
            self.assertEqual(layer.params, {name: 0 if name.startswith("pad") else 1
                                            for name in ecnn.Layer.PARAMS})
            self.assertEqual((layer.P, layer.Q, layer.macs), (1, 1, 1))
            self.assertEqual(layer.sizes, ecnn.Sizes(1, 1, 1))

    def test_keywords_attributes_and_shorthands(self):
        with ecnn.Layer(N=2, C=8, K=16, G=4, H=9, W=7, R=3, S=3, stride=2, pad=1,
                        pad_right=0) as layer:
            self.assertEqual((layer.stride_h, layer.stride_w), (2, 2))
            self.assertEqual((layer.pad_top, layer.pad_bottom, layer.pad_left, layer.pad_right),
                             (1, 1, 1, 0))
            # P = (9 + 2 - 3) // 2 + 1 = 5, Q = (7 + 1 - 3) // 2 + 1 = 3.
            self.assertEqual((layer.P, layer.Q), (5, 3))
            # MACs = N * K * P * Q * (C / G) * R * S.
            self.assertEqual(layer.macs, 2 * 16 * 5 * 3 * 2 * 3 * 3)
            self.assertEqual(layer.sizes, (2 * 8 * 9 * 7, 16 * 2 * 3 * 3, 2 * 16 * 5 * 3))
            self.assertEqual(layer.size_W, 16 * 2 * 3 * 3)
            layer.dilation_h = 2
            self.assertEqual(layer.P, 4)  # (9 + 2 - 5) // 2 + 1
            self.assertIn("dilation_h=2", repr(layer))
            self.assertIs(layer.check(), layer)

    def test_derived_are_read_only(self):
        with ecnn.Layer() as layer:
            with self.assertRaises(AttributeError):
                layer.P = 3

    def test_bad_values_raise_naming_the_parameter(self):
        with self.assertRaises(ecnn.RangeError) as cm:
            ecnn.Layer(stride_w=0)
        self.assertRegex(str(cm.exception), r"\bstride_w\b")
        self.assertIsInstance(cm.exception, ValueError)
        self.assertEqual(cm.exception.status, ecnn.Status.E_RANGE)
        with self.assertRaises(ecnn.RangeError) as cm:
            ecnn.Layer(H=1 << 63)
        self.assertRegex(cm.exception.message, r"\bH\b")
        with self.assertRaises(TypeError):
            ecnn.Layer(C=2.5)
        with self.assertRaises(TypeError):
            ecnn.Layer(channels=3)
        with ecnn.Layer(C=6, G=4) as layer:
            with self.assertRaises(ecnn.GroupsError) as cm:
                layer.check()
            self.assertRegex(cm.exception.message, r"\bC\b.*\bG\b")
            with self.assertRaises(ecnn.GroupsError):
                layer.macs


class MemoryTest(unittest.TestCase):
    def test_defaults(self):
        with ecnn.Memory() as memory:
            self.assertEqual(memory.params, dict(
                capacity=65536, partition_I=0, partition_W=0, partition_O=0,
                choose_partition=False, dram_read=200.0, dram_write=200.0, buf_read=6.0,
                buf_write=6.0, mac=1.0))

    def test_keywords_and_preset(self):
        with ecnn.Memory(capacity=1024, partition_I=100, choose_partition=True, mac=0.5) as m:
            self.assertEqual((m.capacity, m.partition_I, m.choose_partition, m.mac),
                             (1024, 100, True, 0.5))
            m.dram_read = 50
            self.assertEqual(m.preset("eyeriss").dram_read, 200.0)
        with self.assertRaises(ValueError):
            ecnn.Memory(preset="tpu")

    def test_bad_values(self):
        with self.assertRaises(ecnn.EnergyError) as cm:
            ecnn.Memory(buf_write=math.inf)
        self.assertIn("buf_write", cm.exception.message)
        with self.assertRaises(ecnn.RangeError) as cm:
            ecnn.Memory(choose_partition=2)
        self.assertIn("choose_partition", cm.exception.message)


class DataflowTest(unittest.TestCase):
    def test_policies(self):
        expected = {"OS": "NGKPQCRS", "WS": "GKCRSNPQ", "IS": "NGCPQRSK"}  # ecnn.h
        for name, order in expected.items():
            for policy in (name, name.lower(), ecnn.Policy[name], int(ecnn.Policy[name])):
                with ecnn.Dataflow(policy) as d:
                    self.assertEqual(d.policy, ecnn.Policy[name])
                    self.assertEqual(d.order, order)
        with ecnn.Dataflow(policy=ecnn.OPTIMAL) as d:
            self.assertEqual(d.policy, ecnn.Policy.OPTIMAL)
        with self.assertRaises(ValueError):
            ecnn.Dataflow("XS")

    def test_custom_orders(self):
        with ecnn.Dataflow("qpnkgcrs") as d:  # an 8-letter policy is an order
            self.assertEqual((d.policy, d.order), (ecnn.CUSTOM, "QPNKGCRS"))
        with ecnn.Dataflow(order=["N", "G", "K", "C", "P", "Q", "R", "S"]) as d:
            self.assertEqual(d.order, "NGKCPQRS")
            d.order = (7, 6, 5, 4, 3, 2, 1, 0)  # ec_dim values
            self.assertEqual(d.order, "SRQPCKGN")
            d.policy = "WS"
            self.assertEqual(d.order, "GKCRSNPQ")
        with self.assertRaises(ecnn.OrderError) as cm:
            ecnn.Dataflow(order="NGKPQCRN")
        self.assertIn("N", cm.exception.message)
        with self.assertRaises(TypeError):
            ecnn.Dataflow("OS", order="NGKPQCRS")

    def test_options_and_tiles(self):
        with ecnn.Dataflow(reuse="refetch", footprint=ecnn.BBOX, tile_K=4,
                           tiles={"p": 2}) as d:
            self.assertEqual((d.reuse, d.footprint), (ecnn.REFETCH, ecnn.BBOX))
            self.assertEqual(d.tiles, ecnn.Tiles(0, 0, 4, 0, 2, 0, 0, 0))
            self.assertEqual(d.tile_P, 2)
            d.tiles = {"K": 0}
            self.assertEqual(d.tile_K, 0)
        with self.assertRaises(ValueError):
            ecnn.Dataflow(reuse="sometimes")


class ResultTest(unittest.TestCase):
    def setUp(self):
        self.layer = ecnn.Layer(C=16, K=32, H=12, W=12, R=3, S=3, pad=1)
        self.memory = ecnn.Memory(capacity=4096)

    def tearDown(self):
        self.layer.close()
        self.memory.close()

    def test_fields(self):
        with ecnn.Dataflow("WS", tile_K=8) as d:
            r = ecnn.evaluate(self.layer, self.memory, d)
        self.assertEqual(r.method, "evaluate")
        self.assertEqual((r.policy, r.order), (ecnn.WS, "GKCRSNPQ"))
        self.assertEqual(r.tiles.K, 8)
        self.assertNotIn("K", r.automatic)
        self.assertEqual(set(r.automatic), set("NGCPQRS"))
        self.assertEqual(r.macs, self.layer.macs)
        self.assertEqual(r.dram_total, r.dram_reads.total + r.dram_writes.total)
        self.assertEqual((r.dram_writes.I, r.dram_writes.W), (0, 0))
        self.assertEqual(r.count("O", "dram", "write"), r.dram_writes.O)
        self.assertEqual(r.count("i", "Buffer", "READ"), r.buffer_reads.I)
        e = r.energy
        self.assertAlmostEqual(e.total, e.dram + e.buffer + e.mac)
        self.assertAlmostEqual(e.total, e.I + e.W + e.O + e.mac)
        self.assertEqual(e.dram, 200 * r.dram_total)
        self.assertEqual(r.partition, (0, 0, 0))
        self.assertLessEqual(r.bound.transfers, r.dram_total)
        self.assertGreaterEqual(r.gap.dram, 1.0)
        self.assertGreaterEqual(r.gap.energy, 1.0)
        self.assertIsNotNone(r.asymptotic)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            r.macs = 0

    def test_count_equals_evaluate(self):
        for policy in ("OS", "WS", "IS", "NGKCPQRS"):
            with ecnn.Dataflow(policy, reuse="refetch") as d:
                a = ecnn.evaluate(self.layer, self.memory, d)
                b = ecnn.count(self.layer, self.memory, d)
            self.assertEqual((a.method, b.method), ("evaluate", "count"))
            self.assertEqual(a.__dict__ | {"method": None}, b.__dict__ | {"method": None})

    def test_optional_figures(self):
        with ecnn.Dataflow(order="GNKPQCRS") as d:
            r = ecnn.evaluate(self.layer, self.memory, d)
        self.assertIsNone(r.asymptotic)  # no formula for a custom order
        self.assertIsNotNone(r.bound)
        with ecnn.Dataflow(ecnn.OPTIMAL) as d:
            best = ecnn.evaluate(self.layer, self.memory, d)
        self.assertEqual(best.policy, ecnn.OPTIMAL)
        self.assertIsNone(best.asymptotic)
        for policy in ("OS", "WS", "IS"):
            with ecnn.Dataflow(policy) as d:
                named = ecnn.evaluate(self.layer, self.memory, d)
            self.assertLessEqual(best.energy.total, named.energy.total)

    def test_lower_bound_and_asymptotic(self):
        bound = ecnn.lower_bound(self.layer, self.memory)
        with ecnn.Dataflow("IS") as d:
            r = ecnn.evaluate(self.layer, self.memory, d)
        self.assertEqual(bound, r.bound)
        self.assertEqual(ecnn.asymptotic(self.layer, self.memory, "IS"), r.asymptotic)
        self.assertEqual(bound.transfers,
                         max(bound.compulsory, bound.communication, bound.segment))
        # A matrix product (1x1 layer) on a small Buffer: the segment bound
        # binds, near the tight 2 MACs / sqrt(M) of Smith et al. (within the
        # 2M it may lose to whole segments; docs/bound.md section 8b).
        with ecnn.Layer(C=64, K=64, H=32, W=32) as gemm, ecnn.Memory(capacity=256) as small:
            b = ecnn.lower_bound(gemm, small)
        self.assertEqual(b.transfers, b.segment)
        self.assertGreater(b.segment, b.communication)
        self.assertLessEqual(b.segment, 2 * 64 * 64 * 32 * 32 // 16)
        self.assertGreaterEqual(b.segment, 2 * 64 * 64 * 32 * 32 // 16 - 2 * 256)
        with self.assertRaises(ecnn.UnknownKeyError) as cm:
            ecnn.asymptotic(self.layer, self.memory, ecnn.CUSTOM)
        self.assertIn("CUSTOM", cm.exception.message)
        with ecnn.Memory(capacity=0) as empty:
            with self.assertRaises(ecnn.CapacityError):
                ecnn.lower_bound(self.layer, empty)

    def test_defaults(self):
        r = ecnn.evaluate(self.layer)  # Memory() and Dataflow() made and freed inside
        self.assertEqual((r.policy, r.order), (ecnn.OS, "NGKPQCRS"))

    def test_wrong_arguments(self):
        with self.assertRaises(TypeError):
            ecnn.evaluate(self.memory, self.layer)
        with self.assertRaises(TypeError):
            ecnn.count(None)


class ErrorTest(unittest.TestCase):
    def test_hierarchy(self):
        classes = [ecnn.NullError, ecnn.UnknownKeyError, ecnn.RangeError, ecnn.GroupsError,
                   ecnn.EmptyOutputError, ecnn.OrderError, ecnn.TileError, ecnn.CapacityError,
                   ecnn.EnergyError, ecnn.CountOverflowError, ecnn.NoMemoryError,
                   ecnn.NotEvaluatedError, ecnn.ReadOnlyError, ecnn.LimitError,
                   ecnn.UnavailableError]
        for status, cls in zip(list(ecnn.Status)[1:], classes):
            self.assertTrue(issubclass(cls, ecnn.EcnnError))
            e = ecnn._errors.error(status, "message")
            self.assertIs(type(e), cls)
            self.assertEqual(e.status, status)
            self.assertTrue(e.status_name)
        unknown = ecnn._errors.error(999, "from a newer library")
        self.assertIs(type(unknown), ecnn.EcnnError)
        self.assertEqual((unknown.status, unknown.status_name), (999, "unknown status"))


class HandleTest(unittest.TestCase):
    def test_context_manager_and_close(self):
        with ecnn.Layer() as layer:
            self.assertFalse(layer.closed)
        self.assertTrue(layer.closed)
        layer.close()  # idempotent
        with self.assertRaises(ValueError):
            layer.C
        with self.assertRaises(ValueError):
            ecnn.evaluate(layer)
        self.assertIn("closed", repr(layer))

    def test_garbage_collection_frees(self):
        freed = []
        original = ecnn.Memory._destroy

        def counting(ptr):
            freed.append(1)
            original(ptr)
        ecnn.Memory._destroy = staticmethod(counting)
        try:
            memory = ecnn.Memory()
            del memory
            gc.collect()
            self.assertEqual(len(freed), 1)
            with ecnn.Memory():
                pass
            self.assertEqual(len(freed), 2)
            ecnn.evaluate(ecnn.Layer())  # its default Memory is freed on return
            self.assertEqual(len(freed), 3)
        finally:
            ecnn.Memory._destroy = staticmethod(original)


class VersionTest(unittest.TestCase):
    def test_version(self):
        self.assertEqual(ecnn.version(), ecnn.__version__)
        major, minor, patch = map(int, ecnn.version().split("."))
        self.assertEqual(ecnn.version_number(), major * 10000 + minor * 100 + patch)
        self.assertEqual(major, ecnn.ABI_MAJOR)
        if "ECNN_VERSION" in os.environ:  # meson's project version
            self.assertEqual(ecnn.version(), os.environ["ECNN_VERSION"])
        if "ECNN_LIBRARY" in os.environ:
            self.assertEqual(ecnn.library_path, os.environ["ECNN_LIBRARY"])


if __name__ == "__main__":
    unittest.main()
