#!/usr/bin/env python3
"""Every reference in the repository's text points into the repository.

Usage: check_paths.py SOURCE_ROOT
       check_paths.py --self-test

Scans the repository's text files (`git ls-files` in a git checkout, else a
walk that skips build directories) and fails, naming file:line, on

  - the project's first specification cited by name (the uppercase MODEL
    file of ../shared/): docs/model.md replaced it, and may name it once, as
    history; no other file may name it at all;
  - a repository path (docs/..., lib/..., include/..., tools/..., tests/...,
    bench/..., bindings/..., .ci/...) that names no file or directory of the
    repository; a glob such as lib/*.c must match at least one file;
  - a relative link or image of a Markdown page ([text](target),
    <img src="target">) that names nothing, relative to the page;
  - "docs/X.md section N" (or "docs/model.md, decision (x)") where page X
    has no heading numbered N (no decision (x)).

Paths under ../shared/ (the validation data beside the repository) are not
the repository's and are not checked; neither are paths inside a longer
path (build/docs/api, /usr/include/...), nor paths with a placeholder
(..., <...>, $VAR, {a,b}).

--self-test plants each kind of fault in a temporary tree and checks that
each is reported, at its line, and that the clean lines are not.
"""

import fnmatch
import os
import re
import subprocess
import sys
import tempfile

# Built from two halves so that this file does not cite it.
OLD_SPEC = "MODEL" + ".md"
OLD_SPEC_RE = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(OLD_SPEC))
# The one page that may name it, once.
HISTORY_PAGE = "docs/model.md"

TOP_DIRS = ("docs", "lib", "include", "tools", "tests", "bench", "bindings",
            ".ci")
# A path starts a token (not inside a longer path or word: build/docs/api,
# ../shared/..., -Iinclude, /usr/include) and runs over path characters.
PATH_RE = re.compile(
    r"(?<![A-Za-z0-9_./\-$<>{}@])(?:%s)/[A-Za-z0-9_.\-/*?+\[\]]*"
    % "|".join(re.escape(d) for d in TOP_DIRS))
# What may follow a path without being part of it; a path followed by a
# placeholder character is a pattern, not a path.
PLACEHOLDER_AFTER = re.compile(r"[<${%]")

MD_LINK_RE = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
IMG_SRC_RE = re.compile(r"<img\s[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)
SECTION_RE = re.compile(
    r"\b((?:docs/)?[a-z_]+\.md)(?:'s)?,?\s+(?:sections?|§)\s+([0-9]+(?:\.[0-9]+)?)"
    r"(?:\s+and\s+([0-9]+(?:\.[0-9]+)?))?")
DECISION_RE = re.compile(r"\b(docs/model\.md),?\s+decisions?\s+\(([a-z])\)")
HEADING_NUM_RE = re.compile(r"^#{1,6}\s+([0-9]+(?:\.[0-9]+)*)\.?\s")
DECISION_DEF_RE = re.compile(r"^\*\*\(([a-z])\)")

# This checker, as the repository names it: its self-test data is faulty on
# purpose.
SELF = "tests/docs/check_paths.py"
# Files that are data, not text a reader follows.
SKIP_SUFFIXES = (".svg", ".png", ".abi", ".onnx", ".pb", ".bin")


def tracked_files(root):
    """Relative paths of the repository's files: git's list when root is the
    top of a git work tree, else a walk that skips build directories."""
    try:
        top = subprocess.run(
            ["git", "-C", root, "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=True).stdout.strip()
        if os.path.realpath(top) == os.path.realpath(root):
            out = subprocess.run(
                ["git", "-C", root, "ls-files", "-z"],
                capture_output=True, check=True).stdout
            files = [f.decode("utf-8", "surrogateescape")
                     for f in out.split(b"\0") if f]
            # A file deleted in the work tree but not yet in git's index is
            # gone for a reader too.
            return sorted(f for f in files
                          if os.path.lexists(os.path.join(root, f)))
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        # A build directory (meson's) or version control is not the
        # repository's text.
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in (".git", "__pycache__")
            and not os.path.isdir(os.path.join(dirpath, d, "meson-private")))
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            files.append(rel.replace(os.sep, "/"))
    return sorted(files)


def directories(files):
    dirs = set()
    for f in files:
        parts = f.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    return dirs


def read_text(root, rel):
    path = os.path.join(root, rel)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", "replace")


class Repo:
    def __init__(self, root):
        self.root = root
        self.files = tracked_files(root)
        self.file_set = set(self.files)
        self.dir_set = directories(self.files)
        self._headings = {}

    def exists(self, path):
        path = os.path.normpath(path).replace(os.sep, "/")
        if path in (".", "") or path.startswith("../"):
            return path in (".", "")
        # A new file not yet added to git counts: the reference is right,
        # and CI's fresh clone has the file once it is committed.
        return path in self.file_set or path in self.dir_set or \
            os.path.exists(os.path.join(self.root, path))

    def glob(self, pattern):
        pattern = pattern.rstrip("/")
        return any(fnmatch.fnmatchcase(f, pattern) for f in self.files) or \
            any(fnmatch.fnmatchcase(d, pattern) for d in self.dir_set)

    def headings(self, page):
        """Section numbers and decision letters that page defines."""
        if page not in self._headings:
            nums, decisions = set(), set()
            text = read_text(self.root, page) if page in self.file_set else None
            for line in (text or "").splitlines():
                m = HEADING_NUM_RE.match(line)
                if m:
                    nums.add(m.group(1))
                m = DECISION_DEF_RE.match(line)
                if m:
                    decisions.add(m.group(1))
            self._headings[page] = (nums, decisions)
        return self._headings[page]


def clean_path(raw):
    """The path a token names: without trailing punctuation."""
    path = raw
    while path and path[-1] in ".,;:)]?":
        # A trailing ']' or '?' belongs to a glob only if it has its '['.
        if path[-1] == "]" and "[" in path:
            break
        path = path[:-1]
    return path


def check_file(repo, rel, text, report):
    old_spec_lines = []
    is_md = rel.endswith(".md")
    page_dir = os.path.dirname(rel)
    in_fence = False
    for lineno, line in enumerate(text.splitlines(), 1):
        where = "%s:%d" % (rel, lineno)
        for _ in OLD_SPEC_RE.finditer(line):
            old_spec_lines.append(lineno)

        for m in PATH_RE.finditer(line):
            rest = line[m.end():m.end() + 1]
            if rest and PLACEHOLDER_AFTER.match(rest):
                continue
            path = clean_path(m.group(0))
            if "..." in path or "/../" in path or path.endswith("/.."):
                continue
            if any(c in path for c in "*?["):
                if not repo.glob(path):
                    report(where, "no file matches '%s'" % path)
            elif not repo.exists(path) and not (
                    # meson's files('tests/x.c') is relative to its meson.build.
                    os.path.basename(rel) == "meson.build"
                    and repo.exists(os.path.join(page_dir, path))):
                report(where, "no such path '%s'" % path)

        if is_md:
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            if not in_fence:
                targets = [m.group(1) for m in MD_LINK_RE.finditer(line)]
                targets += [m.group(1) for m in IMG_SRC_RE.finditer(line)]
                for target in targets:
                    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or \
                            target.startswith("#") or target.startswith("/"):
                        continue
                    target = target.split("#", 1)[0]
                    if not target:
                        continue
                    resolved = os.path.normpath(os.path.join(page_dir, target))
                    if resolved == "../shared" or resolved.startswith("../shared/"):
                        continue
                    if not repo.exists(resolved):
                        report(where, "link to '%s': no such path '%s'"
                               % (target, resolved))

        for m in SECTION_RE.finditer(line):
            page = m.group(1)
            if not page.startswith("docs/"):
                # "model.md section 4" inside docs/ names docs/model.md.
                if page_dir != "docs":
                    continue
                page = "docs/" + page
            if page not in repo.file_set:
                continue  # reported above as a missing path if it is one
            nums, _ = repo.headings(page)
            for num in (m.group(2), m.group(3)):
                if num and num not in nums:
                    report(where, "%s has no section %s" % (page, num))
        for m in DECISION_RE.finditer(line):
            _, decisions = repo.headings(m.group(1))
            if m.group(1) in repo.file_set and m.group(2) not in decisions:
                report(where, "%s has no decision (%s)" % (m.group(1), m.group(2)))

    if old_spec_lines:
        allowed = 1 if rel == HISTORY_PAGE else 0
        for lineno in old_spec_lines[allowed:]:
            report("%s:%d" % (rel, lineno),
                   "cites %s, which is not in the repository: cite docs/model.md "
                   "(only %s may name it, once, as history)"
                   % (OLD_SPEC, HISTORY_PAGE))


def check(root):
    repo = Repo(root)
    problems = []

    def report(where, what):
        problems.append("%s: %s" % (where, what))

    scanned = 0
    for rel in repo.files:
        # This file's self-test plants faults on purpose.
        if rel.endswith(SKIP_SUFFIXES) or rel == SELF:
            continue
        text = read_text(root, rel)
        if text is None:
            continue
        scanned += 1
        check_file(repo, rel, text, report)
    return scanned, problems


def self_test():
    """Each fault is reported at its line; clean lines are not."""
    files = {
        "docs/model.md": "# Model\n\n## 4. Closed form\n\n### 4.5 One\n\n"
                         "**(a) A decision.**\n\n"
                         "History: %s was the first input.\n"
                         "Again %s.\n" % (OLD_SPEC, OLD_SPEC),
        "docs/page.md": "See [model](model.md), [gone](gone.md),\n"
                        "![img](images/a.svg) and <img src=\"images/b.svg\">.\n"
                        "model.md section 4.5 and docs/model.md section 7.\n"
                        "docs/model.md, decision (a); docs/model.md, decision (q).\n"
                        "Data: ../shared/validation/x.csv, [v](../../shared/v.md),\n"
                        "[w](../shared/w.md).\n",
        "docs/images/a.svg": "<svg/>\n",
        "lib/a.c": "/* docs/model.md section 4: lib/b.c, lib/*.c, lib/z*.c.\n"
                   " * build/docs/api, /usr/include/x.h, tests/.../x, docs/X<n>.md */\n"
                   "/* %s section 3 */\n" % OLD_SPEC,
        "tools/t.py": "print('see include/ecnn.h and include/gone.h')\n",
        "include/ecnn.h": "/* lib/ and tools/ exist */\n",
        "bindings/b/meson.build": "files('tests/y.c')\nfiles('tests/z.c')\n",
        "bindings/b/tests/y.c": "\n",
    }
    expected = {
        ("docs/model.md:10", OLD_SPEC),
        ("docs/page.md:1", "gone.md"),
        ("docs/page.md:2", "images/b.svg"),
        ("docs/page.md:3", "section 7"),
        ("docs/page.md:4", "decision (q)"),
        ("docs/page.md:6", "shared/w.md"),
        ("lib/a.c:1", "lib/b.c"),
        ("lib/a.c:1", "lib/z*.c"),
        ("lib/a.c:3", OLD_SPEC),
        ("tools/t.py:1", "include/gone.h"),
        ("bindings/b/meson.build:2", "tests/z.c"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "repo")
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        # A build directory inside the tree is not scanned.
        os.makedirs(os.path.join(root, "build", "meson-private"))
        with open(os.path.join(root, "build", "x.txt"), "w") as f:
            f.write("lib/never.c\n")
        _, problems = check(root)
    ok = True
    for where, what in sorted(expected):
        if not any(p.startswith(where + ":") and what in p for p in problems):
            print("self-test: not reported: %s (%s)" % (where, what))
            ok = False
    for p in problems:
        if not any(p.startswith(where + ":") and what in p
                   for where, what in expected):
            print("self-test: reported wrongly: %s" % p)
            ok = False
    print("self-test: %d problems reported, %d expected: %s"
          % (len(problems), len(expected), "ok" if ok else "FAILED"))
    return 0 if ok else 1


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[1]
    scanned, problems = check(root)
    for p in problems:
        print(p)
    print("%d text files scanned, %d problems" % (scanned, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
