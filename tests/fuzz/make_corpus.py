#!/usr/bin/python3
"""Write the fuzzer's seed corpus (tests/fuzz/corpus/) in the byte format
that fuzz_api.c decodes (docs/fuzzing.md, "Input format").

Each seed is a short, readable program of API calls: typical layers under
every policy, the documented error paths, misuse, allocation failure and
values at the limits. libFuzzer mutates from there; the 'fuzz-corpus' meson
test replays these files through the same checks on every `meson test`.

Usage: tests/fuzz/make_corpus.py [OUTPUT_DIR]   (rewrites the *.bin files)
"""
import os
import struct
import sys

# Op codes: indices into ops[] in fuzz_api.c.
CREATE, DESTROY, LSET, LGET, LCHECK, MEM, DFSET, ORDER, EVAL, BOUND, ASYM, RGET, MSGS = range(13)
LAYER, MEMORY, DATAFLOW, RESULT = range(4)
NULL_SLOT = 4
# Allocator modes (fz_alloc_mode).
A_DEFAULT, A_NULL, A_TRACK, A_FAIL_NTH, A_FAIL_SIZE, A_EMPTY = range(6)

L = dict(N=0, C=1, K=2, G=3, H=4, W=5, R=6, S=7, sh=8, sw=9, dh=10, dw=11,
         pt=12, pb=13, pl=14, pr=15, P=32, Q=33, MACS=34, SIZE_I=35, SIZE_W=36, SIZE_O=37)
DF_KEYS = [0, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15]
DF = dict(policy=0, reuse=1, footprint=2, tN=8, tG=9, tK=10, tC=11, tP=12, tQ=13, tR=14, tS=15)
OS, WS, IS, CUSTOM, OPTIMAL = range(5)

# The edge[] table of fuzz_api.c, by value.
P2 = lambda k: 1 << k
EDGE = [0, 1, 2, 3, -1, -2, -2**63, 2**63 - 1, 2**63 - 2, P2(61) - 1, P2(61), P2(62),
        P2(31) - 1, P2(31), P2(32) - 1, P2(32), P2(32) + 1, P2(20), P2(20) + 1, P2(24),
        P2(24) + 1, P2(28), P2(38), P2(40), 3037000499, 3037000500, P2(21) - 1, P2(21),
        P2(16), P2(16) - 1, P2(16) + 1, P2(30), P2(44), P2(45), P2(50), P2(56), P2(60),
        P2(62) - 1, (2**63 - 1) // 3 + 1, 100, 127, 128, 255, 256, 1000, 4096, 1000000000, 7]
NICE = [0, 1, 2, 6, 200, 0.5, 1e-3, 3, 10, 100, 1000, 7, 0.25, 5, 50, 1e6]
ODD_ENERGY = ['-1', '-0', 'inf', '-inf', 'nan', 'max', 'min', 'denorm', '1e300', '1e200',
              '-min', '1e18']


def val(v):
    """A 64-bit value: one byte when small, else the shortest encoding."""
    if 0 <= v < 64:
        return bytes([v])
    if 0 <= v < 65536:
        return bytes([0x80, v & 0xFF, v >> 8])
    if v in EDGE:
        return bytes([0xC0 + EDGE.index(v)])
    return bytes([0xF0]) + struct.pack('<q', v)


def key(k, valid):
    """A key: its index among the valid ones, or a raw 0..55."""
    return bytes([valid.index(k)]) if k in valid else bytes([0xC0 + k])


def energy(e):
    if isinstance(e, str):
        i = ODD_ENERGY.index(e)
        return bytes([0x80 + (i - 8) % 12])
    if e in NICE:
        return bytes([NICE.index(e)])
    return bytes([0xF0]) + struct.pack('<d', e)


LAYER_KEYS = list(range(16)) + list(range(32, 38))


class Seed:
    def __init__(self):
        self.b = bytearray()

    def op(self, *parts):
        for p in parts:
            self.b += bytes([p]) if isinstance(p, int) else p
        return self

    def create(self, kind, slot, mode=A_DEFAULT, param=0):
        extra = bytes([param]) if mode == A_FAIL_NTH else val(param)
        return self.op(CREATE, kind, slot, mode, extra)

    def destroy(self, kind, slot):
        return self.op(DESTROY, kind, slot)

    def layer(self, slot=0, **kv):
        for k, v in kv.items():
            self.op(LSET, slot, key(L[k], LAYER_KEYS), val(v))
        return self

    def lget(self, slot, k, null=False):
        return self.op(LGET, slot, key(L[k] if isinstance(k, str) else k, LAYER_KEYS), 0 if null else 1)

    def mem(self, slot=0, **kv):
        names = dict(M=0, PI=1, PW=2, PO=3, choose=4)
        for k, v in kv.items():
            self.op(MEM, slot, 0, key(names[k], list(range(8))), val(v))
        return self

    def price(self, slot, k, e):
        return self.op(MEM, slot, 1, key(k, list(range(8))), energy(e))

    def df(self, slot=0, **kv):
        for k, v in kv.items():
            self.op(DFSET, slot, key(DF[k], DF_KEYS), 1, val(v))
        return self

    def order_string(self, slot, s, null=False):
        raw = s.encode('ascii')  # bytes below 0x80 decode as themselves
        return self.op(ORDER, slot, 2, len(raw), raw, 0 if null else 1)

    def order_array(self, slot, dims, null=False):
        return self.op(ORDER, slot, 1, bytes(d if 0 <= d < 8 else 0xE0 + [8, 9, -1].index(d)
                                             for d in dims), 0 if null else 1)

    def evaluate(self, l=0, m=0, d=0, r=0, count=False):
        return self.op(EVAL, 1 if count else 0, l, m, d, r)

    def bound(self, l=0, m=0, r=0):
        return self.op(BOUND, l, m, r)

    def asym(self, l=0, m=0, policy=OS, mask=7):
        return self.op(ASYM, l, m, policy, mask)

    def getters(self, r=0):
        """Every getter once, valid keys, in whatever state r is."""
        for which in range(9):
            self.op(RGET, r, which, 1, 0, 0, 1)
        return self

    def messages(self, v=0):
        return self.op(MSGS, 0, 0, 0, 0, val(v))


def conv(s, slot=0, N=1, C=16, K=16, G=1, H=14, W=14, R=3, S=3, sh=1, sw=1, dh=1, dw=1, pad=1):
    return s.layer(slot, N=N, C=C, K=K, G=G, H=H, W=W, R=R, S=S, sh=sh, sw=sw, dh=dh, dw=dw,
                   pt=pad, pb=pad, pl=pad, pr=pad)


def seeds():
    out = {}

    def add(name, s):
        out[name] = bytes(s.b)

    # Typical layers under each policy, with the counter's check.
    for p, name in [(OS, 'os'), (WS, 'ws'), (IS, 'is'), (OPTIMAL, 'optimal')]:
        add(f'conv3x3_{name}', conv(Seed()).mem(M=1024).df(policy=p).evaluate().getters()
            .evaluate(count=True).getters())
    add('fc', Seed().layer(C=64, K=32, N=4).mem(M=256).evaluate().evaluate(count=True))
    add('depthwise', conv(Seed(), C=8, K=8, G=8).mem(M=512).df(policy=WS).evaluate().getters())
    add('strided_dilated', conv(Seed(), H=17, W=13, sh=2, sw=3, dh=2, dw=2, pad=2).mem(M=300)
        .evaluate().evaluate(count=True))
    add('stride_beyond_kernel', conv(Seed(), H=20, W=20, R=2, S=2, sh=5, sw=7, pad=0)
        .evaluate().evaluate(count=True))
    add('refetch_bbox', conv(Seed(), dh=3, dw=2).df(reuse=1, footprint=1).mem(M=200)
        .evaluate().evaluate(count=True).df(reuse=0).evaluate())
    add('explicit_tiles', conv(Seed()).df(tN=1, tG=1, tK=4, tC=4, tP=7, tQ=7, tR=3, tS=1)
        .evaluate().evaluate(count=True).getters())
    add('tile_too_large', conv(Seed()).df(tK=17).evaluate().getters())
    add('tile_negative', Seed().df(tP=-1).op(DFSET, 0, key(20, DF_KEYS), 1, val(3)))
    add('capacity_0', conv(Seed()).mem(M=0).evaluate().bound().asym().getters())
    add('capacity_1', conv(Seed()).mem(M=1).evaluate().bound())
    add('capacity_3_one_pixel', Seed().layer(H=3, W=3, R=3, S=3).mem(M=3).evaluate()
        .evaluate(count=True).bound().getters())
    add('partitioned', conv(Seed()).mem(PI=200, PW=100, PO=100).evaluate().evaluate(count=True)
        .getters())
    add('choose_partition', conv(Seed()).mem(M=600, choose=1).evaluate().getters()
        .mem(choose=2))
    add('custom_order', conv(Seed()).order_string(0, 'qpnGKCRS').evaluate()
        .evaluate(count=True).getters())
    add('bad_orders', Seed().order_string(0, 'NGKCPQRX').order_string(0, 'NGKCPQR')
        .order_string(0, 'NNKCPQRS').order_string(0, '', null=True)
        .order_array(0, [0, 1, 2, 3, 4, 5, 6, 6]).order_array(0, [0, 1, 2, 3, 4, 5, 6, 9])
        .order_array(0, [7, 6, 5, 4, 3, 2, 1, 0], null=True).op(ORDER, 0, 3, 1))
    add('kernel_larger_than_input', Seed().layer(H=3, W=3, R=5, S=5).evaluate().getters()
        .layer(pt=1, pb=1, pl=1, pr=1).evaluate().evaluate(count=True).getters())
    add('stride_dilation_huge', Seed().layer(H=5, W=5, R=2, S=2, sh=P2(40), sw=P2(62) - 1,
                                             dh=2, dw=2).evaluate().bound())
    add('dilation_beyond_input', Seed().layer(H=5, W=5, R=2, S=2, dh=P2(40), pt=P2(40))
        .evaluate().evaluate(count=True).bound())
    add('groups_mismatch', Seed().layer(C=6, K=4, G=4).lget(0, 'P').op(LCHECK, 0).evaluate()
        .getters())
    add('empty_output', Seed().layer(H=2, R=3).lget(0, 'Q').op(LCHECK, 0).evaluate().bound()
        .asym())
    add('overflow_last_multiplication', Seed().layer(N=P2(31), C=P2(31), H=1, W=1)
        .lget(0, 'SIZE_I').layer(W=2).lget(0, 'SIZE_I').op(LCHECK, 0).evaluate())
    add('extent_int64_max', Seed().layer(H=2**63 - 1).evaluate().layer(H=P2(61) - 1, R=1)
        .df(tP=P2(61) - 1).evaluate().bound())
    add('huge_automatic_tiling', Seed().layer(N=P2(44)).evaluate().df(tN=P2(44))
        .layer(K=1000).mem(M=2**62).evaluate().getters())
    add('huge_explicit_tiles', Seed().layer(N=P2(40), K=P2(20)).mem(M=2**63 - 1)
        .df(tN=P2(40), tK=P2(20), tG=1, tC=1, tP=1, tQ=1, tR=1, tS=1).evaluate().getters())
    add('macs_overflow', Seed().layer(N=P2(21), C=P2(21), K=P2(21)).evaluate().bound()
        .layer(N=P2(20)).evaluate())
    add('energies', conv(Seed()).price(0, 0, 'nan').price(0, 1, 'inf').price(0, 2, '-1')
        .price(0, 3, '-0').price(0, 4, 'denorm').price(0, 7, 1).op(MEM, 0, 2, 0)
        .op(MEM, 0, 2, 0xC1).evaluate().getters())
    add('energies_zero', conv(Seed()).price(0, 0, 0).price(0, 1, 0).price(0, 2, 0).price(0, 3, 0)
        .price(0, 4, 0).evaluate().getters())
    add('getters_before_evaluation', Seed().getters().getters(1).evaluate(r=NULL_SLOT)
        .op(RGET, 0, 0, 0, 0xC5, 0, 0).op(RGET, 0, 4, 1, 0xC9, 1, 1))
    add('null_handles', Seed().evaluate(l=NULL_SLOT).getters().evaluate(m=NULL_SLOT)
        .evaluate(d=NULL_SLOT).bound(l=NULL_SLOT).asym(m=NULL_SLOT).lget(NULL_SLOT, 'N')
        .op(LCHECK, NULL_SLOT).layer(NULL_SLOT, N=2).df(NULL_SLOT, tN=1).messages())
    add('destroyed_slots', Seed().destroy(LAYER, 0).destroy(RESULT, 0).evaluate().getters()
        .destroy(MEMORY, 1).destroy(MEMORY, 1).messages(99))
    add('bad_keys', Seed().op(LSET, 0, 0xC0 + 16, val(1)).op(LSET, 0, key(33, LAYER_KEYS), val(1))
        .op(LSET, 0, 0xF8, val(1)).op(LGET, 0, 0xC0 + 40, 1).op(MEM, 0, 0, 0xC0 + 5, val(1))
        .op(MEM, 0, 3, 1, 0xFA).op(DFSET, 0, 0xC0 + 3, 1, val(0)).op(DFSET, 0, 0, 1, val(5))
        .op(ASYM, 0, 0, 3, 7).op(ASYM, 0, 0, 0xF8, 7).messages(-1).messages(2**63 - 1))
    add('layer_minimum_values', Seed().layer(N=0, pt=-1, H=-(2**63)).lget(0, 'MACS'))
    add('bound_and_asymptotic', conv(Seed(), H=56, W=56, C=64, K=64).bound().getters()
        .asym(policy=OS).asym(policy=WS, mask=1).asym(policy=IS, mask=6).asym(policy=CUSTOM))
    add('bound_axis_limit', Seed().layer(H=P2(24) + 1, R=P2(24) + 1).bound().asym()
        .lget(0, 'MACS'))
    # Allocation failure: every n for an evaluation with automatic tiling.
    s = conv(Seed())
    for n in range(12):
        s.create(RESULT, 1, A_FAIL_NTH, n).evaluate(r=1).evaluate(r=1, count=True).getters(1)
    add('alloc_fail_nth', s)
    s = conv(Seed()).df(policy=OPTIMAL)
    for limit in [0, 100, 1000, 4096, 65535]:
        s.create(RESULT, 2, A_FAIL_SIZE, limit).evaluate(r=2).getters(2)
    add('alloc_fail_size', s)
    s = Seed()
    for kind in range(4):
        s.create(kind, 3, A_FAIL_NTH, 0).create(kind, 2, A_TRACK).create(kind, 1, A_NULL) \
         .create(kind, 0, A_EMPTY)
    add('alloc_handles', s.evaluate(3, 3, 3, 3).evaluate(2, 2, 2, 2).evaluate(1, 1, 1, 1)
        .evaluate(0, 0, 0, 0, count=True).getters(2))
    add('many_slots', conv(conv(Seed(), slot=1, C=4, K=8), slot=2, H=7, W=7, R=1, S=1, pad=0)
        .mem(1, M=100).df(1, policy=IS).df(2, policy=WS).evaluate(1, 1, 1, 1)
        .evaluate(2, 1, 2, 2).evaluate(1, 0, 2, 3, count=True).getters(1).getters(3))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')
    os.makedirs(outdir, exist_ok=True)
    for old in os.listdir(outdir):
        if old.endswith('.bin'):
            os.remove(os.path.join(outdir, old))
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, name + '.bin'), 'wb') as f:
            f.write(data)
    print(f'{len(seeds())} seeds in {outdir}')


if __name__ == '__main__':
    main()
