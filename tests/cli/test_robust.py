"""Issue 17's cases against the tool, each reproduced before its fix:
totals that wrapped (item 3), reads that lost data or blocked (4, 7),
outputs destroyed by a failed write (6), a NUL byte read as the end of a
value (8), and misleading or unsafe messages (9). Expected figures are
worked out here (Python integers, the library's figures at batch 1), never
copied from the tool's output."""
import json
import os
import resource
import stat
import subprocess
import tempfile
import time

from cli_common import TOOL, check, finish, ok, refuses, run, tool_json

INT64_MAX = (1 << 63) - 1
tmp = tempfile.mkdtemp(prefix="ecnn-robust-")


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def run_limited(args, limit=None, value=None, timeout=60):
    """The tool under a resource limit; returns (rc, stdout, stderr)."""
    def pre():
        if limit is not None:
            resource.setrlimit(limit, (value, value))
    p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, preexec_fn=pre,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# --- 3: totals -----------------------------------------------------------------
zoo = tool_json(["zoo", "--batch", "1"])
r50 = next(n for n in zoo["networks"] if n["name"] == "resnet50") if zoo else None
if check(r50 is not None, "ecnn zoo lists resnet50"):
    macs1 = r50["macs"]  # exact at batch 1; the total is linear in the batch
    # The largest batch at which every network's total fits.
    fits = INT64_MAX // max(n["macs"] for n in zoo["networks"])
    big = tool_json(["zoo", "--batch", str(fits)])
    got = next(n["macs"] for n in big["networks"] if n["name"] == "resnet50") if big else None
    check(got == macs1 * fits, f"zoo at the largest batch that fits: {got} == {macs1 * fits}")
    # The first network (in the zoo's order) whose total passes 2^63 - 1.
    first_over = next(n["name"] for n in zoo["networks"] if n["macs"] * 3000000000 > INT64_MAX)
    refuses(["zoo", "--batch", "3000000000"], 1, "total MACs", "2^63 - 1", first_over + ".csv")
    biggest = max(zoo["networks"], key=lambda n: n["macs"])["name"]
    refuses(["zoo", "--batch", str(fits + 1)], 1, "total MACs", "layer", biggest + ".csv")

    # net: the layer named is where the running sum of MACs first passes
    # 2^63 - 1 (or earlier, if another figure passes its limit first).
    per_layer = tool_json(["net", "resnet50", "--policy", "os"])
    if per_layer:
        layers = per_layer["layers"]
        batch = 3000000000
        total, first = 0, None
        for i, l in enumerate(layers, 1):
            total += l["traffic"]["macs"] * batch if "traffic" in l else l["macs"] * batch
            if total > INT64_MAX and first is None:
                first = i
        rc, out, err = run(["net", "resnet50", "--batch", str(batch), "--policy", "os"])
        check(rc == 1 and out == "", f"net resnet50 --batch {batch}: refused ({rc}, {err.strip()})")
        named = [int(w) for w in err.replace("(", " ").split() if w.isdigit()]
        check("exceeds" in err and "at layer" in err and first is not None and
              any(1 <= n <= first for n in named), f"net: the layer named ({err.strip()})")

# 160 distinct layers, each with DRAM traffic near 7.4e16 words: the sum
# passes 2^63 - 1 in a sweep, which printed a negative dram_os.
big_net = write("big.csv", "layer,C,K,H,W\n" + "".join(
    f"l{i},1048576,{1048576 - i},1024,1024\n" for i in range(160)))
refuses(["sweep", big_net, "--policies", "os", "--format", "csv"], 1, "total DRAM words",
        "9223372036854775807")
refuses(["net", big_net, "--policy", "os"], 1, "exceeds 2^63 - 1", "at layer")

# Energies: each layer's is finite (1e308), their sum is not.
two = write("two.csv", "layer,C,K\na,1,1\nb,1,1\n")  # one MAC each
refuses(["net", two, "--mac", "1e308", "--dram", "0", "--buf", "0", "--policy", "os"], 1,
        "energy", "largest double", "at layer 2 (b)")
j = tool_json(["net", two, "--mac", "8e307", "--dram", "0", "--buf", "0", "--policy", "os"])
check(j is not None and j["totals"]["energy"]["total"] == 1.6e308, "1.6e308 still prints")

# A zoo directory with more networks than `ecnn zoo` lists (64): refused,
# not cut short silently; 64 of them are all listed.
zdir = os.path.join(tmp, "zoo")
os.mkdir(zdir)
for i in range(65):
    write(os.path.join("zoo", f"n{i}.csv"), "layer,C,K\na,1,1\n")
refuses(["zoo"], 1, "more than 64 network files", env={"ECNN_ZOO_DIR": zdir})
os.remove(os.path.join(zdir, "n64.csv"))
j = tool_json(["zoo"], env={"ECNN_ZOO_DIR": zdir})
check(j is not None and len(j["networks"]) == 64, "a zoo of 64 networks: all listed")

# --- 4: reads ------------------------------------------------------------------
refuses(["layer", "--memory", "/dev/zero"], 1, "/dev/zero", "not a regular file")
os.mkfifo(os.path.join(tmp, "fifo.mem"))
start = time.monotonic()
refuses(["layer", "--memory", os.path.join(tmp, "fifo.mem")], 1, "a FIFO")
check(time.monotonic() - start < 20, "a FIFO memory file does not block")
fifo_dir = os.path.join(tmp, "fifodir")
os.mkdir(fifo_dir)
os.mkfifo(os.path.join(fifo_dir, "a.yaml"))
refuses(["net", fifo_dir], 1, "a.yaml", "a FIFO")
long_mem = write("long.mem", "#" + "x" * 8192 + "\ncapacity = 5\n")
refuses(["layer", "--memory", long_mem], 1, "long.mem:1:", "8193 bytes", "8192")
edge = write("edge.mem", "#" + "x" * 8191 + "\ncapacity = 5\n")
j = tool_json(["layer", "--memory", edge, "--C", "1", "--K", "1", "--policy", "os"])
check(j is not None and j["memory"]["capacity"] == 5, "a line of exactly 8192 bytes is read")
long_csv = write("long.csv", "layer,C,K\na,1,1\n" + "b," + "1" * 9000 + ",1\nc,1,1\n")
refuses(["net", long_csv], 1, "long.csv:3:", "bytes")
huge = write("huge.mem", ("#" + "x" * 1000 + "\n") * 17000 + "capacity = 5\n")
refuses(["layer", "--memory", huge], 1, "huge.mem", "16 MiB")

# Out of memory while reading is an error, never an early end of file: a
# 15 MiB memory file under an address-space limit a little above what the
# program needs for a small one.
mid = write("mid.mem", ("#" + "x" * 1000 + "\n") * 15000 + "capacity = 5\n")
small = write("small.mem", "capacity = 5\n")
args = ["layer", "--C", "1", "--K", "1", "--policy", "os", "--format", "json", "--memory"]
rc, out, err = run_limited(args + [small], resource.RLIMIT_AS, 1 << 30)
if rc == 0:  # not under AddressSanitizer, which needs terabytes of address space
    lo, hi = 1 << 20, 1 << 30
    while hi - lo > (1 << 20):
        m = (lo + hi) // 2
        if run_limited(args + [small], resource.RLIMIT_AS, m)[0] == 0:
            hi = m
        else:
            lo = m
    rc, out, err = run_limited(args + [mid], resource.RLIMIT_AS, hi + (4 << 20))
    check(rc != 0 and out == "", f"15 MiB under a tight limit: refused (exit {rc})")
    check("Cannot allocate memory" in err or "out of memory" in err,
          f"the reason is the memory: {err.strip()}")
    rc, out, err = run_limited(args + [mid], resource.RLIMIT_AS, 1 << 30)
    check(rc == 0 and json.loads(out)["memory"]["capacity"] == 5,
          "the same file with memory enough: capacity = 5 read")
else:
    print("SKIP: the tool does not run under RLIMIT_AS (sanitizer build)")

# --- 6: writes -----------------------------------------------------------------
svg = write("old.svg", "the old plot\n")
rc, out, err = run_limited(["sweep", "--C", "64", "--K", "64", "--size", "14", "--svg", svg],
                           resource.RLIMIT_FSIZE, 1024)
check(rc == 1 and "File too large" in err and "left as it was" in err,
      f"--svg over a file size limit: refused with the reason ({err.strip()})")
with open(svg) as f:
    check(f.read() == "the old plot\n", "--svg that failed left the old file as it was")
check(sorted(os.listdir(tmp)).count("old.svg") == 1 and
      not any(n.startswith(".old.svg.") for n in os.listdir(tmp)), "no temporary file left")
os.chmod(svg, 0o644)
ok(["sweep", "--C", "64", "--K", "64", "--size", "14", "--svg", svg])
with open(svg) as f:
    check(f.read().startswith("<?xml") or "<svg" in f.read(), "--svg replaced on success")
mask = os.umask(0)
os.umask(mask)
check(stat.S_IMODE(os.stat(svg).st_mode) == 0o666 & ~mask,
      "the new plot has the mode of a new file")
# Not a regular file: written in place, never replaced (as root, a rename
# over /dev/null would put a regular file in its place). A symbolic link:
# the file it names is replaced, the link stays.
ok(["sweep", "--C", "8", "--K", "8", "--size", "8", "--svg", "/dev/null"])
check(stat.S_ISCHR(os.stat("/dev/null").st_mode), "--svg /dev/null leaves the device")
link = os.path.join(tmp, "link.svg")
os.symlink("old.svg", link)
ok(["sweep", "--C", "8", "--K", "8", "--size", "8", "--svg", link])
check(os.path.islink(link) and os.readlink(link) == "old.svg", "--svg through a link keeps it")
with open(svg) as f:
    check("<svg" in f.read(), "--svg through a link writes the file it names")
if os.path.exists("/dev/full"):
    refuses(["sweep", "--C", "8", "--K", "8", "--size", "8", "--svg", "/dev/full"], 1,
            "/dev/full", "No space left on device")
    with open("/dev/full", "w") as full:
        p = subprocess.run([TOOL, "layer"], stdout=full, stderr=subprocess.PIPE, text=True)
    check(p.returncode == 1 and "cannot write the result: No space left on device" in p.stderr,
          f"/dev/full: the OS error named ({p.stderr.strip()})")
refuses(["sweep", "--C", "8", "--K", "8", "--size", "8", "--svg", "/nonexistent-dir/x.svg"], 1,
        "No such file or directory")

# --- 7: YAML -------------------------------------------------------------------
deep = write("deep.yaml", "[[[[[[[[\n" * 5000)
start = time.monotonic()
refuses(["net", deep], 1, "deep.yaml", "nested more than 32 levels")
check(time.monotonic() - start < 10, "40,000 '[' refused at once")
flow = write("flow.yaml", "- " * 40 + "1\n")
refuses(["net", flow], 1, "nested more than 32 levels")
tagged = write("tagged.yaml", "problem:\n  instance:\n    C: !!str 8\n    K: 8\n    R: 1\n"
               "    S: 1\n    P: 1\n    Q: 1\n")
refuses(["net", tagged], 1, "tagged.yaml:3:", "tag")
# The hierarchy's files (architecture, ERT, mapping) get the same checks.
problem = write("p.yaml", "problem:\n  instance:\n    C: 8\n    K: 8\n    R: 1\n    S: 1\n"
                "    P: 1\n    Q: 1\n")
refuses(["layer", problem, "--arch", deep, "--ert", deep, "--mapping", deep], 1, "deep.yaml",
        "nested more than 32 levels")
refuses(["layer", problem, "--arch", "eyeriss_like", "--mapping", tagged], 1,
        "tagged.yaml:3:", "tag")
fifo = os.path.join(tmp, "fifo_arch.yaml")
os.mkfifo(fifo)
refuses(["layer", problem, "--arch", fifo, "--ert", fifo, "--mapping", fifo], 1,
        "fifo_arch.yaml",
        "not a regular file")
ydir = os.path.join(tmp, "d.yaml")
os.mkdir(ydir)
netdir = os.path.join(tmp, "net")
os.mkdir(netdir)
os.mkdir(os.path.join(netdir, "x.yaml"))
refuses(["net", netdir], 1, "x.yaml", "a directory")

# --- 8 and 9: contents and messages ----------------------------------------------
# A --partition value past the tool's 255-character buffer was cut: "1,2,"
# and 300 zeros then a 5 read as a partition of 0 words.
refuses(["layer", "--partition", "1,2," + "0" * 300 + "5"], 2, "--partition",
        "longer than 255 characters")
refuses(["layer", "--memory", write("nul.mem", b"capacity = 64\0Ki\n")], 1, "nul.mem:1:",
        "NUL byte")
plain = "layer,C,K,pad\nc1,3,3,1\nc2,3,5,0\n"
ref = tool_json(["net", write("plain.csv", plain), "--policy", "os"])
for name, data in [("bom.csv", b"\xef\xbb\xbf" + plain.encode()),
                   ("cr.csv", plain.replace("\n", "\r").encode()),
                   ("crlf.csv", plain.replace("\n", "\r\n").encode())]:
    j = tool_json(["net", write(name, data), "--policy", "os"])
    check(j is not None and ref is not None and j["layers"] == ref["layers"],
          f"{name}: read as the plain file")
refuses(["layer", "--dilation", "9223372036854775807", "--kernel", "2"], 1, "dilation_h",
        "9223372036854775807")
refuses(["layer", "--N", "4294967296", "--C", "4294967296"], 1, "N*C*H*W",
        "4294967296*4294967296")
refuses(["layer", "--C", "-9223372036854775808"], 2, "below the minimum 1")
refuses(["layer", "--C", "9223372036854775808"], 2, "too large", "9223372036854775807")
refuses(["layer", "--mac", "1e309"], 2, "not a finite number")
out = ok(["layer", "--mac", "-0"])
check(out is not None and "-0" not in out and "MAC 0" in out, "--mac -0 reads as 0")
ansi = write("a\x1b[31m.mem", "capacity = x\n")
rc, out, err = run(["layer", "--memory", ansi])
check(rc == 1 and "\x1b" not in err and "\\x1B[31m" in err, f"ANSI escapes shown escaped: {err!r}")
esc = write("esc.mem", "capacity = 5\x1b[2J\n")
refuses(["layer", "--memory", esc], 1, "control character 0x1B")
badname = os.path.join(tmp.encode(), b"n\xff.csv")
with open(badname, "wb") as f:
    f.write(plain.encode())
p = subprocess.run([TOOL.encode(), b"net", badname, b"--policy", b"os", b"--format", b"json"],
                   capture_output=True)
try:
    doc = json.loads(p.stdout.decode("utf-8"))
    check(doc["network"]["name"] == "n\ufffd", "a name that is not UTF-8: U+FFFD in JSON")
except (ValueError, KeyError) as e:
    check(False, f"a file name that is not UTF-8: the JSON must stay valid ({e})")
refuses(["net", write("bad.csv", b"layer,C,K\n\xffname,1,1\n")], 1, "bad.csv:2:", "not UTF-8")

finish("cli-robust")
