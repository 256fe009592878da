"""ecnn.fit's input: the CSV file of layers and measured energies, checked
row by row, and the rows that repeat (docs/validation.md, "Using the
tool")."""
import csv
import io
import math

from .. import _core
from .._errors import EcnnError

#: CSV columns that describe the layer (the names of the published Timeloop
#: sweeps, docs/validation.md). The input side follows from them, without
#: padding: H = (P - 1) * Hstride + (R - 1) * Hdilation + 1, likewise W.
REQUIRED_COLUMNS = ("C", "K", "R", "S", "P", "Q")
OPTIONAL_COLUMNS = ("N", "G", "Hstride", "Wstride", "Hdilation", "Wdilation")  # default 1
LAYER_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class DataError(ValueError):
    """An input the tool refuses, with where: "file:line: reason"."""


class Row:
    """One layer of the CSV file: its line, the layer's parameters (ecnn.Layer
    keywords), the measured energy and the group."""

    __slots__ = ("line", "index", "layer", "measured", "group", "fields")

    def __init__(self, line, index, layer, measured, group, fields):
        self.line, self.index, self.layer = line, index, layer
        self.measured, self.group, self.fields = measured, group, fields


def _whole(text, where, column):
    try:
        value = int(text.strip())
    except ValueError:
        raise DataError(f"{where}: column {column}: '{text}' is not a whole number") from None
    if value < 1:
        raise DataError(f"{where}: column {column}: {value} is not >= 1")
    return value


def read_csv(path, measured, group_by=None):
    """The rows of a CSV file of layers, checked. `measured` names the column
    of measured energies (positive finite numbers); `group_by`, if given, a
    column whose value names each row's group. Raises DataError naming the
    line (the header is line 1) and the data row of anything malformed:
    missing columns, a wrong number of fields, a layer parameter that is not
    a whole number >= 1, a measured energy that is not a positive number, a
    layer the library refuses."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot open: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not UTF-8 text: {e}") from None
    return parse_csv(text, measured, group_by, path)


def parse_csv(text, measured, group_by=None, path="<csv>"):
    """read_csv() of a string."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        while not any(h.strip() for h in header):
            header = next(reader)
    except StopIteration:
        raise DataError(f"{path}: empty file: no header line") from None
    except csv.Error as e:
        raise DataError(f"{path}:{reader.line_num}: {e}") from None
    header = [h.strip() for h in header]
    header_line = reader.line_num
    seen = set()
    for name in header:
        if name in seen and name:
            raise DataError(f"{path}:{header_line}: column '{name}' appears twice in the header")
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if measured not in seen:
        missing.append(measured)
    if group_by is not None and group_by not in seen:
        missing.append(group_by)
    if missing:
        raise DataError(
            f"{path}:{header_line}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the header has: {', '.join(h for h in header if h)}; a layer "
            f"needs {' '.join(REQUIRED_COLUMNS)}, and {' '.join(OPTIONAL_COLUMNS)} default to 1)")
    column = {name: i for i, name in enumerate(header)}
    rows = []
    checked = set()
    index = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise DataError(f"{path}:{reader.line_num}: {e}") from None
        if not any(f.strip() for f in fields):
            continue  # a blank line
        index += 1
        line = reader.line_num
        where = f"{path}:{line}: row {index}"
        if len(fields) != len(header):
            raise DataError(f"{where}: {len(fields)} fields, the header has {len(header)}")
        values = {c: _whole(fields[column[c]], where, c) if c in column else 1
                  for c in LAYER_COLUMNS}
        text_value = fields[column[measured]].strip()
        try:
            energy = float(text_value)
        except ValueError:
            raise DataError(f"{where}: column {measured}: '{text_value}' is not a number") from None
        if not math.isfinite(energy) or energy <= 0:
            raise DataError(f"{where}: column {measured}: {text_value} is not a positive finite "
                            "energy")
        layer = {
            "N": values["N"], "G": values["G"], "C": values["C"], "K": values["K"],
            "R": values["R"], "S": values["S"],
            "H": (values["P"] - 1) * values["Hstride"] + (values["R"] - 1) * values["Hdilation"] + 1,
            "W": (values["Q"] - 1) * values["Wstride"] + (values["S"] - 1) * values["Wdilation"] + 1,
            "stride_h": values["Hstride"], "stride_w": values["Wstride"],
            "dilation_h": values["Hdilation"], "dilation_w": values["Wdilation"],
        }
        key = tuple(sorted(layer.items()))
        if key not in checked:  # once per distinct layer: large files repeat many
            try:
                with _core.Layer(**layer) as handle:
                    handle.check()
            except EcnnError as e:
                raise DataError(f"{where}: the library refuses the layer: {e.message}") from None
            checked.add(key)
        group = fields[column[group_by]].strip() if group_by is not None else None
        rows.append(Row(line, index, layer, energy, group, dict(zip(header, fields))))
    if not rows:
        raise DataError(f"{path}: no data rows after the header")
    return rows


def layer_key(row):
    """What identifies a layer: two rows with the same key are the same
    layer for the model (the cache and the duplicate check use it)."""
    return tuple(sorted(row.layer.items()))  # as parse_csv() checks them


def duplicates(rows):
    """Rows that repeat an earlier row: the same layer and the same measured
    energy ("copies", {index of a copy: index of the first}), and layers
    measured more than once with different energies ("repeated": the number
    of such layers and of their rows)."""
    first = {}
    copies = {}
    energies = {}
    for i, row in enumerate(rows):
        key = layer_key(row)
        energies.setdefault(key, []).append(i)
        exact = (key, row.measured)
        if exact in first:
            copies[i] = first[exact]
        else:
            first[exact] = i
    repeated = [members for members in energies.values()
                if len({rows[i].measured for i in members}) > 1]
    return {"copies": copies, "repeated_layers": len(repeated),
            "repeated_rows": sum(len(m) for m in repeated)}


def dedupe(rows):
    """The rows without the copies duplicates() finds (the first of each is
    kept, in file order)."""
    copies = duplicates(rows)["copies"]
    return [row for i, row in enumerate(rows) if i not in copies]
