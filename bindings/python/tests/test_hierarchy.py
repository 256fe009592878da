"""Hierarchies through the binding (docs/python.md, docs/hierarchy.md).

Checked against independent figures: a small hierarchy counted by hand
(the same one as tests/test_hier_api.c), evaluate() == count() on it,
one level == the two-level model, and the errors as exceptions."""
import unittest

import _support  # noqa: F401  (sets up the import path and the library)
import ecnn


def small():
    layer = ecnn.Layer(H=10, R=3)
    memory = ecnn.Memory().set_levels(2)
    memory.set_level(1, name="glb", keep="IO")
    memory.set_level(2, name="pe", keep="W", mesh_x=2)
    df = ecnn.Dataflow()
    df.set_factor(0, "P", 4).set_factor(1, "P", 2, kind="x").set_factor(2, "R", 3)
    return layer, memory, df


class Hierarchy(unittest.TestCase):
    def test_hand_counted(self):
        layer, memory, df = small()
        with layer, memory, df:
            for fn in (ecnn.evaluate, ecnn.count):
                r = fn(layer, memory, df)
                self.assertEqual(len(r.levels), 3)
                dram, glb, pe = r.levels
                self.assertEqual(dram.reads, ecnn.Counts(I=10, W=3, O=0))
                self.assertEqual(dram.updates.O, 8)
                self.assertEqual(glb.fills.I, 10)
                self.assertEqual(glb.reads, ecnn.Counts(I=24, W=0, O=16))
                self.assertEqual(glb.updates.O, 24)
                self.assertEqual(pe.fills.W, 6)
                self.assertEqual(pe.instances, 2)
                self.assertEqual(glb.traffic, 21)
                self.assertLessEqual(glb.bound, glb.traffic)
                self.assertEqual(memory.level_name(2), "pe")

    def test_block_and_cluster(self):
        # pe keeps W in 2 instances: 6 fills and 24 reads, 3 and 12 per
        # instance; at 1 per word 30. Blocks of 4: (1 + 3) x 4 x 2 = 32;
        # one cluster of 2 charges once per utilized cluster: 16.
        layer, memory, df = small()
        with layer, memory, df:
            memory.set_level_energy(2, "read", 1.0).set_level_energy(2, "fill", 1.0)
            self.assertEqual(ecnn.evaluate(layer, memory, df).levels[2].energy, 30.0)
            memory.set_level(2, block=4)
            self.assertEqual(ecnn.evaluate(layer, memory, df).levels[2].energy, 32.0)
            memory.set_level(2, cluster=2)
            for fn in (ecnn.evaluate, ecnn.count):
                r = fn(layer, memory, df)
                self.assertEqual(r.levels[2].energy, 16.0)
                self.assertEqual(r.levels[2].fills.W, 6)
            with self.assertRaises(ecnn.EcnnError):
                memory.set_level(2, cluster=0)

    def test_one_level_is_two_level(self):
        with ecnn.Layer(C=8, K=8, H=12, W=12, R=3, S=3, pad=1) as layer:
            old = ecnn.Memory(capacity=1 << 30)
            df_old = ecnn.Dataflow(order="KCPQRSNG", tiles={"K": 4, "P": 6}, footprint="bbox")
            hier = ecnn.Memory().set_levels(1)
            df = ecnn.Dataflow().set_level_order(0, "KCPQRSNG")
            df.set_factor(1, "K", 4).set_factor(1, "P", 6)
            for d in "NGCQRS":
                df.set_factor(1, d, {"N": 1, "G": 1, "C": 8, "Q": 12, "R": 3, "S": 3}[d])
            a = ecnn.evaluate(layer, old, df_old)
            b = ecnn.evaluate(layer, hier, df)
            self.assertEqual(a.dram_reads, b.dram_reads)
            self.assertEqual(a.dram_writes, b.dram_writes)
            self.assertEqual(a.buffer_reads, b.buffer_reads)
            self.assertEqual(a.buffer_writes, b.buffer_writes)
            self.assertEqual(a.levels[1].fills, b.levels[1].fills)
            self.assertAlmostEqual(a.energy.total, b.energy.total, delta=1e-9 * a.energy.total)
            for h in (old, df_old, hier, df):
                h.close()

    def test_errors(self):
        layer, memory, df = small()
        with layer, memory, df:
            df.set_factor(0, "P", 3)
            with self.assertRaises(ecnn.TileError) as e:
                ecnn.evaluate(layer, memory, df)
            self.assertIn("factors of P multiply to 6, not its extent 8", str(e.exception))
            df.set_factor(0, "P", 4)
            memory.set_level(2, capacity=2)
            with self.assertRaises(ecnn.CapacityError) as e:
                ecnn.evaluate(layer, memory, df)
            self.assertIn("level 2 (pe)", str(e.exception))
            with self.assertRaises(ecnn.RangeError):
                memory.set_level(9, capacity=1)
            with self.assertRaises(ValueError):
                memory.set_level(1, keep="IX")
            with self.assertRaises(ecnn.OrderError):
                df.set_level_order(1, "NGKCPQRR")


if __name__ == "__main__":
    unittest.main()
