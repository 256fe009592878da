#!/usr/bin/env python3
"""The 'readme-linking' test (issue 4, item 7): run the commands of README's
"Linking" section verbatim, on the program of its "Example" section.

Every line of a ```sh block of "## Linking" that starts with "cc " is a
build command; each is run in a scratch directory holding the example as
prog.c, with PKG_CONFIG_PATH naming the build tree's uninstalled ecnn.pc
(as the section says), and the program it builds is run. At least one
shared and one -static command must be there, so the section cannot lose
them unnoticed.

Usage: check_readme_linking.py README BUILD_ROOT SANITIZE
Exit status 0 pass, 1 fail, 77 skip (an instrumented build: a program built
without the sanitizer cannot load it, nor link it statically).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def section(text, title):
    m = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if m is None:
        raise SystemExit(f"FAIL: README has no '## {title}' section")
    return m.group(1)


def blocks(text, lang):
    return re.findall(rf"^```{lang}\s*\n(.*?)^```", text, flags=re.M | re.S)


def main(argv):
    readme, build_root, sanitize = argv[1], os.path.abspath(argv[2]), argv[3]
    if sanitize != "none":
        print(f"SKIP: b_sanitize={sanitize}: the library is instrumented")
        return 77
    for tool in ("cc", "pkg-config"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not installed")
            return 77
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    program = blocks(section(text, "Example"), "c")
    commands = [line.strip() for block in blocks(section(text, "Linking"), "sh")
                for line in block.splitlines() if line.strip().startswith("cc ")]
    if len(program) != 1:
        print(f"FAIL: the Example section has {len(program)} C blocks, expected 1")
        return 1
    if not any("-static" in c for c in commands) or all("-static" in c for c in commands):
        print(f"FAIL: the Linking section should show a shared and a -static build: {commands}")
        return 1

    env = dict(os.environ)
    env["PKG_CONFIG_PATH"] = os.path.join(build_root, "meson-uninstalled")
    env["LD_LIBRARY_PATH"] = build_root
    libs = subprocess.run(["pkg-config", "--libs", "ecnn"], env=env, text=True,
                          capture_output=True).stdout
    if f"-L{build_root}" not in libs:
        print(f"FAIL: pkg-config did not pick the build tree's ecnn-uninstalled.pc: {libs}")
        return 1

    failures = 0
    with tempfile.TemporaryDirectory(prefix="ecnn-readme.") as tmp:
        with open(os.path.join(tmp, "prog.c"), "w", encoding="utf-8") as f:
            f.write(program[0])
        for command in commands:
            print("$", command)
            exe = os.path.join(tmp, "a.out")
            if os.path.exists(exe):
                os.remove(exe)
            build = subprocess.run(command, shell=True, cwd=tmp, env=env)
            run = subprocess.run([exe], cwd=tmp, env=env, text=True, capture_output=True) \
                if build.returncode == 0 else None
            if run is None or run.returncode != 0 or not run.stdout.startswith("energy "):
                print("FAIL:", command, run and (run.stdout + run.stderr))
                failures += 1
                continue
            print(run.stdout, end="")
            # The static build must not need libecnn.so at run time.
            dynamic = subprocess.run(["readelf", "-d", exe], text=True, capture_output=True).stdout
            if "-static" in command and "libecnn" in dynamic:
                print("FAIL: the -static build still needs libecnn.so")
                failures += 1
    print(f"{len(commands) - failures} of {len(commands)} README linking commands "
          "built a working program")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
