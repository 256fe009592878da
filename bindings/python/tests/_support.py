"""Shared by the binding's tests: the environment meson sets, the C helper
ecnn_dump (ecnn_dump.c) and the Result flattened to its output format."""
import os
import subprocess

import ecnn

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
HEADER = os.environ.get("ECNN_HEADER", os.path.join(SOURCE_ROOT, "include", "ecnn.h"))
README = os.path.join(SOURCE_ROOT, "README.md")
DUMP = os.environ.get("ECNN_DUMP")  # set by meson; tests that need it skip without it


def _value(text):
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def dump(mode, **params):
    """The C API's figures for one case, as {name: value}."""
    args = [DUMP, mode] + [f"{k}={v}" for k, v in params.items()]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    pairs = (line.partition(" ") for line in out.splitlines())
    return {name: _value(value) if name != "message" else value for name, _, value in pairs}


def flatten(result):
    """A Result under the names ecnn_dump prints."""
    out = {"policy": int(result.policy), "order": result.order,
           "automatic": "".join(result.automatic), "macs": result.macs,
           "dram_total": result.dram_total}
    for field in ("tiles", "dram_reads", "dram_writes", "buffer_reads", "buffer_writes",
                  "energy", "partition", "bound", "gap", "asymptotic"):
        value = getattr(result, field)
        if value is None:
            out[field] = "none"
        else:
            out.update({f"{field}.{k}": v for k, v in value._asdict().items()})
    return out


def flatten_named(prefix, value):
    return {f"{prefix}.{k}": v for k, v in value._asdict().items()}


def handles(params):
    """Layer, Memory and Dataflow from one flat dict of ecnn_dump names."""
    layer = {k: v for k, v in params.items() if k in ecnn.Layer.PARAMS}
    memory = {k: v for k, v in params.items() if k in ecnn.Memory.PARAMS}
    dataflow = {k: v for k, v in params.items() if k in ecnn.Dataflow.PARAMS}
    unknown = set(params) - set(layer) - set(memory) - set(dataflow)
    assert not unknown, unknown
    return ecnn.Layer(**layer), ecnn.Memory(**memory), ecnn.Dataflow(**dataflow)
