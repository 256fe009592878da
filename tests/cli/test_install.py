"""meson install puts ecnn in <bindir> and the zoo in <datadir>/ecnn/zoo:
install into a temporary DESTDIR and run the installed program there (it
finds the zoo beside itself, ../share/ecnn/zoo, when the configured datadir
does not exist, as inside a DESTDIR)."""
import os
import subprocess
import sys
import tempfile

from cli_common import check, finish

meson, build_root, prefix, bindir, libdir, datadir = sys.argv[3:9]


def under(root, d):
    d = d if os.path.isabs(d) else os.path.join(prefix, d)
    return root + d


with tempfile.TemporaryDirectory() as tmp:
    dest = os.path.join(tmp, "root")
    p = subprocess.run([meson, "install", "-C", build_root, "--no-rebuild", "--quiet", "--destdir", dest],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"meson install: {p.stdout}{p.stderr}")
    exe = os.path.join(under(dest, bindir), "ecnn")
    zoo = os.path.join(under(dest, datadir), "ecnn", "zoo")
    check(os.access(exe, os.X_OK), f"installed: {exe}")
    names = sorted(os.listdir(zoo)) if os.path.isdir(zoo) else []
    # Every network file of the source tree's zoo, and nothing else.
    source_zoo = os.path.join(os.environ["ECNN_CLI_DATA"], "..", "..", "tools", "zoo")
    want = sorted(n for n in os.listdir(source_zoo) if n.endswith(".csv"))
    check(len(want) >= 6 and names == want, f"installed zoo: {names}, the source's {want}")
    env = dict(os.environ)
    env.pop("ECNN_ZOO_DIR", None)
    env["LD_LIBRARY_PATH"] = under(dest, libdir) + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    if os.access(exe, os.X_OK):
        p = subprocess.run([exe, "zoo", "--format", "csv"], capture_output=True, text=True, env=env)
        check(p.returncode == 0 and len(p.stdout.splitlines()) == len(want) + 1, f"installed ecnn zoo: {p.stdout}{p.stderr}")
        p = subprocess.run([exe, "net", "resnet50", "--policy", "os", "--format", "csv"],
                           capture_output=True, text=True, env=env)
        check(p.returncode == 0 and len(p.stdout.splitlines()) == 56, f"installed ecnn net resnet50: {p.stderr}")
finish("cli-install")
