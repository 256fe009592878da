#!/usr/bin/env python3
"""The 'exports' test (issue 4, items 1 and 2; docs/abi.md).

Checks the built shared library against the public header:
  - every defined dynamic symbol is a function declared EC_API in the header,
    global, default visibility, in the version node LIBECNN_<major>, and
    every EC_API function is exported (the list is parsed from the header,
    never written down here, so added functions need no edit);
  - the only version node defined is LIBECNN_<major>, the one that
    lib/libecnn.map declares;
  - the SONAME is libecnn.so.<major>, <major> being EC_VERSION_MAJOR;
  - EC_VERSION_STRING, as the preprocessor expands it, equals meson's
    project version, and the library file is libecnn.so.<that version>.

Usage: check_exports.py HEADER MAP LIBRARY PROJECT_VERSION CC [CC_ARGS...]
(tests/abi/meson.build passes these; CC is meson's C compiler command, used
only to preprocess the header). Exit status 0 pass, 1 fail.
"""
import os
import re
import subprocess
import sys


def strip_c(text):
    """The header without comments and preprocessor directives, so that
    EC_API inside a comment or in its own #define is not a declaration."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    # A directive runs to the first line end not escaped by a backslash.
    return re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)


def header_functions(text):
    """Names of the functions declared EC_API, and complaints about EC_API
    on anything that is not a function declaration."""
    names, problems = set(), []
    for m in re.finditer(r"\bEC_API\b([^;{}]*)[;{]", strip_c(text)):
        decl = " ".join(m.group(1).split())
        # The name is the identifier just before the parameter list. (A
        # function returning a function pointer would fool this; the API
        # has none, and the missing/extra symbol checks would then fail.)
        f = re.search(r"([A-Za-z_]\w*)\s*\(", decl)
        if f is None:
            problems.append(f"EC_API on a declaration that is not a function: {decl}")
        else:
            names.add(f.group(1))
    return names, problems


def preprocess(cc, header, expressions):
    """Expand macros of the header with the real preprocessor: the header's
    own definition of EC_VERSION_STRING, not a re-implementation of it."""
    src = f'#include "{os.path.abspath(header)}"\n'
    src += "".join(f"ecnn_check_{i} = {e} ;\n" for i, e in enumerate(expressions))
    out = subprocess.run(cc + ["-E", "-P", "-x", "c", "-"], input=src, text=True,
                         capture_output=True, check=True).stdout
    values = {}
    for line in out.splitlines():
        m = re.match(r"\s*ecnn_check_(\d+) = (.*) ;\s*$", line)
        if m:
            values[expressions[int(m.group(1))]] = m.group(2)
    return values


def c_string(tokens):
    """The value of adjacent C string literals ("0" "." "1" -> 0.1)."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', tokens)
    if not parts or re.sub(r'"(?:[^"\\]|\\.)*"', "", tokens).strip():
        raise ValueError(f"not a string literal: {tokens}")
    return "".join(parts)


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], text=True, capture_output=True,
                          check=True).stdout


def dynamic_symbols(lib):
    """(name, version, default_version, type, bind, vis) of every defined
    dynamic symbol. readelf (binutils >= 2.35) prints name@@VERSION for a
    default version and name@VERSION for a hidden one."""
    syms = []
    for line in readelf("--dyn-syms", lib).splitlines():
        f = line.split()
        if len(f) < 8 or not re.fullmatch(r"\d+:", f[0]) or f[6] == "UND":
            continue
        name, sep, version = f[7].partition("@")
        default = version.startswith("@")
        syms.append((name, version.lstrip("@") if sep else None, default, f[3], f[4], f[5], f[6]))
    return sorted(syms)


def main(argv):
    if len(argv) < 6:
        print(__doc__, file=sys.stderr)
        return 2
    header, mapfile, lib, project_version, cc = argv[1], argv[2], argv[3], argv[4], argv[5:]
    problems = []

    with open(header, encoding="utf-8") as f:
        functions, p = header_functions(f.read())
    problems += p
    if not functions:
        problems.append(f"no EC_API function found in {header}")

    macros = preprocess(cc, header, ["EC_VERSION_STRING", "EC_VERSION_MAJOR"])
    version_string = c_string(macros["EC_VERSION_STRING"])
    major = macros["EC_VERSION_MAJOR"].strip("() ")
    node = f"LIBECNN_{major}"

    # Versioning: header == meson == file name == SONAME.
    if version_string != project_version:
        problems.append(f"EC_VERSION_STRING is {version_string!r} but meson's project "
                        f"version is {project_version!r}")
    if project_version.split(".")[0] != major:
        problems.append(f"EC_VERSION_MAJOR {major} is not the major of {project_version}")
    real = os.path.basename(os.path.realpath(lib))
    if real != f"libecnn.so.{project_version}":
        problems.append(f"the library file is {real}, expected libecnn.so.{project_version}")
    sonames = re.findall(r"\(SONAME\)\s+Library soname: \[([^\]]*)\]", readelf("-d", lib))
    if sonames != [f"libecnn.so.{major}"]:
        problems.append(f"SONAME is {sonames}, expected ['libecnn.so.{major}'] (the ABI major)")

    # The version script must declare the node the ABI major implies.
    with open(mapfile, encoding="utf-8") as f:
        map_nodes = re.findall(r"^\s*([A-Za-z_][\w.]*)\s*\{", strip_c(f.read()), flags=re.M)
    if map_nodes != [node]:
        problems.append(f"{mapfile} declares version nodes {map_nodes}, expected [{node!r}]")

    # Version definitions in the library: the base (the SONAME) and the node.
    defined = re.findall(r"Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)", readelf("-V", lib))
    nodes = [name for flags, name in defined if flags != "BASE"]
    if nodes != [node]:
        problems.append(f"the library defines version nodes {nodes}, expected [{node!r}]")

    exported = set()
    for name, version, default, typ, bind, vis, ndx in dynamic_symbols(lib):
        if name == node and ndx == "ABS":
            continue  # the linker's own symbol naming the version node
        where = f"{name}@{'@' if default else ''}{version}" if version else name
        if name not in functions:
            problems.append(f"exported but not an EC_API function of the header: {where} ({typ})")
            continue
        exported.add(name)
        if typ != "FUNC":
            problems.append(f"{where} is a {typ}, not a function")
        if bind != "GLOBAL" or vis != "DEFAULT":
            problems.append(f"{where} has binding {bind}, visibility {vis}")
        if version != node or not default:
            problems.append(f"{where} is not in the default version node {node}")
    for name in sorted(functions - exported):
        problems.append(f"declared EC_API but not exported: {name}")

    if problems:
        for p in problems:
            print("FAIL:", p)
        return 1
    print(f"{len(functions)} EC_API functions in {os.path.basename(header)}; the library exports "
          f"exactly those {len(exported)}, all FUNC, GLOBAL, DEFAULT, @@{node}")
    print(f"SONAME libecnn.so.{major}; file {real}; version node {node}; "
          f"EC_VERSION_STRING {version_string} == project version {project_version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
