"""Command-line handling: --help of every command, --version, and bad
input: each refused with a non-zero exit, nothing on stdout, and a message
that names the flag or field at fault. The memory file (key = value) is
read as docs/cli.md says."""
import os
import tempfile

from cli_common import check, finish, layer, layer_flags, ok, reference, refuses, run, tool_json

for cmd in ("layer", "net", "sweep", "zoo"):
    rc, out, err = run([cmd, "--help"])
    check(rc == 0 and out.startswith(f"usage: ecnn {cmd}") and err == "", f"ecnn {cmd} --help")
    rc, out2, err = run(["help", cmd])
    check(rc == 0 and out2 == out, f"ecnn help {cmd} is ecnn {cmd} --help")
    rc, out3, err = run([cmd, "-h"])
    check(rc == 0 and out3 == out, f"ecnn {cmd} -h")
    check("--format" in out, f"ecnn {cmd} --help mentions --format")
rc, out, err = run(["--help"])
check(rc == 0 and "layer" in out and "sweep" in out and "zoo" in out, "ecnn --help")
rc, out, err = run(["--version"])
check(rc == 0 and out.startswith("ecnn "), "ecnn --version")
rc, out, err = run([])
check(rc == 2 and out == "" and "usage" in err, "ecnn without a command: usage on stderr, exit 2")
refuses(["frobnicate"], 2, "unknown command 'frobnicate'")
refuses(["help", "frobnicate"], 2, "unknown command 'frobnicate'")

# Bad flags and values: exit 2, the flag named.
BAD = [
    (["layer", "--bogus"], ["unknown option '--bogus'"]),
    (["layer", "--C"], ["--C needs a value"]),
    (["layer", "--C", "x"], ["--C", "'x' is not a whole number"]),
    (["layer", "--K", "0"], ["--K", "below the minimum 1"]),
    (["layer", "--pad", "-1"], ["--pad", "below the minimum 0"]),
    (["layer", "--stride=abc"], ["--stride", "'abc'"]),
    (["layer", "--C", "99999999999999999999999"], ["--C", "too large"]),
    (["layer", "--capacity", "64Kx"], ["--capacity", "'64Kx' is not a size"]),
    (["layer", "-M", "-5"], ["-M", "not a size"]),
    (["layer", "--capacity", "128KiB"], ["--capacity", "--word-bytes"]),
    (["layer", "--capacity", "3B", "--word-bytes", "2"], ["--capacity", "not a whole number of 2-byte words"]),
    (["layer", "--partition", "1Ki,2Ki"], ["--partition", "three sizes"]),
    (["layer", "--partition", "1,2,3", "--choose-partition"], ["--choose-partition", "--partition"]),
    (["layer", "--choose-partition=yes"], ["--choose-partition takes no value"]),
    (["layer", "--dram-read", "-1"], ["--dram-read", "negative"]),
    (["layer", "--mac", "nan"], ["--mac", "not a finite number"]),
    (["layer", "--buf", "1e999"], ["--buf", "not a finite number"]),
    (["layer", "--preset", "simba"], ["--preset", "'simba'"]),
    (["layer", "--policy", "fastest"], ["--policy", "'fastest'"]),
    (["layer", "--order", "NGKPQCRR"], ["--order", "'NGKPQCRR'"]),
    (["layer", "--order", "NGKPQCRS", "--policy", "ws"], ["--order", "--policy"]),
    (["layer", "--tile-X", "3"], ["unknown option '--tile-X'"]),
    (["layer", "--tile-K", "-3"], ["--tile-K", "below the minimum 0"]),
    (["layer", "--reuse", "always"], ["--reuse", "'always'"]),
    (["layer", "--footprint", "box"], ["--footprint", "'box'"]),
    (["layer", "--format", "xml"], ["--format", "'xml'"]),
    (["layer", "-f"], ["-f needs a value"]),
    (["net", "alexnet", "--C", "3"], ["unknown option '--C'"]),
    (["zoo", "extra"], ["unexpected argument 'extra'"]),
    (["zoo", "--batch", "x"], ["--batch"]),
]
for args, needles in BAD:
    refuses(args, 2, *needles)

# Refused by the library: exit 1, the parameter named.
refuses(["layer", "--C", "3", "--G", "2"], 1, "C = 3 is not divisible by G = 2")
refuses(["layer", "--H", "2", "--R", "5"], 1, "P < 1")
refuses(["layer", "--K", "4", "--tile-K", "5"], 1, "tile K = 5")
refuses(["layer", "--C", "64", "--K", "64", "--size", "8", "--kernel", "3", "--capacity", "2"], 1,
        "capacity")

# The memory file.
v = layer(C=32, K=48, H=20, R=3, pad=1)
with tempfile.TemporaryDirectory() as tmp:
    def mem(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    good = mem("simba.mem", "# a Simba-like buffer\ncapacity = 128KiB   # 2-byte words\n"
               "word_bytes = 2\n\ndram_read = 100\ndram_write= 120\nbuf_read =3\nbuf_write = 4.5\n"
               "MAC = 0.25\n")
    d = tool_json(["layer"] + layer_flags(v) + ["--memory", good, "--policy", "os"])
    r = reference(v, policy="os", cap=65536, energy="100,120,3,4.5,0.25")
    if d is not None:
        check(d["memory"]["capacity"] == 65536, "memory file: 128KiB of 2-byte words = 65536 words")
        check(d["memory"]["energy"] == {"dram_read": 100, "dram_write": 120, "buf_read": 3,
                                        "buf_write": 4.5, "mac": 0.25}, f"memory file: energies {d['memory']['energy']}")
        check(d["energy"]["total"] == r["energy"][0], "memory file: energy as the library's")
    # Flags override the file key by key.
    d = tool_json(["layer"] + layer_flags(v) + ["--memory", good, "--mac", "1", "-M", "4Ki", "--policy", "os"])
    r = reference(v, policy="os", cap=4096, energy="100,120,3,4.5,1")
    check(d is not None and d["energy"]["total"] == r["energy"][0], "flags override the memory file")
    part = mem("part.mem", "partition_i = 4Ki\npartition_w = 16Ki\npartition_o = 4Ki\n")
    d = tool_json(["layer"] + layer_flags(v) + ["--memory", part, "--policy", "ws"])
    r = reference(v, policy="ws", part="4096,16384,4096")
    check(d is not None and d["energy"]["total"] == r["energy"][0] and
          d["dataflow"]["partition_used"] == {"I": 4096, "W": 16384, "O": 4096}, "memory file: partition")
    choose = mem("choose.mem", "capacity = 32Ki\nchoose_partition = yes\n")
    d = tool_json(["layer"] + layer_flags(v) + ["--memory", choose, "--policy", "is"])
    r = reference(v, policy="is", cap=32768, choose=1)
    check(d is not None and d["energy"]["total"] == r["energy"][0] and
          [d["dataflow"]["partition_used"][t] for t in "IWO"] == r["partition"], "memory file: choose_partition")
    for name, text, needles in [
        ("k.mem", "capacity = 64Ki\nspeed = 3\n", ["k.mem:2", "unknown key 'speed'"]),
        ("v.mem", "capacity = lots\n", ["v.mem:1", "capacity", "'lots' is not a size"]),
        ("e.mem", "dram_read = -3\n", ["e.mem:1", "dram_read", "negative"]),
        ("s.mem", "capacity 64Ki\n", ["s.mem:1", "expected 'key = value'"]),
        ("d.mem", "mac = 1\nmac = 2\n", ["d.mem:2", "'mac' given twice"]),
        ("n.mem", "mac =\n", ["n.mem:1", "no value"]),
        ("b.mem", "capacity = 1KiB\n", ["capacity", "word_bytes"]),
        ("c.mem", "choose_partition = maybe\n", ["c.mem:1", "choose_partition", "'maybe'"]),
    ]:
        refuses(["layer", "--memory", mem(name, text)], 1, *needles)
    refuses(["layer", "--memory", os.path.join(tmp, "absent.mem")], 1, "absent.mem", "cannot open")
    refuses(["net", "alexnet", "--memory", mem("k2.mem", "colour = red\n")], 1, "unknown key 'colour'")

finish("cli-errors")
