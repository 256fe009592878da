"""The mapper through the binding (docs/mapper.md): search() on a small
hierarchy against a brute force through evaluate() over the same space,
the mapping found walked by count(), the bound, constraints and errors."""
import itertools
import unittest

import _support  # noqa: F401  (sets up the import path and the library)
import ecnn
from ecnn import mapper


def small():
    layer = ecnn.Layer(C=2, K=4, H=4, W=3, R=2)
    memory = ecnn.Memory().set_levels(1)
    memory.set_level(1, name="buf", capacity=24, mesh_x=1)
    memory.set_level(2, mesh_x=2)  # the MACs: fanout 2 along X below buf
    return layer, memory


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


class Mapper(unittest.TestCase):
    def test_search_equals_brute_force(self):
        layer, memory = small()
        with layer, memory:
            s = mapper.search(layer, memory)
            with s.mapping:
                self.assertTrue(s.exact)
                # brute force: every factor split of K, C, P, Q, R over
                # (DRAM temporal, buf temporal, buf X), every order of both levels' loops
                ext = {"K": 4, "C": 2, "P": 3, "Q": 3, "R": 2}
                best = None
                splits = {d: [(a, b, e // a // b) for a in divisors(e) for b in divisors(e // a)]
                          for d, e in ext.items()}
                for combo in itertools.product(*splits.values()):
                    f = dict(zip(ext, combo))
                    live0 = [d for d in ext if f[d][0] > 1]
                    live1 = [d for d in ext if f[d][1] > 1]
                    for p0, p1 in itertools.product(itertools.permutations(live0),
                                                    itertools.permutations(live1)):
                        df = ecnn.Dataflow()
                        with df:
                            for d, (t0, t1, x) in f.items():
                                df.set_factor(0, d, t0).set_factor(1, d, t1).set_factor(1, d, x, kind="x")
                            for lv, perm in ((0, p0), (1, p1)):
                                rest = [d for d in "NGKCPQRS" if d not in perm]
                                df.set_level_order(lv, "".join(rest) + "".join(perm))
                            try:
                                r = ecnn.evaluate(layer, memory, df)
                            except ecnn.EcnnError:
                                continue
                            key = (r.energy.total, sum(r.levels[0].reads) + sum(r.levels[0].fills)
                                   + sum(r.levels[0].updates))
                            best = key if best is None or key < best else best
                lv0 = s.result.levels[0]
                self.assertEqual((s.result.energy.total,
                                  sum(lv0.reads) + sum(lv0.fills) + sum(lv0.updates)), best)
                walked = ecnn.count(layer, memory, s.mapping)
                self.assertEqual(walked.levels, s.result.levels)
                self.assertLessEqual(s.energy_bound, s.result.energy.total)

    def test_constraints(self):
        layer, memory = small()
        df = ecnn.Dataflow()
        with layer, memory, df:
            mapper.constrain_factor(df, 1, "K", 2, kind="x")
            mapper.constrain_factor(df, 1, "R", mapper.REST)
            mapper.constrain_order(df, 1, "RK")
            self.assertEqual(mapper.constraint(df, 1, "R"), mapper.REST)
            s = mapper.search(layer, memory, df)
            with s.mapping as m:
                self.assertEqual(m.factor(1, "K", kind="x"), 2)
                self.assertEqual(m.factor(1, "R"), 2)
                self.assertTrue(m.level_order(1).endswith("KR"))  # outermost first
            self.assertEqual(df.policy, ecnn.Policy.OS)  # left unchanged
            mapper.constrain_factor(df, 0, "C", 3)  # does not divide C = 2... clamped to 2
            mapper.constrain_factor(df, 1, "C", 2)  # and 2 * 2 does not divide 2
            with self.assertRaises(ecnn.EcnnError):
                mapper.search(layer, memory, df)
            with self.assertRaises(ValueError):
                mapper.constrain_factor(df, 0, "X", 1)
            with self.assertRaises(ecnn.EcnnError):
                mapper.constrain_order(df, 0, "PP")
            mapper.clear_constraints(df)
            self.assertEqual(mapper.constraint(df, 1, "R"), mapper.FREE)


if __name__ == "__main__":
    unittest.main()
