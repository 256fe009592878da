"""The model's side of ecnn.fit: the memory a fit evaluates with, and the
evaluation of every row, once per distinct layer, in parallel processes
for large files, with a progress line (docs/validation.md, "Using the
tool", and "Speed")."""
import multiprocessing
import os
import sys
import time

from .. import _core, memfile
from .._errors import EcnnError
from .data import DataError, layer_key

ENERGY_KEYS = memfile.ENERGY_KEYS  # dram_read dram_write buf_read buf_write mac
QUANTITIES = {
    "total": "total energy",
    "data": "data energy (DRAM + Buffer, no MAC)",
    "dram": "DRAM energy",
    "buffer": "Buffer energy",
}
POLICIES = ("optimal", "best", "os", "ws", "is")
#: The named policies with an asymptotic formula (ec_asymptotic).
NAMED = ("os", "ws", "is")

DEFAULT_ENERGY = {"dram_read": 200.0, "dram_write": 200.0, "buf_read": 6.0, "buf_write": 6.0,
                  "mac": 1.0}
_DEFAULT_ENERGY = DEFAULT_ENERGY  # the name the tests knew

#: Below this many distinct layers the work stays in this process: a
#: worker's start costs more than it saves.
PARALLEL_MIN = 64


def memory_params(args):
    """ecnn.Memory keywords: the defaults, then --memory FILE, then the flags,
    key by key (as `ecnn --memory FILE` does)."""
    params = {}
    if args.memory:
        try:
            params.update(memfile.load(args.memory))
        except memfile.MemoryFileError as e:
            raise DataError(str(e)) from None
    word_bytes = args.word_bytes
    if word_bytes is None and args.memory:
        word_bytes = memfile.read(args.memory).get("word_bytes", (None, 0))[0]

    def words(text, flag):
        try:
            number, in_bytes = memfile.parse_size(text, flag)
        except ValueError as e:
            raise DataError(str(e)) from None
        if in_bytes:
            if not word_bytes:
                raise DataError(f"{flag}: {number} bytes given but no word size: add --word-bytes")
            if number % word_bytes:
                raise DataError(f"{flag}: {number} bytes is not a whole number of "
                                f"{word_bytes}-byte words")
            number //= word_bytes
        return number

    if args.capacity is not None:
        params["capacity"] = words(args.capacity, "--capacity")
    parts = {}
    if args.partition is not None:
        pieces = args.partition.split(",")
        if len(pieces) != 3:
            raise DataError(f"--partition: '{args.partition}' is not three sizes I,W,O")
        parts = dict(zip("IWO", pieces))
    for t in "IWO":
        flag = getattr(args, "partition_" + t.lower())
        if flag is not None:
            parts[t] = flag
    if parts:  # a partition on the command line replaces the file's
        for t in "IWO":
            params["partition_" + t] = words(parts[t], "--partition-" + t.lower()) \
                if t in parts else 0
        params.setdefault("choose_partition", False)
        if not args.choose_partition:
            params["choose_partition"] = False
    if args.choose_partition:
        if parts:
            raise DataError("--choose-partition and --partition exclude each other")
        params["choose_partition"] = True
    for key in ENERGY_KEYS:
        value = getattr(args, key)
        if value is not None:
            params[key] = value
    return params


def make_memory(params):
    try:
        return _core.Memory(**params)
    except EcnnError as e:
        raise DataError(f"memory: {e.message}") from None


def _dataflow(policy, reuse, footprint):
    if policy in ("optimal", "os", "ws", "is"):
        return _core.Dataflow(policy.upper(), reuse=reuse, footprint=footprint)
    return _core.Dataflow(order=policy, reuse=reuse, footprint=footprint)


def _evaluate_chunk(task):
    """Evaluate a list of layers (keyword dicts) with one configuration:
    [(Result or None, error message or None)]. A module-level function, so
    that worker processes can run it; the handles are opened once per
    chunk, not per layer."""
    (memory_params, policy, reuse, footprint), layers = task
    policies = NAMED if policy == "best" else (policy,)
    out = []
    with _core.Memory(**memory_params) as memory:
        flows = [_dataflow(p, reuse, footprint) for p in policies]
        try:
            for params in layers:
                best = error = None
                with _core.Layer(**params) as layer:
                    for flow in flows:
                        try:
                            result = _core.evaluate(layer, memory, flow)
                        except EcnnError as e:
                            error = f"{e.message} ({e.status_name})"
                            best = None
                            break
                        if best is None or result.energy.total < best.energy.total:
                            best = result
                out.append((best, error))
        finally:
            for flow in flows:
                flow.close()
    return out


class Progress:
    """A progress line on standard error, shown only once the work has
    taken more than `delay` seconds: rewritten in place on a terminal,
    otherwise a line at most every `every` seconds."""

    def __init__(self, what, total, stream=None, delay=1.0, every=10.0):
        self.what, self.total = what, total
        self.stream = stream if stream is not None else sys.stderr
        self.delay, self.every = delay, every
        self.start = time.monotonic()
        self.last = None
        self.shown = None
        try:
            self.tty = self.stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False

    def update(self, done):
        now = time.monotonic()
        elapsed = now - self.start
        if elapsed < self.delay:
            return
        if not self.tty and self.last is not None and now - self.last < self.every \
                and done < self.total:
            return
        if done == self.shown:
            return
        self.last, self.shown = now, done
        rate = done / elapsed if elapsed > 0 else 0
        left = (self.total - done) / rate if rate > 0 else float("nan")
        text = (f"ecnn.fit: {self.what}: {done}/{self.total}, {elapsed:.0f} s"
                + (f", about {left:.0f} s left" if done < self.total and rate > 0 else ""))
        self.stream.write(("\r" + text + "\x1b[K") if self.tty else text + "\n")
        self.stream.flush()

    def finish(self):
        if self.last is not None:
            self.update(self.total)
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()


def jobs_default():
    """Worker processes when --jobs is not given: the CPUs this process may
    use (at most 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))


class Model:
    """Evaluates layers with one memory and one dataflow choice. Each
    distinct layer is evaluated once (rows that repeat a layer share its
    result), in `jobs` processes when there are many."""

    def __init__(self, memory_params, policy="optimal", reuse="slide", footprint="exact",
                 jobs=1, progress=None):
        self.memory_params = dict(memory_params)
        self.policy, self.reuse, self.footprint = policy, reuse, footprint
        self.jobs = jobs
        self.progress = progress  # a stream for the progress line, or None
        self._cache = {}
        self.evaluations = 0  # distinct layers evaluated: what the cache saved is visible

    def _config(self):
        return (self.memory_params, self.policy, self.reuse, self.footprint)

    def evaluate(self, row):
        return self.evaluate_all([row])[0]

    def evaluate_all(self, rows, what="evaluating the model"):
        """The Result of every row, in order; DataError naming the first
        row the model refuses."""
        pending, seen = [], set()
        for row in rows:
            key = layer_key(row)
            if key not in self._cache and key not in seen:
                seen.add(key)
                pending.append((key, row.layer))
        if pending:
            self._run(pending, what)
        out = []
        for row in rows:
            result, error = self._cache[layer_key(row)]
            if error is not None:
                raise DataError(f"line {row.line}: row {row.index}: the model fails: {error}")
            out.append(result)
        return out

    def _run(self, pending, what):
        config = self._config()
        jobs = min(self.jobs, max(1, len(pending) // 16))
        # Chunks: large enough to amortise the handles and the messages, small
        # enough to spread the work and move the progress line.
        size = max(1, min(64, len(pending) // (8 * jobs) or 1))
        chunks = [pending[i:i + size] for i in range(0, len(pending), size)]
        tasks = [(config, [params for _, params in chunk]) for chunk in chunks]
        progress = Progress(what, len(pending), self.progress) if self.progress is not None else None
        done = 0

        def store(chunk, answers):
            nonlocal done
            for (key, _), answer in zip(chunk, answers):
                self._cache[key] = answer
            done += len(chunk)
            self.evaluations += len(chunk)
            if progress is not None:
                progress.update(done)

        pool = None
        if jobs > 1 and len(pending) >= PARALLEL_MIN:
            try:
                pool = multiprocessing.get_context("fork").Pool(jobs)
            except (ValueError, OSError):  # no fork here: stay in this process
                pool = None
        try:
            if pool is not None:
                for index, answers in pool.imap_unordered(_indexed, enumerate(tasks)):
                    store(chunks[index], answers)
            else:
                for chunk, task in zip(chunks, tasks):
                    store(chunk, _evaluate_chunk(task))
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            if progress is not None:
                progress.finish()

    def describe(self):
        e = self.memory_params
        energies = "/".join(f"{e.get(k, DEFAULT_ENERGY[k]):.6g}" for k in ENERGY_KEYS)
        return (f"policy {self.policy}, reuse {self.reuse}, footprint {self.footprint}; "
                f"M = {e.get('capacity', 65536)} words; energies dram_read/dram_write/buf_read/"
                f"buf_write/mac = {energies}")


def _indexed(item):
    index, task = item
    return index, _evaluate_chunk(task)


def quantity(result, which):
    """The model quantity regressed on, from a Result."""
    e = result.energy
    return {"total": e.total, "data": e.dram + e.buffer, "dram": e.dram, "buffer": e.buffer}[which]


def counts(result):
    """The five counts the energies multiply: DRAM reads, DRAM writes, Buffer
    reads, Buffer writes, MACs (all tensors)."""
    return [result.dram_reads.total, result.dram_writes.total, result.buffer_reads.total,
            result.buffer_writes.total, result.macs]


def asymptotic(rows, memory_params, policies=NAMED):
    """Section 8's asymptotic energy (ec_asymptotic) of every row under each
    named policy: {policy: [energy or None]}, once per distinct layer; None
    where the library refuses the formula for that layer (e.g. EC_E_LIMIT)."""
    cache = {}
    out = {p: [] for p in policies}
    with _core.Memory(**memory_params) as memory:
        for row in rows:
            key = layer_key(row)
            if key not in cache:
                values = {}
                with _core.Layer(**row.layer) as layer:
                    for p in policies:
                        try:
                            values[p] = _core.asymptotic(layer, memory, p.upper()).energy
                        except EcnnError:
                            values[p] = None
                cache[key] = values
            for p in policies:
                out[p].append(cache[key][p])
    return out
