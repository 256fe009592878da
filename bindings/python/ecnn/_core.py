"""Layer, Memory and Dataflow handles; evaluate(), count() and the Result."""
import contextlib
import ctypes
import dataclasses
import math
import operator
import threading
from typing import NamedTuple, Optional, Tuple

from . import _capi, memfile
from ._capi import DIMS, TENSORS, Footprint, Policy, Reuse, Status, lib
from ._errors import EcnnError, NoMemoryError, RangeError, check, error

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _int64(kind, name, value):
    """value as a C int64_t: integers only (no floats, no strings), and the
    range checked here because ctypes would silently wrap it."""
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{kind}: {name} must be an integer, not {type(value).__name__}") from None
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise RangeError(Status.E_RANGE, f"{kind}: {name} = {value} does not fit 64 bits")
    return value


class _Handle:
    """An owned C handle. close() frees it; so do a with block and garbage
    collection (__del__). A closed handle raises ValueError when used.

    Every C call that reads the handle runs inside _shared() and every call
    that changes it (a setter, close) inside _exclusive(): readers (the
    evaluations of several threads on one Memory) run together, a change
    waits until no C call uses the handle. ctypes releases the GIL during a
    call, so without this a close() in another thread would free the handle
    under a running ec_search_optimal (a use-after-free, issue 17)."""

    _kind = ""
    _create = _destroy = _message_fn = None
    PARAMS = ()

    def __init__(self):
        object.__setattr__(self, "_ptr", None)
        object.__setattr__(self, "_cond", threading.Condition(threading.Lock()))
        object.__setattr__(self, "_readers", 0)
        object.__setattr__(self, "_writer", False)
        ptr = type(self)._create()
        if not ptr:
            raise NoMemoryError(Status.E_NOMEM, f"{self._kind}: out of memory")
        object.__setattr__(self, "_ptr", ptr)

    def __setattr__(self, name, value):
        # Only the parameters (properties) are settable: a misspelt or
        # constructor-only name would otherwise become a plain attribute
        # that the C handle never sees.
        attr = getattr(type(self), name, None)
        if not name.startswith("_") and callable(attr):
            raise AttributeError(f"{type(self).__name__}.{name} is a method: call it, e.g. "
                                 f"{self._kind}.{name}(...)")
        if not name.startswith("_") and not isinstance(attr, property):
            raise AttributeError(f"{type(self).__name__} has no parameter {name!r} "
                                 f"(valid: {', '.join(self._settable())})")
        object.__setattr__(self, name, value)

    @classmethod
    def _settable(cls):
        return tuple(n for n in dir(cls) if not n.startswith("_")
                     and isinstance(getattr(cls, n), property) and getattr(cls, n).fset)

    @contextlib.contextmanager
    def _shared(self):
        """The C pointer, kept alive until the block ends."""
        with self._cond:
            while self._writer:
                self._cond.wait()
            if self._ptr is None:
                raise ValueError(f"this {self._kind} is closed")
            self._readers += 1
        try:
            yield self._ptr
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def _exclusive(self, closing=False):
        """The C pointer, with no other C call on it until the block ends."""
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            if self._ptr is None and not closing:
                raise ValueError(f"this {self._kind} is closed")
            self._writer = True
        try:
            yield self._ptr
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()

    @property
    def _h(self):
        """The C pointer without a guard: only for a handle no other thread
        can see yet; ValueError once closed."""
        if self._ptr is None:
            raise ValueError(f"this {self._kind} is closed")
        return self._ptr

    @property
    def closed(self):
        """True once close() has freed the C handle."""
        return self._ptr is None

    def close(self):
        """Free the C handle now, once no C call (in any thread) uses it:
        close() waits for those to return. Idempotent."""
        if getattr(self, "_cond", None) is None:  # __init__ failed early
            return
        with self._exclusive(closing=True) as ptr:
            object.__setattr__(self, "_ptr", None)
            if ptr:
                type(self)._destroy(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # At interpreter exit the module's globals may already be gone.
        try:
            self.close()
        except Exception:  # pragma: no cover
            pass

    def _call(self, fn, *args, write=False):
        """fn(handle, *args) under the guard; raises for a failed status with
        the handle's message, read under the same guard."""
        with (self._exclusive() if write else self._shared()) as h:
            status = fn(h, *args)
            check(status, lambda: type(self)._message_fn(h))
        return status

    def _apply(self, kwargs, names):
        for name, value in kwargs.items():
            if name not in names:
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument "
                                f"{name!r} (valid: {', '.join(names)})")
            setattr(self, name, value)


# --- Layer --------------------------------------------------------------------


class Sizes(NamedTuple):
    """Tensor sizes in words: |I|, |W|, |O|."""
    I: int
    W: int
    O: int


class Gemm(NamedTuple):
    """A layer read as a matrix product (Layer.as_gemm)."""
    batch: int
    groups: int
    m: int
    k: int
    n: int


class Layer(_Handle):
    """A convolutional layer's shape (docs/model.md section 1).

    Keyword arguments, also readable and writable as attributes: N, C, K, G,
    H, W, R, S, stride_h, stride_w, dilation_h, dilation_w, pad_top,
    pad_bottom, pad_left, pad_right (defaults: 1, paddings 0). Shorthands:
    stride= and dilation= set both axes, pad= all four sides; the specific
    names win. Derived, read-only: P, Q, macs, sizes (size_I, size_W,
    size_O). Invalid values raise an EcnnError subclass naming the parameter.
    """

    _kind = "layer"
    _create = staticmethod(lib.ec_layer_create)
    _destroy = staticmethod(lib.ec_layer_destroy)
    _message_fn = staticmethod(lib.ec_layer_message)
    PARAMS = tuple(_capi.LAYER_PARAMS)

    def __init__(self, *, stride=None, dilation=None, pad=None, **params):
        super().__init__()
        short = {}
        if stride is not None:
            short.update(stride_h=stride, stride_w=stride)
        if dilation is not None:
            short.update(dilation_h=dilation, dilation_w=dilation)
        if pad is not None:
            short.update(pad_top=pad, pad_bottom=pad, pad_left=pad, pad_right=pad)
        self._apply({**short, **params}, self.PARAMS)

    def _get(self, key):
        value = ctypes.c_int64()
        with self._shared() as h:
            status = lib.ec_layer_get(h, key, ctypes.byref(value))
        if status != Status.OK and key in _capi.LAYER_DERIVED.values():
            # A derived value fails for an invalid layer, without a message
            # (the getter takes a const layer); the check leaves one.
            self._call(lib.ec_layer_check, write=True)
        check(status)
        return value.value

    def check(self):
        """Raise if the layer is not valid (divisibility by G, P and Q >= 1,
        counts within 64 bits); return self otherwise."""
        self._call(lib.ec_layer_check, write=True)
        return self

    @property
    def params(self):
        """The settable parameters, as a dict."""
        return {name: getattr(self, name) for name in self.PARAMS}

    @classmethod
    def gemm(cls, m, k, n, *, batch=1, groups=1):
        """A matrix product as a layer (docs/gemm.md, ec_layer_set_gemm()):
        `groups` independent products, each of `batch` matrices m x k by one
        k x n matrix of its own, which plays the weights. Attention's
        products (both operands activations) are groups = batch * heads,
        batch = 1."""
        layer = cls()
        args = [_int64("layer", name, value) for name, value in
                (("batch", batch), ("groups", groups), ("m", m), ("k", k), ("n", n))]
        try:
            layer._call(lib.ec_layer_set_gemm, *args, write=True)
        except BaseException:
            layer.close()
            raise
        return layer

    @property
    def as_gemm(self):
        """Gemm(batch, groups, m, k, n) if the layer is a matrix product (a
        1x1, stride-1, unpadded convolution; m = H * W), else None."""
        v = [ctypes.c_int64() for _ in range(5)]
        with self._shared() as h:
            status = lib.ec_layer_get_gemm(h, *(ctypes.byref(x) for x in v))
        if status == Status.E_UNAVAILABLE:
            return None
        if status != Status.OK:
            # An invalid layer: ec_layer_check() leaves the message naming the
            # parameter, and raises with it.
            self._call(lib.ec_layer_check, write=True)
            check(status)
        return Gemm(*(x.value for x in v))

    @property
    def sizes(self):
        """Sizes(I, W, O) of the three tensors, in words."""
        return Sizes(self.size_I, self.size_W, self.size_O)

    def __repr__(self):
        if self.closed:
            return "<ecnn.Layer (closed)>"
        changed = {k: v for k, v in self.params.items() if v != (0 if k.startswith("pad") else 1)}
        return "ecnn.Layer(" + ", ".join(f"{k}={v}" for k, v in changed.items()) + ")"


def _layer_property(name, key):
    def get(self):
        return self._get(key)

    def set(self, value):
        self._call(lib.ec_layer_set, key, _int64("layer", name, value), write=True)
    return property(get, set, doc=f"Layer parameter {name}.")


for _name, _key in _capi.LAYER_PARAMS.items():
    setattr(Layer, _name, _layer_property(_name, _key))
for _name, _key in _capi.LAYER_DERIVED.items():
    setattr(Layer, _name, property(lambda self, _k=_key: self._get(_k),
                                   doc=f"Derived, read-only: {_name}."))


def _shorthand_property(name, members):
    """stride, dilation, pad: set every member; read back their common
    value (ValueError if the members differ)."""
    def get(self):
        values = {m: getattr(self, m) for m in members}
        if len(set(values.values())) != 1:
            raise ValueError(f"layer: {name} is not one value: "
                             + ", ".join(f"{m} = {v}" for m, v in values.items()))
        return values[members[0]]

    def put(self, value):
        value = _int64("layer", name, value)
        for m in members:
            setattr(self, m, value)
    return property(get, put, doc=f"Shorthand: {', '.join(members)} at once.")


Layer.stride = _shorthand_property("stride", ("stride_h", "stride_w"))
Layer.dilation = _shorthand_property("dilation", ("dilation_h", "dilation_w"))
Layer.pad = _shorthand_property("pad", ("pad_top", "pad_bottom", "pad_left", "pad_right"))

# --- Memory -------------------------------------------------------------------


class Memory(_Handle):
    """The memory hierarchy (docs/model.md section 2): DRAM and a Buffer.

    Keyword arguments, also attributes: capacity (words, default 65536),
    partition_I, partition_W, partition_O (words; any non-zero partitions
    the Buffer), choose_partition (bool: let the library partition
    capacity), and the per-word energies dram_read, dram_write, buf_read,
    buf_write, mac (defaults of preset="eyeriss": 200, 200, 6, 6, 1).
    """

    _kind = "memory"
    _create = staticmethod(lib.ec_memory_create)
    _destroy = staticmethod(lib.ec_memory_destroy)
    _message_fn = staticmethod(lib.ec_memory_message)
    PARAMS = tuple(_capi.MEMORY_PARAMS) + tuple(_capi.ENERGY_PARAMS)

    def __init__(self, *, preset=None, **params):
        super().__init__()
        if preset is not None:
            self.preset(preset)
        self._apply(params, self.PARAMS)

    @classmethod
    def from_file(cls, path):
        """A Memory from a memory description file ("key = value" lines,
        `#` comments: capacity, partition_i/_w/_o, choose_partition,
        word_bytes, dram_read, dram_write, buf_read, buf_write, mac), the
        file `ecnn ... --memory FILE` reads and `python3 -m ecnn.fit
        --calibrate` writes. Keys the file leaves out keep their defaults.
        Raises ecnn.memfile.MemoryFileError ("file:line: reason", a
        ValueError) for a file the command-line tool would refuse;
        ecnn.memfile.write(path, memory.params) writes one."""
        return cls(**memfile.load(path))

    def preset(self, name):
        """Set the five energies from a preset ("eyeriss")."""
        if name not in _capi.PRESETS:
            raise ValueError(f"memory: unknown preset {name!r} (known: {', '.join(_capi.PRESETS)})")
        self._call(lib.ec_memory_preset_energies, _capi.PRESETS[name], write=True)
        return self

    @property
    def params(self):
        """Every parameter, as a dict."""
        return {name: getattr(self, name) for name in self.PARAMS}

    # --- hierarchies (docs/hierarchy.md) ---

    @property
    def levels(self):
        """On-chip levels of the hierarchy (0: the two-level model)."""
        n = ctypes.c_int()
        self._call(lib.ec_memory_get_levels, ctypes.byref(n))
        return n.value

    def set_levels(self, levels):
        """Make this memory DRAM plus `levels` on-chip levels (1 to 8), every
        level at its defaults (ec_memory_set_levels), or the two-level model
        (0). Returns self."""
        self._call(lib.ec_memory_set_levels, int(levels), write=True)
        return self

    def set_level(self, level, *, name=None, capacity=None, mesh_x=None, mesh_y=None,
                  keep=None, block=None, cluster=None):
        """Configure level `level` (0 = DRAM .. levels; levels + 1 = the MACs,
        meshes only): capacity in words per instance (None leaves it,
        ecnn.UNBOUNDED for none), mesh_x/mesh_y instances, keep the tensors
        kept as letters ("IO"), block and cluster Timeloop's block-size and
        cluster-size (docs/hierarchy.md, "Clusters and blocks"). Returns self."""
        if name is not None:
            self._call(lib.ec_memory_level_set_name, level, str(name).encode(), write=True)
        if block is not None:
            self._call(lib.ec_memory_level_set_block, level, _int64("memory", "block", block),
                       write=True)
        if cluster is not None:
            self._call(lib.ec_memory_level_set_cluster, level,
                       _int64("memory", "cluster", cluster), write=True)
        for key, value in (("capacity", capacity), ("mesh_x", mesh_x), ("mesh_y", mesh_y)):
            if value is not None:
                self._call(lib.ec_memory_level_set, level, _capi.HIER_PARAMS[key],
                           _int64("memory", key, value), write=True)
        if keep is not None:
            mask = 0
            for t in str(keep).upper():
                if t not in TENSORS:
                    raise ValueError(f"memory: level {level}: keep {keep!r}: unknown tensor {t!r}")
                mask |= 1 << TENSORS.index(t)
            self._call(lib.ec_memory_level_set, level, _capi.HIER_PARAMS["keep"], mask, write=True)
        return self

    def set_level_energy(self, level, action, energy, tensors="IWO"):
        """Energy per word of `action` ("read", "fill", "update") on each of
        `tensors` at `level`. Returns self."""
        if action not in _capi.ACTIONS:
            raise ValueError(f"memory: unknown action {action!r} (read, fill, update)")
        for t in tensors:
            self._call(lib.ec_memory_level_set_energy, level, TENSORS.index(t),
                       _capi.ACTIONS[action], float(energy), write=True)
        return self

    def level_name(self, level):
        """The name of a level ("" if there is none)."""
        with self._shared() as h:
            return lib.ec_memory_level_name(h, level).decode()

    def __repr__(self):
        if self.closed:
            return "<ecnn.Memory (closed)>"
        return "ecnn.Memory(" + ", ".join(f"{k}={v!r}" for k, v in self.params.items()) + ")"


def _memory_property(name, key):
    def get(self):
        value = ctypes.c_int64()
        self._call(lib.ec_memory_get, key, ctypes.byref(value))
        return bool(value.value) if name == "choose_partition" else value.value

    def set(self, value):
        self._call(lib.ec_memory_set, key, _int64("memory", name, value), write=True)
    return property(get, set, doc=f"Memory parameter {name} (words).")


def _energy_property(name, key):
    def get(self):
        value = ctypes.c_double()
        self._call(lib.ec_memory_get_energy, key, ctypes.byref(value))
        return value.value

    def set(self, value):
        if isinstance(value, (str, bytes)):
            raise TypeError(f"memory: energy {name} must be a number")
        self._call(lib.ec_memory_set_energy, key, float(value), write=True)
    return property(get, set, doc=f"Energy of one {name} access, per word.")


for _name, _key in _capi.MEMORY_PARAMS.items():
    setattr(Memory, _name, _memory_property(_name, _key))
for _name, _key in _capi.ENERGY_PARAMS.items():
    setattr(Memory, _name, _energy_property(_name, _key))

# --- Dataflow -----------------------------------------------------------------


class Tiles(NamedTuple):
    """A tile per dimension, in ec_dim order (0 in a Dataflow: automatic)."""
    N: int
    G: int
    K: int
    C: int
    P: int
    Q: int
    R: int
    S: int


def _enum(kind, enum_type, value):
    """An enum member from itself, its value or its name (any case)."""
    if isinstance(value, str):
        try:
            return enum_type[value.upper()]
        except KeyError:
            names = ", ".join(m.name for m in enum_type)
            raise ValueError(f"dataflow: {kind} {value!r} is not one of {names}") from None
    return enum_type(value)


def _dim_letter(kind, d):
    """The letter of a dimension given as a letter (any case) or an ec_dim
    value 0..7; ValueError naming the valid ones otherwise."""
    if isinstance(d, str) and len(d) == 1 and d.upper() in DIMS:
        return d.upper()
    if isinstance(d, int) and not isinstance(d, bool) and 0 <= d < len(DIMS):
        return DIMS[d]
    raise ValueError(f"dataflow: {kind} {d!r} is not a dimension (a letter of {DIMS} or its "
                     f"ec_dim value 0..{len(DIMS) - 1})")


def _order_string(order):
    """An order from a string "NGKPQCRS" or a sequence of letters or ec_dim
    values; the library checks that it is a permutation."""
    if isinstance(order, str):
        return order
    if isinstance(order, (bytes, bytearray)) or not hasattr(order, "__iter__"):
        raise TypeError(f"dataflow: order must be a string such as 'NGKPQCRS' or a sequence of "
                        f"letters or ec_dim values, not {type(order).__name__}")
    return "".join(_dim_letter("order entry", o) for o in order)


class Dataflow(_Handle):
    """A dataflow (docs/model.md sections 3 and 6): loop order, tiles, options.

    policy: Policy.OS (default), WS, IS or OPTIMAL, or its name; an order
    string such as "NGKPQCRS" (outermost first) is a custom order, as is
    order=. reuse: "slide" (default) or "refetch"; footprint: "exact"
    (default) or "bbox". Tiles: tile_N ... tile_S, or tiles={"K": 16, ...};
    0 or absent means automatic.
    """

    _kind = "dataflow"
    _create = staticmethod(lib.ec_dataflow_create)
    _destroy = staticmethod(lib.ec_dataflow_destroy)
    _message_fn = staticmethod(lib.ec_dataflow_message)
    PARAMS = ("policy", "order", "reuse", "footprint", "tiles") + tuple("tile_" + d for d in DIMS)

    def __init__(self, policy=None, **params):
        super().__init__()
        if policy is not None:
            if "order" in params:
                raise TypeError("Dataflow(): give a policy or an order, not both")
            self.policy = policy
        self._apply(params, self.PARAMS)

    def _get(self, key):
        value = ctypes.c_int64()
        self._call(lib.ec_dataflow_get, key, ctypes.byref(value))
        return value.value

    def _set(self, key, value):
        self._call(lib.ec_dataflow_set, key, value, write=True)

    @property
    def policy(self):
        """The Policy (CUSTOM after an order was set)."""
        return Policy(self._get(_capi.DF_POLICY))

    @policy.setter
    def policy(self, value):
        if isinstance(value, str) and len(value) == len(DIMS):
            self.order = value
        else:
            self._set(_capi.DF_POLICY, _enum("policy", Policy, value))

    @property
    def order(self):
        """The loop order used, outermost first, as a string ("NGKPQCRS").
        Setting it makes the policy CUSTOM."""
        order = _capi.DIM_ARRAY()
        self._call(lib.ec_dataflow_get_order, order)
        return "".join(DIMS[d] for d in order)

    @order.setter
    def order(self, value):
        self._call(lib.ec_dataflow_set_order_string, _order_string(value).encode(), write=True)

    @property
    def reuse(self):
        """Reuse.SLIDE or Reuse.REFETCH."""
        return Reuse(self._get(_capi.DF_REUSE))

    @reuse.setter
    def reuse(self, value):
        self._set(_capi.DF_REUSE, _enum("reuse", Reuse, value))

    @property
    def footprint(self):
        """Footprint.EXACT or Footprint.BBOX."""
        return Footprint(self._get(_capi.DF_FOOTPRINT))

    @footprint.setter
    def footprint(self, value):
        self._set(_capi.DF_FOOTPRINT, _enum("footprint", Footprint, value))

    # --- the mapping of a hierarchy (docs/hierarchy.md) ---

    def set_factor(self, level, dim, factor, kind="temporal"):
        """One factor of the mapping: the loop over `dim` ("K") of `kind`
        ("temporal", "x", "y": spatial fanout to the next inner level) at
        `level` (0 = DRAM). Returns self."""
        if kind not in _capi.LOOP_KINDS or dim not in DIMS:
            raise ValueError(f"dataflow: kind {kind!r} or dimension {dim!r} unknown")
        self._call(lib.ec_dataflow_set_factor, level, _capi.LOOP_KINDS[kind], DIMS.index(dim),
                   _int64("dataflow", "factor", factor), write=True)
        return self

    def factor(self, level, dim, kind="temporal"):
        """A factor as set (0: not given)."""
        v = ctypes.c_int64()
        self._call(lib.ec_dataflow_get_factor, level, _capi.LOOP_KINDS[kind], DIMS.index(dim),
                   ctypes.byref(v))
        return v.value

    def set_level_order(self, level, order):
        """The order of level `level`'s temporal loops, outermost first
        ("NGKCPQRS"). Returns self."""
        self._call(lib.ec_dataflow_set_level_order_string, level, str(order).encode(), write=True)
        return self

    def level_order(self, level):
        order = _capi.DIM_ARRAY()
        self._call(lib.ec_dataflow_get_level_order, level, order)
        return "".join(DIMS[d] for d in order)

    def clear_mapping(self):
        """Forget every factor and level order. Returns self."""
        self._call(lib.ec_dataflow_clear_mapping, write=True)
        return self

    @property
    def tiles(self):
        """Tiles(N, ..., S); 0 is automatic. Set from a mapping {"K": 16}:
        the dimensions it names only."""
        return Tiles(*(self._get(_capi.DF_TILE_N + i) for i in range(len(DIMS))))

    @tiles.setter
    def tiles(self, mapping):
        items = dict(mapping).items()
        for dim, value in [(_dim_letter("tiles key", d), v) for d, v in items]:
            setattr(self, "tile_" + dim, value)

    def __repr__(self):
        if self.closed:
            return "<ecnn.Dataflow (closed)>"
        policy = self.policy
        head = f"order={self.order!r}" if policy == Policy.CUSTOM else f"policy={policy.name!r}"
        tiles = {d: t for d, t in self.tiles._asdict().items() if t}
        return (f"ecnn.Dataflow({head}, reuse={self.reuse.name.lower()!r}, "
                f"footprint={self.footprint.name.lower()!r}, tiles={tiles})")


def _tile_property(index):
    name = "tile_" + DIMS[index]

    def get(self):
        return self._get(_capi.DF_TILE_N + index)

    def set(self, value):
        self._set(_capi.DF_TILE_N + index, _int64("dataflow", name, value))
    return property(get, set, doc=f"Tile of {DIMS[index]}; 0 = automatic.")


for _i in range(len(DIMS)):
    setattr(Dataflow, "tile_" + DIMS[_i], _tile_property(_i))

# --- results ------------------------------------------------------------------


class Counts(NamedTuple):
    """Words accessed per tensor, at one level in one direction."""
    I: int
    W: int
    O: int

    @property
    def total(self):
        """I + W + O."""
        return self.I + self.W + self.O


class Energy(NamedTuple):
    """Energy parts: total = dram + buffer + mac = I + W + O + mac."""
    total: float
    dram: float
    buffer: float
    mac: float
    I: float
    W: float
    O: float


class Bound(NamedTuple):
    """Section 7's lower bound: no schedule moves fewer than `transfers`
    DRAM words or spends less than `energy`."""
    i_used: int
    w_used: int
    macs_real: int
    rho: int
    compulsory: int
    communication: int
    transfers: int
    energy: float
    segment: int  # T_seg (docs/bound.md section 8b); last, so positions stay


class Gap(NamedTuple):
    """The dataflow over the bound: DRAM transfers and energy ratios (>= 1)."""
    dram: float
    energy: float


class Asymptotic(NamedTuple):
    """Section 8's asymptotic formula of a named policy."""
    dram_reads: float
    dram_writes: float
    energy: float


class Level(NamedTuple):
    """One level of an evaluated hierarchy (level 0 DRAM; for the two-level
    model, level 1 is the Buffer): counts summed over the level's
    `instances`, its energy, and at the boundary above it (levels >= 1 of a
    hierarchy) the words moved across and the two-level lower bound with
    the level and all inside it as the Buffer (None where unavailable)."""
    level: int
    instances: int
    reads: Counts
    fills: Counts
    updates: Counts
    energy: float
    traffic: Optional[int]
    bound: Optional[int]


@dataclasses.dataclass(frozen=True)
class Result:
    """Everything an evaluation reports. Counts are words; dram_reads.I is
    the inputs read from DRAM, buffer_writes.O the partial-sum updates, and
    so on. `automatic` names the dimensions whose tile the library chose.
    `bound` is None if the bound was refused (EC_E_LIMIT); `gap` likewise;
    `asymptotic` is None for a custom or optimal order."""
    method: str
    policy: Policy
    order: str
    tiles: Tiles
    automatic: Tuple[str, ...]
    macs: int
    dram_total: int
    dram_reads: Counts
    dram_writes: Counts
    buffer_reads: Counts
    buffer_writes: Counts
    energy: Energy
    partition: Counts
    bound: Optional[Bound]
    gap: Optional[Gap]
    asymptotic: Optional[Asymptotic]
    levels: Tuple[Level, ...] = ()

    def count(self, tensor, level, access):
        """One count: count("I", "dram", "read")."""
        table = {("dram", "read"): self.dram_reads, ("dram", "write"): self.dram_writes,
                 ("buffer", "read"): self.buffer_reads, ("buffer", "write"): self.buffer_writes}
        return getattr(table[(level.lower(), access.lower())], tensor.upper())


class _Scratch:
    """A result handle for the duration of one call."""

    def __enter__(self):
        self.ptr = lib.ec_result_create()
        if not self.ptr:
            raise NoMemoryError(Status.E_NOMEM, "result: out of memory")
        return self.ptr

    def __exit__(self, *exc):
        lib.ec_result_destroy(self.ptr)


def _optional(status, make, ptr, figure=""):
    """make() if status is OK; None when the figure is refused or not
    available; raise for anything else, naming the figure when the result
    keeps no message for it (the getters take a const result)."""
    if status == Status.OK:
        return make()
    if status in (Status.E_LIMIT, Status.E_UNAVAILABLE, Status.E_NOT_EVALUATED):
        return None
    message = lib.ec_result_message(ptr).decode()
    if not message and status == Status.E_OVERFLOW and figure:
        message = f"{figure} exceeds the largest double (about 1.8e308)"
    raise error(status, message or figure)


def _read_bound(ptr):
    values = {}
    for name, key in _capi.BOUND_FIELDS.items():
        v = ctypes.c_int64()
        st = lib.ec_result_bound(ptr, key, ctypes.byref(v))
        if st != Status.OK:
            return _optional(st, None, ptr)
        values[name] = v.value
    energy = ctypes.c_double()
    return _optional(lib.ec_result_bound_energy(ptr, ctypes.byref(energy)),
                     lambda: Bound(energy=energy.value, **values), ptr,
                     "bound: the energy of the bound's transfers and MACs")


def _read_result(ptr, method):
    def i64(fn, *args):
        v = ctypes.c_int64()
        check(fn(ptr, *args, ctypes.byref(v)), lambda: lib.ec_result_message(ptr))
        return v.value

    def counts(level, access):
        return Counts(*(i64(lib.ec_result_count, t, level, access) for t in range(3)))

    energies = {}
    for name, part in _capi.ENERGY_PARTS.items():
        e = ctypes.c_double()
        check(lib.ec_result_energy(ptr, part, ctypes.byref(e)), lambda: lib.ec_result_message(ptr))
        energies[name] = e.value
    order = _capi.DIM_ARRAY()
    check(lib.ec_result_order(ptr, order), lambda: lib.ec_result_message(ptr))
    tiles, automatic = [], []
    for d in range(len(DIMS)):
        t, auto = ctypes.c_int64(), ctypes.c_int()
        check(lib.ec_result_tile(ptr, d, ctypes.byref(t), ctypes.byref(auto)),
              lambda: lib.ec_result_message(ptr))
        tiles.append(t.value)
        if auto.value:
            automatic.append(DIMS[d])
    ratios = (ctypes.c_double(), ctypes.c_double())
    gap = _optional(lib.ec_result_gap(ptr, *map(ctypes.byref, ratios)),
                    lambda: Gap(ratios[0].value, ratios[1].value), ptr, "gap: the bound's energy")
    asym = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double())
    asymptotic = _optional(lib.ec_result_asymptotic(ptr, *map(ctypes.byref, asym)),
                           lambda: Asymptotic(*(a.value for a in asym)), ptr)
    f = _capi.RESULT_FIELDS
    nlev = ctypes.c_int()
    check(lib.ec_result_levels(ptr, ctypes.byref(nlev)), lambda: lib.ec_result_message(ptr))
    levels = []
    for lv in range(nlev.value + 1):
        def per(action, lv=lv):
            return Counts(*(i64(lib.ec_result_level_count, lv, t, _capi.ACTIONS[action])
                            for t in range(3)))
        e = ctypes.c_double()
        check(lib.ec_result_level_energy(ptr, lv, ctypes.byref(e)), lambda: lib.ec_result_message(ptr))
        b, t = ctypes.c_int64(), ctypes.c_int64()
        has = lv >= 1 and lib.ec_result_level_bound(ptr, lv, ctypes.byref(b), ctypes.byref(t)) == Status.OK
        levels.append(Level(lv, i64(lib.ec_result_level_instances, lv), per("read"), per("fill"),
                            per("update"), e.value, t.value if has else None,
                            b.value if has else None))
    return Result(
        method=method,
        policy=Policy(i64(lib.ec_result_get, f["policy"])),
        order="".join(DIMS[d] for d in order),
        tiles=Tiles(*tiles),
        automatic=tuple(automatic),
        macs=i64(lib.ec_result_get, f["macs"]),
        dram_total=i64(lib.ec_result_get, f["dram_total"]),
        dram_reads=counts(_capi.LEVEL_DRAM, _capi.ACCESS_READ),
        dram_writes=counts(_capi.LEVEL_DRAM, _capi.ACCESS_WRITE),
        buffer_reads=counts(_capi.LEVEL_BUFFER, _capi.ACCESS_READ),
        buffer_writes=counts(_capi.LEVEL_BUFFER, _capi.ACCESS_WRITE),
        energy=Energy(**energies),
        partition=Counts(*(i64(lib.ec_result_get, f["partition_" + t]) for t in "IWO")),
        bound=_read_bound(ptr),
        gap=gap,
        asymptotic=asymptotic,
        levels=tuple(levels),
    )


def _expect(value, cls, name, optional=True):
    if (value is not None or not optional) and not isinstance(value, cls):
        raise TypeError(f"{name} must be an ecnn.{cls.__name__}, not {type(value).__name__}")


def _run(fn, method, layer, memory, dataflow):
    _expect(layer, Layer, "layer", optional=False)
    _expect(memory, Memory, "memory")
    _expect(dataflow, Dataflow, "dataflow")
    own = []  # defaults made here are freed here
    if memory is None:
        memory = Memory()
        own.append(memory)
    if dataflow is None:
        dataflow = Dataflow()
        own.append(dataflow)
    try:
        with layer._shared() as lh, memory._shared() as mh, dataflow._shared() as dh, \
                _Scratch() as ptr:
            check(fn(lh, mh, dh, ptr), lambda: lib.ec_result_message(ptr))
            return _read_result(ptr, method)
    finally:
        for handle in own:
            handle.close()


def evaluate(layer, memory=None, dataflow=None):
    """Evaluate with the closed form (ec_evaluate). memory defaults to
    Memory(), dataflow to Dataflow() (output-stationary, automatic tiles).
    Returns a Result; raises an EcnnError subclass on failure."""
    return _run(lib.ec_evaluate, "evaluate", layer, memory, dataflow)


def count(layer, memory=None, dataflow=None):
    """As evaluate(), by walking the loop nest (ec_count): an independent
    check, whose cost grows with the number of outer iterations."""
    return _run(lib.ec_count, "count", layer, memory, dataflow)


def lower_bound(layer, memory=None):
    """Section 7's lower bound of the layer on the memory, for every
    schedule: a Bound. Raises CapacityError for a Buffer of 0 words."""
    _expect(layer, Layer, "layer", optional=False)
    _expect(memory, Memory, "memory")
    own = Memory() if memory is None else None
    memory = own if memory is None else memory
    try:
        with layer._shared() as lh, memory._shared() as mh, _Scratch() as ptr:
            check(lib.ec_lower_bound(lh, mh, ptr), lambda: lib.ec_result_message(ptr))
            bound = _read_bound(ptr)
            if bound is None:  # the call succeeded, so every figure must be there
                raise EcnnError(Status.E_UNAVAILABLE, "bound: figures missing after ec_lower_bound")
            return bound
    finally:
        if own is not None:
            own.close()


def asymptotic(layer, memory=None, policy=Policy.OS):
    """Section 8's asymptotic formula of a named policy (OS, WS or IS) as an
    Asymptotic(dram_reads, dram_writes, energy)."""
    _expect(layer, Layer, "layer", optional=False)
    _expect(memory, Memory, "memory")
    policy = _enum("policy", Policy, policy)
    own = Memory() if memory is None else None
    memory = own if memory is None else memory
    try:
        out = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double())
        with layer._shared() as lh, memory._shared() as mh:
            status = lib.ec_asymptotic(lh, mh, policy, *map(ctypes.byref, out))
            if status == Status.OK:
                figures = Asymptotic(*(o.value for o in out))
                # A formula's value past the largest double is refused as the
                # evaluations refuse an energy past it, not returned as inf.
                for name, value in figures._asdict().items():
                    if not math.isfinite(value):
                        raise error(Status.E_OVERFLOW, f"asymptotic: {name} of policy "
                                    f"{policy.name} exceeds the largest double (about 1.8e308)")
                return figures
            # ec_asymptotic keeps no message. Its other failures are those of
            # the layer and the bound, which ec_lower_bound reports with one.
            message = f"asymptotic: policy {policy.name} has no formula (OS, WS or IS only)"
            if status != Status.E_KEY:
                with _Scratch() as ptr:
                    same = lib.ec_lower_bound(lh, mh, ptr) == status
                    message = lib.ec_result_message(ptr).decode() if same else ""
        raise error(status, message)
    finally:
        if own is not None:
            own.close()
