"""README's "Python binding" section runs as shown: each ```python block is
run with this interpreter, and when a ```text block follows it, the program
must print exactly that. The README is the only copy of the examples."""
import os
import re
import subprocess
import sys
import unittest

from _support import README


def examples():
    """[(code, expected output or None)] of the Python binding section."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Python binding\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if m is None:
        return []
    blocks = re.findall(r"^```(\w*)\s*\n(.*?)^```", m.group(1), flags=re.M | re.S)
    out = []
    for i, (lang, body) in enumerate(blocks):
        if lang == "python":
            follows = blocks[i + 1] if i + 1 < len(blocks) else None
            out.append((body, follows[1] if follows and follows[0] == "text" else None))
    return out


class Readme(unittest.TestCase):
    def test_examples(self):
        found = examples()
        self.assertTrue(found, "README has no ```python block under '## Python binding'")
        for i, (code, expected) in enumerate(found):
            with self.subTest(example=i + 1):
                run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     env=dict(os.environ))
                self.assertEqual(run.returncode, 0, run.stderr)
                if expected is not None:
                    self.assertEqual(run.stdout, expected)


if __name__ == "__main__":
    unittest.main()
