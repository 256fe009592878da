"""ecnn: Python binding of libecnn, the energy complexity of CNN layers.

Standard library only (ctypes). The shared library is found through the
environment variable ECNN_LIBRARY (its full path) or else the dynamic
linker's search path (libecnn.so.0, then ctypes.util.find_library).

    import ecnn
    with ecnn.Layer(C=128, K=128, H=28, W=28, R=3, S=3, pad=1) as layer:
        result = ecnn.evaluate(layer, ecnn.Memory(capacity=65536), ecnn.Dataflow("WS"))
        print(result.energy.total, result.dram_reads.I, result.tiles.K)

See README.md ("Python binding") and docs/python.md.
"""
from ._capi import ABI_MAJOR, DIMS, Footprint, Policy, Reuse, Status, library_path
from ._capi import version_number as _version_number
from ._capi import version_string as _version_string
from ._capi import CAPACITY_UNBOUNDED as UNBOUNDED
from ._core import (Asymptotic, Bound, Counts, Dataflow, Energy, Gap, Gemm, Layer, Level, Memory,
                    Result, Sizes, Tiles, asymptotic, count, evaluate, lower_bound)
from ._errors import (CapacityError, CountOverflowError, EcnnError, EmptyOutputError,
                      EnergyError, GroupsError, LimitError, NoMemoryError, NotEvaluatedError,
                      NullError, OrderError, RangeError, ReadOnlyError, TileError,
                      UnavailableError, UnknownKeyError)
from . import memfile
from .memfile import MemoryFileError

OS, WS, IS, CUSTOM, OPTIMAL = Policy.OS, Policy.WS, Policy.IS, Policy.CUSTOM, Policy.OPTIMAL
SLIDE, REFETCH = Reuse.SLIDE, Reuse.REFETCH
EXACT, BBOX = Footprint.EXACT, Footprint.BBOX

#: The library's version, as ec_version_string() returns it ("0.2.0").
__version__ = _version_string


def version():
    """The loaded library's version string (ec_version_string())."""
    return _version_string


def version_number():
    """The loaded library's version number, MAJOR * 10000 + MINOR * 100 + PATCH."""
    return _version_number


__all__ = [
    "ABI_MAJOR", "DIMS", "library_path", "version", "version_number",
    "Layer", "Memory", "Dataflow", "Result", "evaluate", "count", "lower_bound", "asymptotic",
    "Policy", "Reuse", "Footprint", "Status", "OS", "WS", "IS", "CUSTOM", "OPTIMAL",
    "SLIDE", "REFETCH", "EXACT", "BBOX",
    "Gemm", "Sizes", "Tiles", "Counts", "Energy", "Bound", "Gap", "Asymptotic", "Level",
    "UNBOUNDED",
    "EcnnError", "NullError", "UnknownKeyError", "RangeError", "GroupsError", "EmptyOutputError",
    "OrderError", "TileError", "CapacityError", "EnergyError", "CountOverflowError",
    "NoMemoryError", "NotEvaluatedError", "ReadOnlyError", "LimitError", "UnavailableError",
    "memfile", "MemoryFileError",
]
