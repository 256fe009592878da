"""Memory description files: "key = value" lines, `#` comments.

The format the command-line tool reads with `ecnn ... --memory FILE`
(tools/ecnn/memfile.c, docs/cli.md) and `python3 -m ecnn.fit --calibrate`
writes (docs/validation.md). Standard library only, like the rest of the
core binding; `ecnn.Memory.from_file(path)` builds a Memory from one.

    # Eyeriss-like energies, in pJ per word
    capacity   = 64Ki        # words; k, Ki, M, Mi, G, Gi; B = bytes (needs word_bytes)
    dram_read  = 200
    dram_write = 200
    buf_read   = 6
    buf_write  = 6
    mac        = 1

Keys (case-insensitive, each at most once): capacity, partition_i,
partition_w, partition_o (sizes), dram_read, dram_write, buf_read,
buf_write, mac (non-negative finite numbers), word_bytes (a whole number
>= 1, to read sizes given in bytes), choose_partition (0/1, no/yes,
false/true, off/on). Everything after `#` is a comment; blank lines are
ignored. The parser accepts exactly what the tool's does and refuses the
rest with "file:line: reason".
"""
import math
import os
import re
import stat
import tempfile

#: The keys of a memory file, in the order the tool lists them.
KEYS = ("capacity", "partition_i", "partition_w", "partition_o", "dram_read", "dram_write",
        "buf_read", "buf_write", "mac", "word_bytes", "choose_partition")
SIZE_KEYS = ("capacity", "partition_i", "partition_w", "partition_o")
ENERGY_KEYS = ("dram_read", "dram_write", "buf_read", "buf_write", "mac")
#: File key -> ecnn.Memory keyword.
MEMORY_NAMES = {"capacity": "capacity", "partition_i": "partition_I", "partition_w": "partition_W",
                "partition_o": "partition_O", "choose_partition": "choose_partition",
                **{k: k for k in ENERGY_KEYS}}
_BOOLS = {"0": False, "1": True, "no": False, "yes": True, "false": False, "true": True,
          "off": False, "on": True}
_INT64_MAX = (1 << 63) - 1
# C's isspace() in the "C" locale, which the tool's trim() uses.
_SPACE = " \t\n\v\f\r"
# strtod's syntax: decimal, or hexadecimal ("0x1.8p3"); its inf and nan are
# refused anyway, as not finite.
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z", re.ASCII)
_HEXFLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
                       r"(?:[pP][+-]?\d+)?\Z", re.ASCII)
_SIZE = re.compile(r"(\d+)(k|K|M|G)?(i)?(B|w)?\Z", re.ASCII)
#: The tool's limits on an input file (tools/ecnn/textfile.h, docs/cli.md).
MAX_BYTES = 16 << 20
MAX_LINE = 8192
_LINE_END = re.compile(rb"\r\n|\r|\n")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(text):
    """ASCII-only lower case, as the tool's str_ieq (str.lower() would map
    the Kelvin sign to 'k')."""
    return text.translate(_ASCII_LOWER)


class MemoryFileError(ValueError):
    """A memory file the tool would refuse: .path, .line (0 for the whole
    file) and the reason, formatted as "path:line: reason"."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {reason}")


def parse_size(text, what="size"):
    """A size as the tool reads it: (value, in_bytes). "65536", "64Ki",
    "1M" (10^6), "128KiB" (bytes), "4096w" (words). Raises ValueError."""
    m = _SIZE.match(text)
    if not m or (m.group(3) and not m.group(2)):
        raise ValueError(f"{what}: '{text}' is not a size (a whole number with an optional k, Ki, "
                         "M, Mi, G or Gi and an optional unit w for words or B for bytes, e.g. "
                         "64Ki or 128KiB)")
    value = int(m.group(1))
    if value > _INT64_MAX:
        raise ValueError(f"{what}: '{text}' is too large (at most {_INT64_MAX})")
    if m.group(2):
        power = {"k": 1, "K": 1, "M": 2, "G": 3}[m.group(2)]
        value *= (1024 if m.group(3) else 1000) ** power
        if value > _INT64_MAX:
            raise ValueError(f"{what}: '{text}' is too large (at most {_INT64_MAX})")
    return value, m.group(4) == "B"


def parse_energy(text, what="energy"):
    """A non-negative finite number (strtod's syntax)."""
    if _HEXFLOAT.match(text):
        try:
            value = float.fromhex(text)
        except OverflowError:
            raise ValueError(f"{what}: '{text}' is not a finite number") from None
        if value < 0:
            raise ValueError(f"{what}: {text} is negative")
        return value + 0.0  # "-0" is zero
    if not _FLOAT.match(text):
        raise ValueError(f"{what}: '{text}' is not a finite number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{what}: '{text}' is not a finite number")
    if value < 0:
        raise ValueError(f"{what}: {text} is negative")
    return value + 0.0  # "-0" is zero


def _parse_int(text, what, minimum):
    if not re.match(r"[+-]?\d+\Z", text, re.ASCII):
        raise ValueError(f"{what}: '{text}' is not a whole number")
    value = int(text)
    if value < -_INT64_MAX:  # past 64 bits, as the tool reads digits
        raise ValueError(f"{what}: '{text}' is below the minimum {minimum}")
    if value > _INT64_MAX:
        raise ValueError(f"{what}: '{text}' is too large (at most {_INT64_MAX})")
    if value < minimum:
        raise ValueError(f"{what}: {value} is below the minimum {minimum}")
    return value


def parse(text, path="<memory file>"):
    """The entries of a memory file's text: {key: (value, line)}, keys in
    lower case; sizes are (number, in_bytes) pairs. Raises MemoryFileError."""
    entries = {}
    for lineno, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        line = line.split("#", 1)[0].strip(_SPACE)
        if not line:
            continue
        if "=" not in line:
            raise MemoryFileError(path, lineno, f"expected 'key = value', got '{line}'")
        key, _, value = line.partition("=")
        key, value = key.strip(_SPACE), value.strip(_SPACE)
        what = f"{path}:{lineno}: {key}"
        if not value:
            raise MemoryFileError(path, lineno, f"{key}: no value")
        lower = _lower(key)
        if lower not in KEYS:
            raise MemoryFileError(path, lineno, f"unknown key '{key}' (known: {', '.join(KEYS)})")
        if lower in entries:
            raise MemoryFileError(path, lineno, f"key '{key}' given twice")
        try:
            if lower in SIZE_KEYS:
                parsed = parse_size(value, what)
            elif lower in ENERGY_KEYS:
                parsed = parse_energy(value, what)
            elif lower == "word_bytes":
                parsed = _parse_int(value, what, 1)
            else:
                if _lower(value) not in _BOOLS:
                    raise ValueError(f"{what}: '{value}' is not one of "
                                     + ", ".join(_BOOLS))
                parsed = _BOOLS[_lower(value)]
        except ValueError as e:
            # The messages above start with "path:line: key"; keep the reason.
            reason = str(e)
            prefix = f"{path}:{lineno}: "
            raise MemoryFileError(path, lineno, reason[len(prefix):] if reason.startswith(prefix)
                                  else reason) from None
        entries[lower] = (parsed, lineno)
    return entries


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def check_text(data, path="<memory file>"):
    """The checks the tool makes on every input file's bytes (after a UTF-8
    byte order mark, which is skipped): no NUL byte, no control character
    but tab and the line ends (\\n, \\r\\n, \\r), UTF-8 only, lines of at
    most MAX_LINE bytes. Returns the text; raises MemoryFileError with the
    tool's message for the first fault."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lineno = 0
    for lineno, line in enumerate(_LINE_END.split(data), 1):
        bad = _CONTROL.search(line)
        first = bad.start() if bad else len(line)
        try:
            line[:first].decode("utf-8")
        except UnicodeDecodeError as e:
            raise MemoryFileError(path, lineno, f"byte 0x{line[e.start]:02X} is not UTF-8 "
                                  "text") from None
        if bad:
            c = line[first]
            raise MemoryFileError(path, lineno, "a NUL byte: not a text file" if c == 0 else
                                  f"control character 0x{c:02X}: not a text file")
        if len(line) > MAX_LINE:
            raise MemoryFileError(path, lineno, f"line of {len(line)} bytes, longer than the "
                                  f"{MAX_LINE} a line of an input file may have")
    return data.decode("utf-8")


def read(path):
    """The entries of the memory file at path, as parse() returns them.
    Regular files only (a FIFO would block, /dev/zero never ends), of at
    most MAX_BYTES, checked as check_text() says: the tool's rules."""
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO would wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise MemoryFileError(name, 0, f"cannot open: {e.strerror or e}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = next((k for test, k in _KINDS if test(st.st_mode)), "not a regular file")
        raise MemoryFileError(name, 0, f"{kind}, not a regular file: the tool reads regular "
                              "files only")
    with os.fdopen(fd, "rb") as f:
        size = st.st_size
        if size > MAX_BYTES:
            raise MemoryFileError(name, 0, f"{size} bytes, more than the {MAX_BYTES} (16 MiB) an "
                                  "input file may have")
        try:
            data = f.read(MAX_BYTES + 1)
        except OSError as e:
            raise MemoryFileError(name, 0, f"cannot read: {e.strerror or e}") from None
    if len(data) > MAX_BYTES:
        raise MemoryFileError(name, 0, f"more than the {MAX_BYTES} bytes (16 MiB) an input file "
                              "may have")
    return parse(check_text(data, name), name)


def to_params(entries, path="<memory file>"):
    """ecnn.Memory keywords from parse()'s entries, sizes in words. Sizes
    in bytes need word_bytes and must be whole words."""
    word_bytes = entries.get("word_bytes", (0, 0))[0]
    params = {}
    for key in KEYS:
        if key not in entries or key == "word_bytes":
            continue
        value, lineno = entries[key]
        if key in SIZE_KEYS:
            number, in_bytes = value
            if in_bytes:
                if not word_bytes:
                    raise MemoryFileError(path, lineno, f"{key}: {number} bytes given but no word "
                                          "size: add word_bytes to the file")
                if number % word_bytes:
                    raise MemoryFileError(path, lineno, f"{key}: {number} bytes is not a whole "
                                          f"number of {word_bytes}-byte words")
                number //= word_bytes
            value = number
        params[MEMORY_NAMES[key]] = value
    return params


def load(path):
    """ecnn.Memory keywords from the memory file at path (read + to_params)."""
    return to_params(read(path), os.fspath(path))


def _number(value):
    """A float written so that it reads back exactly (repr), without a
    needless ".0"."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 2 ** 53 else repr(value)


def dumps(params, comments=()):
    """A memory file's text from Memory keywords (or a Memory's .params):
    capacity, the partition when one is set, choose_partition when set, and
    the five energies; `comments` become `#` lines at the top."""
    lines = [f"# {c}".rstrip() for comment in comments for c in str(comment).splitlines()]
    if lines:
        lines.append("")
    if "capacity" in params:
        lines.append(f"capacity = {int(params['capacity'])}")
    parts = [params.get("partition_" + t, 0) for t in "IWO"]
    if any(parts):
        for t, words in zip("iwo", parts):
            lines.append(f"partition_{t} = {int(words)}")
    if params.get("choose_partition"):
        lines.append("choose_partition = 1")
    for key in ENERGY_KEYS:
        if key in params:
            lines.append(f"{key} = {_number(params[key])}")
    return "\n".join(lines) + "\n"


def write(path, params, comments=()):
    """Write dumps(params, comments) to path, as the tool writes its files:
    to a temporary file in the same directory, renamed over path once
    complete, so that a failed write (a full disk) leaves an existing file
    as it was."""
    path = os.fspath(path)
    directory, base = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", dir=directory or ".")
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)  # mkstemp's 0600 is not a new file's mode
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(dumps(params, comments))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
