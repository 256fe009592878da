#!/usr/bin/env python3
"""Run doxygen, then make the HTML's local links work or fail.

Usage: run_doxygen.py DOXYGEN DOXYFILE HTML_DIR SOURCE_ROOT

Doxygen writes every page into one flat HTML directory. It copies the
Markdown images it finds in IMAGE_PATH (docs/images), but neither the
images of HTML <img> tags (README's and docs/cli.md's) nor the repository
files pages link to (README's include/ecnn.h); it leaves such links as they
are, so they break, and a Markdown image it cannot find it leaves silently. After doxygen succeeds (its warnings are errors, see
Doxyfile.in), every relative src= and href= of every HTML page is resolved:

  - a target present in HTML_DIR (a generated page, a copied file) is fine;
  - else the target is looked up in the repository, relative to the page's
    source (docs/ for a page made from a Markdown file of docs/, the top
    for README.md and the header), and copied into HTML_DIR at the same relative path;
  - else (a missing image, a link to a page that does not exist, a path
    leaving the repository) it is reported, with the page, and the run fails.
"""

import html
import os
import re
import shutil
import subprocess
import sys

ATTR_RE = re.compile(r"<(?:img|a|object|iframe|source)\s[^>]*?\b(?:src|href|data)=\"([^\"]*)\"",
                     re.IGNORECASE)


def source_dirs(page):
    """Where the Markdown behind an HTML page lives, most specific first."""
    if page.startswith("md_docs_"):
        return ["docs", ""]
    return [""]


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    doxygen, doxyfile, html_dir, root = argv[1:]
    # Files copied by an earlier run go first, so that a file since deleted
    # from the repository is not found in a stale copy.
    manifest = os.path.join(html_dir, ".copied-from-repository")
    if os.path.isfile(manifest):
        with open(manifest, encoding="utf-8") as f:
            for rel in f.read().splitlines():
                path = os.path.join(html_dir, rel)
                if rel and not rel.startswith("..") and os.path.isfile(path):
                    os.remove(path)
        os.remove(manifest)
    doxyfile = os.path.abspath(doxyfile)
    rc = subprocess.run([doxygen, doxyfile], cwd=os.path.dirname(doxyfile)).returncode
    if rc != 0:
        return rc
    root = os.path.realpath(root)
    problems = []
    copied = set()
    for page in sorted(os.listdir(html_dir)):
        if not page.endswith(".html"):
            continue
        with open(os.path.join(html_dir, page), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for m in ATTR_RE.finditer(text):
            target = html.unescape(m.group(1))
            if not target or target.startswith(("#", "/", "javascript:")) or \
                    re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
                continue
            target = target.split("#", 1)[0].split("?", 1)[0]
            if not target:
                continue
            rel = os.path.normpath(target)
            if rel.startswith("..") or os.path.isabs(rel):
                problems.append("%s: '%s' leaves the HTML directory" % (page, target))
                continue
            if os.path.exists(os.path.join(html_dir, rel)) or rel in copied:
                continue
            for base in source_dirs(page):
                src = os.path.realpath(os.path.join(root, base, rel))
                if src.startswith(root + os.sep) and os.path.isfile(src):
                    dst = os.path.join(html_dir, rel)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copyfile(src, dst)
                    copied.add(rel)
                    break
            else:
                problems.append("%s: '%s' names no page, image or file of the repository"
                                % (page, target))
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("".join(rel + "\n" for rel in sorted(copied)))
    for p in problems:
        print(p, file=sys.stderr)
    print("%d repository files copied into %s; %d dangling links"
          % (len(copied), html_dir, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
