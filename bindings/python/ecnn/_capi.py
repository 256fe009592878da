"""The C API through ctypes: finding libecnn, its prototypes and constants.

Everything here mirrors include/ecnn.h. The enum values are part of the
library's ABI (docs/abi.md: never renumbered), so they can be written down;
the test test_c_api.py checks them against the header.
"""
import ctypes
import ctypes.util
import enum
import os

#: The ABI major this binding is written for (the SONAME's number).
ABI_MAJOR = 0

# --- enums of ecnn.h -------------------------------------------------------


class Status(enum.IntEnum):
    """ec_status."""
    OK = 0
    E_NULL = 1
    E_KEY = 2
    E_RANGE = 3
    E_GROUPS = 4
    E_EMPTY_OUTPUT = 5
    E_ORDER = 6
    E_TILE = 7
    E_CAPACITY = 8
    E_ENERGY = 9
    E_OVERFLOW = 10
    E_NOMEM = 11
    E_NOT_EVALUATED = 12
    E_READONLY = 13
    E_LIMIT = 14
    E_UNAVAILABLE = 15


class Policy(enum.IntEnum):
    """ec_policy: named loop orders."""
    OS = 0
    WS = 1
    IS = 2
    CUSTOM = 3
    OPTIMAL = 4


class Reuse(enum.IntEnum):
    """ec_reuse: input reuse between consecutive outer iterations."""
    SLIDE = 0
    REFETCH = 1


class Footprint(enum.IntEnum):
    """ec_footprint: input tile footprint."""
    EXACT = 0
    BBOX = 1


#: ec_dim, in order: the letter of each dimension.
DIMS = "NGKCPQRS"

# ec_layer_param: settable keys, then the derived ones.
LAYER_PARAMS = {
    "N": 0, "C": 1, "K": 2, "G": 3, "H": 4, "W": 5, "R": 6, "S": 7,
    "stride_h": 8, "stride_w": 9, "dilation_h": 10, "dilation_w": 11,
    "pad_top": 12, "pad_bottom": 13, "pad_left": 14, "pad_right": 15,
}
LAYER_DERIVED = {"P": 32, "Q": 33, "macs": 34, "size_I": 35, "size_W": 36, "size_O": 37}

# ec_memory_param and ec_energy_param.
MEMORY_PARAMS = {"capacity": 0, "partition_I": 1, "partition_W": 2, "partition_O": 3,
                 "choose_partition": 4}
ENERGY_PARAMS = {"dram_read": 0, "dram_write": 1, "buf_read": 2, "buf_write": 3, "mac": 4}
PRESETS = {"eyeriss": 0}

# ec_dataflow_param: policy, reuse, footprint; tiles are 8 + the dimension.
DF_POLICY, DF_REUSE, DF_FOOTPRINT, DF_TILE_N = 0, 1, 2, 8

# ec_tensor, ec_level, ec_access.
TENSORS = "IWO"
LEVEL_DRAM, LEVEL_BUFFER = 0, 1
ACCESS_READ, ACCESS_WRITE = 0, 1

# ec_energy_part.
ENERGY_PARTS = {"total": 0, "dram": 1, "buffer": 2, "mac": 3, "I": 4, "W": 5, "O": 6}

# ec_result_field.
RESULT_FIELDS = {"macs": 0, "dram_total": 1, "policy": 2, "partition_I": 3,
                 "partition_W": 4, "partition_O": 5}

# ec_bound_field.
BOUND_FIELDS = {"i_used": 0, "w_used": 1, "macs_real": 2, "rho": 3, "compulsory": 4,
                "communication": 5, "transfers": 6, "segment": 7}

# Hierarchies (docs/hierarchy.md): ec_hier_param, ec_action, ec_loop_kind.
HIER_MAX_LEVELS = 8
CAPACITY_UNBOUNDED = -1
HIER_PARAMS = {"capacity": 0, "mesh_x": 1, "mesh_y": 2, "keep": 3}
ACTIONS = {"read": 0, "fill": 1, "update": 2}
LOOP_KINDS = {"temporal": 0, "x": 1, "y": 2}

# --- loading ----------------------------------------------------------------


def _candidates():
    """ECNN_LIBRARY if set (a full path), else the dynamic linker's search
    (LD_LIBRARY_PATH, the ld.so cache, the default directories) for this
    ABI major's SONAME, else whatever ctypes.util.find_library finds."""
    path = os.environ.get("ECNN_LIBRARY")
    if path:
        return [path]
    names = [f"libecnn.so.{ABI_MAJOR}"]
    found = ctypes.util.find_library("ecnn")
    if found and found not in names:
        names.append(found)
    return names


def _load():
    errors = []
    for name in _candidates():
        try:
            return ctypes.CDLL(name), name
        except OSError as e:
            errors.append(f"{name}: {e}")
    raise ImportError("ecnn: cannot load libecnn (set ECNN_LIBRARY to the full path of "
                      "libecnn.so.%d): %s" % (ABI_MAJOR, "; ".join(errors)))


lib, library_path = _load()

# --- prototypes -------------------------------------------------------------


class _Opaque(ctypes.Structure):
    pass


class Layer_t(_Opaque):
    """struct ec_layer (opaque)."""


class Memory_t(_Opaque):
    """struct ec_memory (opaque)."""


class Dataflow_t(_Opaque):
    """struct ec_dataflow (opaque)."""


class Result_t(_Opaque):
    """struct ec_result (opaque)."""


# Distinct pointer types: ctypes refuses a memory handle where a layer is due.
LAYER = ctypes.POINTER(Layer_t)
MEMORY = ctypes.POINTER(Memory_t)
DATAFLOW = ctypes.POINTER(Dataflow_t)
RESULT = ctypes.POINTER(Result_t)

# C enums are int-sized on every ABI libecnn supports.
_e = ctypes.c_int
_i64 = ctypes.c_int64
_pi64 = ctypes.POINTER(ctypes.c_int64)
_pd = ctypes.POINTER(ctypes.c_double)
_str = ctypes.c_char_p
DIM_ARRAY = ctypes.c_int * len(DIMS)  # ec_dim order[EC_NDIMS]
_pdim = ctypes.POINTER(ctypes.c_int)    # how C receives that array

_PROTOTYPES = {
    "ec_status_string": (_str, [_e]),
    "ec_version_number": (ctypes.c_uint, []),
    "ec_version_string": (_str, []),

    "ec_layer_create": (LAYER, []),
    "ec_layer_destroy": (None, [LAYER]),
    "ec_layer_set": (_e, [LAYER, _e, _i64]),
    "ec_layer_get": (_e, [LAYER, _e, _pi64]),
    "ec_layer_check": (_e, [LAYER]),
    "ec_layer_message": (_str, [LAYER]),
    "ec_layer_set_gemm": (_e, [LAYER, _i64, _i64, _i64, _i64, _i64]),
    "ec_layer_get_gemm": (_e, [LAYER, _pi64, _pi64, _pi64, _pi64, _pi64]),

    "ec_memory_create": (MEMORY, []),
    "ec_memory_destroy": (None, [MEMORY]),
    "ec_memory_set": (_e, [MEMORY, _e, _i64]),
    "ec_memory_get": (_e, [MEMORY, _e, _pi64]),
    "ec_memory_set_energy": (_e, [MEMORY, _e, ctypes.c_double]),
    "ec_memory_get_energy": (_e, [MEMORY, _e, _pd]),
    "ec_memory_preset_energies": (_e, [MEMORY, _e]),
    "ec_memory_message": (_str, [MEMORY]),

    "ec_dataflow_create": (DATAFLOW, []),
    "ec_dataflow_destroy": (None, [DATAFLOW]),
    "ec_dataflow_set": (_e, [DATAFLOW, _e, _i64]),
    "ec_dataflow_get": (_e, [DATAFLOW, _e, _pi64]),
    "ec_dataflow_set_order": (_e, [DATAFLOW, _pdim]),
    "ec_dataflow_set_order_string": (_e, [DATAFLOW, _str]),
    "ec_dataflow_get_order": (_e, [DATAFLOW, _pdim]),
    "ec_dataflow_message": (_str, [DATAFLOW]),

    "ec_result_create": (RESULT, []),
    "ec_result_destroy": (None, [RESULT]),
    "ec_result_count": (_e, [RESULT, _e, _e, _e, _pi64]),
    "ec_result_get": (_e, [RESULT, _e, _pi64]),
    "ec_result_energy": (_e, [RESULT, _e, _pd]),
    "ec_result_order": (_e, [RESULT, _pdim]),
    "ec_result_tile": (_e, [RESULT, _e, _pi64, ctypes.POINTER(ctypes.c_int)]),
    "ec_result_message": (_str, [RESULT]),

    "ec_lower_bound": (_e, [LAYER, MEMORY, RESULT]),
    "ec_result_bound": (_e, [RESULT, _e, _pi64]),
    "ec_result_bound_energy": (_e, [RESULT, _pd]),
    "ec_result_gap": (_e, [RESULT, _pd, _pd]),
    "ec_asymptotic": (_e, [LAYER, MEMORY, _e, _pd, _pd, _pd]),
    "ec_result_asymptotic": (_e, [RESULT, _pd, _pd, _pd]),

    "ec_memory_set_levels": (_e, [MEMORY, ctypes.c_int]),
    "ec_memory_get_levels": (_e, [MEMORY, ctypes.POINTER(ctypes.c_int)]),
    "ec_memory_level_set": (_e, [MEMORY, ctypes.c_int, _e, _i64]),
    "ec_memory_level_get": (_e, [MEMORY, ctypes.c_int, _e, _pi64]),
    "ec_memory_level_set_name": (_e, [MEMORY, ctypes.c_int, _str]),
    "ec_memory_level_name": (_str, [MEMORY, ctypes.c_int]),
    "ec_memory_level_set_energy": (_e, [MEMORY, ctypes.c_int, _e, _e, ctypes.c_double]),
    "ec_memory_level_get_energy": (_e, [MEMORY, ctypes.c_int, _e, _e, _pd]),
    "ec_memory_level_set_cluster": (_e, [MEMORY, ctypes.c_int, _i64]),
    "ec_memory_level_get_cluster": (_e, [MEMORY, ctypes.c_int, _pi64]),
    "ec_memory_level_set_block": (_e, [MEMORY, ctypes.c_int, _i64]),
    "ec_memory_level_get_block": (_e, [MEMORY, ctypes.c_int, _pi64]),
    "ec_dataflow_set_factor": (_e, [DATAFLOW, ctypes.c_int, _e, _e, _i64]),
    "ec_dataflow_get_factor": (_e, [DATAFLOW, ctypes.c_int, _e, _e, _pi64]),
    "ec_dataflow_set_level_order_string": (_e, [DATAFLOW, ctypes.c_int, _str]),
    "ec_dataflow_get_level_order": (_e, [DATAFLOW, ctypes.c_int, _pdim]),
    "ec_dataflow_clear_mapping": (_e, [DATAFLOW]),
    "ec_result_levels": (_e, [RESULT, ctypes.POINTER(ctypes.c_int)]),
    "ec_result_level_count": (_e, [RESULT, ctypes.c_int, _e, _e, _pi64]),
    "ec_result_level_energy": (_e, [RESULT, ctypes.c_int, _pd]),
    "ec_result_level_instances": (_e, [RESULT, ctypes.c_int, _pi64]),
    "ec_result_level_bound": (_e, [RESULT, ctypes.c_int, _pi64, _pi64]),
    # the mapper (docs/mapper.md)
    "ec_dataflow_constrain_factor": (_e, [DATAFLOW, ctypes.c_int, _e, _e, _i64]),
    "ec_dataflow_get_constraint": (_e, [DATAFLOW, ctypes.c_int, _e, _e, _pi64]),
    "ec_dataflow_constrain_order": (_e, [DATAFLOW, ctypes.c_int, _str]),
    "ec_dataflow_clear_constraints": (_e, [DATAFLOW]),
    "ec_result_mapping": (_e, [RESULT, DATAFLOW]),
    "ec_result_search": (_e, [RESULT, ctypes.POINTER(ctypes.c_int), _pi64, _pd]),

    "ec_evaluate": (_e, [LAYER, MEMORY, DATAFLOW, RESULT]),
    "ec_count": (_e, [LAYER, MEMORY, DATAFLOW, RESULT]),
}

for _name, (_restype, _argtypes) in _PROTOTYPES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _restype
    _fn.argtypes = _argtypes

version_number = lib.ec_version_number()
version_string = lib.ec_version_string().decode()
if version_number // 10000 != ABI_MAJOR:
    raise ImportError(f"ecnn: {library_path} is libecnn {version_string}, ABI major "
                      f"{version_number // 10000}; this binding needs ABI major {ABI_MAJOR}")
