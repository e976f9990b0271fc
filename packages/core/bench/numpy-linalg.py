"""numpy/OpenBLAS reference for `npm run bench:linalg -- --numpy`: median seconds of
numpy.linalg.eigh and numpy.linalg.cholesky on the same random SPD matrices (X Xᵀ/n + I), one
BLAS thread. Prints one JSON object {"eigh": {n: s}, "cholesky": {n: s}, "numpy": version, "blas": …}."""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402  (after the thread settings)


def median_seconds(f, a, reps):
    f(a)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f(a)
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


sizes = [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [1001, 2001]
out = {"eigh": {}, "cholesky": {}, "numpy": np.__version__}
try:
    out["blas"] = np.__config__.CONFIG["Build Dependencies"]["blas"].get("openblas configuration", "")
except Exception:  # older numpy: no CONFIG
    out["blas"] = ""
for n in sizes:
    x = np.random.default_rng(n).standard_normal((n, n))
    a = x @ x.T / n + np.eye(n)
    reps = 7 if n <= 1001 else 3
    out["eigh"][n] = median_seconds(np.linalg.eigh, a, reps)
    out["cholesky"][n] = median_seconds(np.linalg.cholesky, a, reps)
print(json.dumps(out))
