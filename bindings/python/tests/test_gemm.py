"""Layer.gemm and Layer.as_gemm (docs/gemm.md): the sizes of a product
worked out by hand, the transfers of a tiled product, and the errors."""
import unittest

import ecnn


class GemmTest(unittest.TestCase):
    def test_sizes_by_hand(self):
        # 2 sequences x 12 heads of Q K^T at sequence 128, head 64.
        with ecnn.Layer.gemm(128, 64, 128, groups=24) as layer:
            self.assertEqual(layer.macs, 24 * 128 * 64 * 128)
            self.assertEqual(layer.sizes, ecnn.Sizes(24 * 128 * 64, 24 * 64 * 128, 24 * 128 * 128))
            self.assertEqual(layer.as_gemm, ecnn.Gemm(1, 24, 128, 64, 128))
        with ecnn.Layer.gemm(5, 7, 11, batch=3) as layer:
            self.assertEqual((layer.N, layer.C, layer.K, layer.G, layer.H, layer.W), (3, 7, 11, 1, 5, 1))
            self.assertEqual(layer.sizes, ecnn.Sizes(3 * 5 * 7, 7 * 11, 3 * 5 * 11))

    def test_tiled_product_by_hand(self):
        # A 4x2 by B 2x6, row tiles of 2, column tiles of 3, rows outer:
        # A read once (8 words), B once per row tile (2 x 12 = 24).
        with ecnn.Layer.gemm(4, 2, 6) as layer:
            flow = ecnn.Dataflow(order="NGPKCQRS",
                                 tiles={"N": 1, "G": 1, "K": 3, "C": 2, "P": 2, "Q": 1, "R": 1, "S": 1})
            r = ecnn.evaluate(layer, ecnn.Memory(), flow)
            self.assertEqual((r.dram_reads.I, r.dram_reads.W, r.dram_writes.O), (8, 24, 24))

    def test_not_a_product_and_errors(self):
        with ecnn.Layer(C=3, K=4, H=5, W=5, R=3, S=3) as layer:
            self.assertIsNone(layer.as_gemm)
        with ecnn.Layer(C=64, K=256, H=56, W=56) as layer:
            self.assertEqual(layer.as_gemm, ecnn.Gemm(1, 1, 3136, 64, 256))
        with self.assertRaises(ecnn.RangeError) as e:
            ecnn.Layer.gemm(0, 1, 1)
        self.assertIn("m = 0", str(e.exception))
        with self.assertRaises(ecnn.CountOverflowError):
            ecnn.Layer.gemm(1, 3, 1, groups=1 << 62)
        with self.assertRaises(TypeError):
            ecnn.Layer.gemm(1.5, 1, 1)


if __name__ == "__main__":
    unittest.main()
