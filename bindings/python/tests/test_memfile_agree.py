"""The two readers of memory files, the tool's (tools/ecnn/memfile.c and
textfile.c) and the binding's (ecnn.memfile), run against each other on a
corpus: hand-written cases from issue 17 (a NUL byte, CR line ends, a byte
order mark, control characters, bytes that are not UTF-8, long lines,
"-0", the Kelvin sign, numbers past 64 bits) and a seeded set of random
mutations of valid files. On every file both accept with the same memory,
or both refuse; when the binding's own reader refuses, the messages are
the same text. Needs the tool (ECNN_CLI); skipped without it."""
import json
import os
import random
import subprocess
import tempfile
import unittest

import ecnn
from ecnn import memfile

CLI = os.environ.get("ECNN_CLI", "")

BASE = [
    b"capacity = 64Ki\ndram_read = 150\n",
    b"# a comment\ncapacity=4096 # words\nmac = 2.5e-1\nbuf_read = 6\nbuf_write = 6\n",
    b"word_bytes = 2\ncapacity = 128KiB\npartition_i = 1Ki\npartition_w = 2KiB\n"
    b"partition_o = 8w\n",
    b"choose_partition = yes\ncapacity = 8192\ndram_write = 200\n",
    b"CAPACITY = 1M\nDram_Read = 1e-310\n",
]

CASES = [
    b"capacity = 64\x00Ki\n",                 # issue 17: read as 64 by the tool
    b"capacity = 5\rmac = 2\r",               # CR-only line ends
    b"capacity = 5\r\nmac = 2\r\n",
    b"\xef\xbb\xbfcapacity = 5\n",            # a byte order mark
    b"capacity = 5\n\xef\xbb\xbfmac = 1\n",   # one elsewhere: part of the key
    b"capacity = 5\x1b[31m\n",
    b"# \xff\ncapacity = 5\n",
    b"# \xe2\x82\ncapacity = 5\n",
    b"# \xed\xa0\x80 (a surrogate)\n",
    b"# \xc0\xaf (overlong)\n",
    b"# \xf4\x90\x80\x80 (past U+10FFFF)\n",
    b"# \xe2\x82\xac euro\ncapacity = 5\n",
    b"#" + b"x" * 8191 + b"\ncapacity = 5\n",  # 8192 bytes: the limit
    b"#" + b"x" * 8192 + b"\ncapacity = 5\n",  # 8193: one too many
    b"#" + b"\xe2\x82\xac" * 2731 + b"\n",     # 8194 bytes of whole characters
    b"#" + b"x" * 9000 + b"\x00\n",            # too long and a NUL: the NUL
    b"mac = -0\n",
    b"mac = -0.0e5\n",
    b"mac = 0x10\n",
    b"mac = 0x1p-2\nbuf_read = 0X1.8P3\n",
    b"mac = 1e309\n",
    b"mac = 1e-400\n",
    b"word_bytes = -9223372036854775808\n",
    b"word_bytes = -99999999999999999999\n",
    b"word_bytes = 9223372036854775808\n",
    b"capacity = 9223372036854775807\n",
    b"capacity = 9223372036854775808\n",
    b"capacity = 8Gi\n",
    b"capacity = 9000000000G\n",
    b"capacity = 0\n",
    b"\xe2\x84\xaaapacity = 5\n",              # a Kelvin sign for the C... not a key
    b"choose_partition = \xe2\x84\xaa\n",
    b"choose_partition = ON\n",
    b"capacity = \xd9\xa4\xd9\xa2\n",          # Arabic-Indic digits
    b"capacity = 5\x0b\n",                    # vertical tab: a control character
    b"capacity\t=\t5\t\n",
    b"capacity = 5\x0c\n",
    b"= 5\n",
    b"capacity == 5\n",
    b"capacity = 1\ncapacity = 2\n",
    b"partition_i = 1Ki\npartition_w = 1Ki\npartition_o = 1Ki\nchoose_partition = 1\n",
    b"",
    b"\n\n\n",
    b"\xef\xbb\xbf",
]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(4)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            del data[min(pos, len(data) - 1)]
        elif op == 1:
            data[pos:pos] = bytes([rng.choice(b"\x00\r\n\t =#-+.eE0159kKMGiBw\x80\xc3\xff\x1b")])
        elif op == 2 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        else:
            data[pos:pos] = rng.choice([b"\r", b"\r\n", b"Ki", b"e308", b"-", b"0x", b" # ",
                                        b"\xef\xbb\xbf", b"99999999999999999999"])
    return bytes(data)


def corpus():
    rng = random.Random(17)
    files = list(CASES) + BASE
    for _ in range(250):
        files.append(mutate(rng, rng.choice(BASE)))
    return files


def tool(path):
    """(accepted, memory as the tool's JSON prints it, or its message)."""
    run = subprocess.run([CLI, "layer", "--memory", path, "--C", "2", "--K", "2", "--size", "4",
                          "--policy", "os", "--format", "json"], capture_output=True)
    if run.returncode == 0:
        return True, json.loads(run.stdout)["memory"]
    err = run.stderr.decode("utf-8", "replace").strip()
    return False, err.split(": ", 1)[1] if err.startswith("ecnn layer: ") else err


def binding(path):
    """(accepted, memory in the tool's JSON layout, or (own refusal, message))."""
    try:
        with ecnn.Memory.from_file(path) as m:
            return True, {
                "capacity": m.capacity, "partition_i": m.partition_I,
                "partition_w": m.partition_W, "partition_o": m.partition_O,
                "choose_partition": m.choose_partition,
                "energy": {k: getattr(m, k) for k in memfile.ENERGY_KEYS}}
    except memfile.MemoryFileError as e:
        return False, (True, str(e))
    except ecnn.EcnnError as e:
        return False, (False, str(e))


@unittest.skipUnless(CLI and os.access(CLI, os.X_OK), "needs the ecnn tool (ECNN_CLI)")
class AgreementTest(unittest.TestCase):
    def test_corpus(self):
        agreed = refused = 0
        with tempfile.TemporaryDirectory() as tmp:
            for i, data in enumerate(corpus()):
                path = os.path.join(tmp, f"case{i}.mem")
                with open(path, "wb") as f:
                    f.write(data)
                with self.subTest(i=i, data=data[:80]):
                    c_ok, c_out = tool(path)
                    p_ok, p_out = binding(path)
                    # The tool then evaluates a layer, which a memory it read
                    # may fail (capacity = 0): a message without the file's
                    # name. A refusal of the file names it.
                    c_read = c_ok or not c_out.startswith(path)
                    self.assertEqual(c_read, p_ok, (c_out, p_out))
                    if c_ok:
                        self.assertEqual(c_out, p_out)
                        agreed += 1
                    elif not c_read:
                        own, message = p_out
                        if own:  # the reader's refusal: the same words
                            self.assertEqual(c_out, message)
                        refused += 1
        # The corpus exercises both outcomes, not only one.
        self.assertGreater(agreed, 30)
        self.assertGreater(refused, 30)

    def test_special_files(self):
        """Not regular files: both refuse, neither blocks on a FIFO."""
        with tempfile.TemporaryDirectory() as tmp:
            fifo = os.path.join(tmp, "fifo.mem")
            os.mkfifo(fifo)
            for path in (fifo, tmp, "/dev/zero", os.path.join(tmp, "absent.mem")):
                with self.subTest(path=path):
                    c_ok, c_out = tool(path)
                    p_ok, (own, message) = binding(path)
                    self.assertFalse(c_ok)
                    self.assertFalse(p_ok)
                    self.assertEqual(c_out, message)

    def test_size_limit(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "big.mem")
            with open(path, "wb") as f:
                f.write((b"#" + b"x" * 1000 + b"\n") * (memfile.MAX_BYTES // 1002 + 1))
            c_ok, c_out = tool(path)
            p_ok, (own, message) = binding(path)
            self.assertFalse(c_ok)
            self.assertEqual(c_out, message)
            self.assertIn("16 MiB", message)


if __name__ == "__main__":
    unittest.main()
