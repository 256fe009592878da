"""`ecnn net resnet50` (the optimal search on each of its 54 layers, at the
default memory) completes in under one second: the median of five runs,
after one warm-up run."""
import statistics
import subprocess
import time

from cli_common import TOOL, check, finish

LIMIT = 1.0
times = []
for i in range(6):
    t0 = time.perf_counter()
    p = subprocess.run([TOOL, "net", "resnet50"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    check(p.returncode == 0, f"ecnn net resnet50: exit {p.returncode}: {p.stderr}")
    if i:
        times.append(elapsed)
median = statistics.median(times)
print(f"ecnn net resnet50: median {median * 1000:.1f} ms over {len(times)} runs "
      f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")
check(median < LIMIT, f"ecnn net resnet50 took {median:.3f} s (median), the limit is {LIMIT} s")
finish("cli-speed")
