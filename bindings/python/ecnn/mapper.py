"""The mapper through the binding (docs/mapper.md): constraints on a
Dataflow and search(), which runs ec_evaluate() under EC_POLICY_OPTIMAL on
a hierarchy and returns the Result, the mapping found (a new Dataflow that
evaluate() or count() evaluates again) and how the search went."""
import ctypes
from typing import NamedTuple

from . import _capi
from ._capi import DIMS, Policy, Status, lib
from ._core import Dataflow, Layer, Memory, Result, _read_result, _Scratch
from ._errors import check

FREE = 0   # EC_FACTOR_FREE: the search chooses the factor
REST = -1  # EC_FACTOR_REST: what the other factors leave (Timeloop's 0)


class Search(NamedTuple):
    """A search's answer."""
    result: Result
    mapping: Dataflow  # owned by the caller: close() it, or use `with`
    exact: bool        # the whole space was enumerated: optimal in it
    evaluated: int     # mappings evaluated
    energy_bound: float  # no mapping of the layer on the memory has less energy


def _dim(dim):
    if dim not in DIMS:
        raise ValueError(f"constraint: unknown dimension {dim!r} (one of {DIMS})")
    return DIMS.index(dim)


def constrain_factor(dataflow, level, dim, factor, kind="temporal"):
    """Fix the factor of `dim` of `kind` ("temporal", "x", "y") at `level`
    (factor >= 1), give it the rest of the extent (REST), or free it (FREE)."""
    if kind not in _capi.LOOP_KINDS:
        raise ValueError(f"constraint: unknown loop kind {kind!r}")
    dataflow._call(lib.ec_dataflow_constrain_factor, level, _capi.LOOP_KINDS[kind], _dim(dim),
                   int(factor), write=True)
    return dataflow


def constraint(dataflow, level, dim, kind="temporal"):
    """A factor constraint as set (FREE, REST or the fixed factor)."""
    v = ctypes.c_int64()
    dataflow._call(lib.ec_dataflow_get_constraint, level, _capi.LOOP_KINDS[kind], _dim(dim),
                   ctypes.byref(v))
    return v.value


def constrain_order(dataflow, level, inner):
    """Fix the innermost temporal loops of `level`: letters of "NGKCPQRS",
    innermost first (Timeloop's permutation); "" removes the constraint."""
    dataflow._call(lib.ec_dataflow_constrain_order, level, str(inner).encode(), write=True)
    return dataflow


def clear_constraints(dataflow):
    dataflow._call(lib.ec_dataflow_clear_constraints, write=True)
    return dataflow


def search(layer, memory, dataflow=None):
    """The minimum-energy mapping of `layer` on the hierarchy `memory`
    under `dataflow`'s constraints (its mapping, if any, is a baseline the
    answer is never worse than). `dataflow` is left unchanged."""
    if not isinstance(layer, Layer) or not isinstance(memory, Memory):
        raise TypeError("search(layer, memory[, dataflow]): an ecnn.Layer and an ecnn.Memory")
    own = dataflow is None
    df = Dataflow() if own else dataflow
    policy = df.policy
    mapping = Dataflow()
    try:
        df.policy = Policy.OPTIMAL
        # Every handle stays alive for the length of the calls (issue 17);
        # the mapping found is written into `mapping`, which no other thread
        # can see yet.
        with layer._shared() as lh, memory._shared() as mh, df._shared() as dh, \
                _Scratch() as ptr:
            check(lib.ec_evaluate(lh, mh, dh, ptr), lambda: lib.ec_result_message(ptr))
            result = _read_result(ptr, "evaluate")
            exact, evaluated, bound = ctypes.c_int(), ctypes.c_int64(), ctypes.c_double()
            check(lib.ec_result_search(ptr, ctypes.byref(exact), ctypes.byref(evaluated),
                                       ctypes.byref(bound)), lambda: lib.ec_result_message(ptr))
            check(lib.ec_result_mapping(ptr, mapping._h), lambda: lib.ec_result_message(ptr))
    except BaseException:
        mapping.close()
        raise
    finally:
        if own:
            df.close()
        else:
            df.policy = policy
    return Search(result, mapping, bool(exact.value), evaluated.value, bound.value)


__all__ = ["FREE", "REST", "Search", "constrain_factor", "constraint", "constrain_order",
           "clear_constraints", "search"]
