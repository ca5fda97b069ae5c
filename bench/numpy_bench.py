"""numpy peer of bench/run.ts: the same workloads, one thread, medians with warm-up, JSON on stdout.

Run by bench/run.ts with OPENBLAS/OMP/MKL thread counts set to 1. Optional: the bench skips numpy
with a note when python3 or numpy is missing.
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, min_reps=10, budget_s=1.5, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or (time.perf_counter() - start < budget_s and len(times) < 200):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def mlp_step(rng, sizes, batch):
    params = []
    for i in range(3):
        params.append([(rng.standard_normal((sizes[i], sizes[i + 1])) * np.sqrt(2 / sizes[i])).astype(np.float32), np.zeros(sizes[i + 1], np.float32)])
    X = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    Y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)]

    def step():
        (W1, b1), (W2, b2), (W3, b3) = params
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ W2 + b2
        A2 = np.maximum(Z2, 0)
        Z3 = A2 @ W3 + b3
        Z3 = Z3 - Z3.max(axis=1, keepdims=True)
        P = np.exp(Z3)
        P /= P.sum(axis=1, keepdims=True)
        dZ3 = (P - Y) / batch
        dW3 = A2.T @ dZ3
        db3 = dZ3.sum(0)
        dA2 = dZ3 @ W3.T
        dZ2 = dA2 * (Z2 > 0)
        dW2 = A1.T @ dZ2
        db2 = dZ2.sum(0)
        dA1 = dZ2 @ W2.T
        dZ1 = dA1 * (Z1 > 0)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(0)
        lr = np.float32(0.01)
        params[0] = [W1 - lr * dW1, b1 - lr * db1]
        params[1] = [W2 - lr * dW2, b2 - lr * db2]
        params[2] = [W3 - lr * dW3, b3 - lr * db3]

    return step


# (M, K, N, A read transposed, B read transposed): the products of `mlp_step` for 784-128-64-10 b128
PRODUCTS = [
    (128, 784, 128, False, False),  # X @ W1
    (128, 128, 64, False, False),  # A1 @ W2
    (128, 64, 10, False, False),  # A2 @ W3
    (64, 128, 10, True, False),  # A2.T @ dZ3
    (128, 10, 64, False, True),  # dZ3 @ W3.T
    (128, 128, 64, True, False),  # A1.T @ dZ2
    (128, 64, 128, False, True),  # dZ2 @ W2.T
    (784, 128, 128, True, False),  # X.T @ dZ1
]


def product_name(m, k, n, ta, tb):
    return f"product {m}x{k}{'T' if ta else ''} . {k}x{n}{'T' if tb else ''}"


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    # the row groups to run (bench/select.ts): every group unless `--only a,b` is given
    only = set(",".join(a for i, a in enumerate(sys.argv) if i > 0 and sys.argv[i - 1] == "--only").split(",")) - {""}
    runs = lambda g: not only or g in only  # noqa: E731
    rng = np.random.default_rng(0)
    out = []
    if runs("matmul"):
        for m, k, n, name in [(128, 128, 128, "128"), (256, 256, 256, "256"), (512, 512, 512, "512"), (1024, 1024, 1024, "1024"), (128, 784, 128, "128x784x128")]:
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, n), dtype=np.float32)
            out.append({"workload": f"matmul f32 {name}", "median_ms": median_ms(lambda: a @ b)})
    if runs("elementwise"):
        x = rng.standard_normal(1_000_000, dtype=np.float32)
        out.append({"workload": "sigmoid 1e6", "median_ms": median_ms(lambda: 1 / (1 + np.exp(-x)))})
        out.append({"workload": "tanh 1e6", "median_ms": median_ms(lambda: np.tanh(x))})
        out.append({"workload": "exp 1e6", "median_ms": median_ms(lambda: np.exp(x))})
        out.append({"workload": "relu 1e6", "median_ms": median_ms(lambda: np.maximum(x, 0))})
        xb = rng.standard_normal((128, 4096), dtype=np.float32)
        bb = rng.standard_normal(4096, dtype=np.float32)
        out.append({"workload": "bias add 128x4096", "median_ms": median_ms(lambda: xb + bb)})
    if runs("reductions"):
        v = rng.standard_normal(1_000_000, dtype=np.float32)
        out.append({"workload": "sum 1e6", "median_ms": median_ms(lambda: v.sum())})
        out.append({"workload": "mean 1e6", "median_ms": median_ms(lambda: v.mean())})
        m = rng.standard_normal((128, 4096), dtype=np.float32)
        out.append({"workload": "row sum 128x4096", "median_ms": median_ms(lambda: m.sum(axis=1))})
        z = rng.standard_normal((128, 1000), dtype=np.float32)
        out.append({"workload": "softmax 128x1000", "median_ms": median_ms(lambda: softmax(z))})

    # the eight products of the small MLP step, as its step computes them (transposes as views);
    # only when asked for by name (bench/peak.ts), not in the bench's row groups
    if "products" in only:
        for m, k, n, ta, tb in PRODUCTS:
            a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
            b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
            a_, b_ = (a.T if ta else a), (b.T if tb else b)
            out.append({"workload": product_name(m, k, n, ta, tb), "median_ms": median_ms(lambda: a_ @ b_, min_reps=50, budget_s=0.5, warmup=20)})

    # bench/cores.ts's workloads, only when asked for by name, at the thread count the caller set
    # (OPENBLAS_NUM_THREADS…): matmul f32 n² (`--n`, default 2048) and the MLP steps (`--smoke`: small sizes)
    if "cores" in only:
        n = int(next((a for i, a in enumerate(sys.argv) if i > 0 and sys.argv[i - 1] == "--n"), "2048"))
        smoke = "--smoke" in sys.argv
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        budget = 0.05 if smoke else 2.0
        out.append({"workload": f"matmul f32 {n}", "median_ms": median_ms(lambda: a @ b, min_reps=3 if smoke else 10, budget_s=budget)})
        big = ([784, 64, 64, 10], 32) if smoke else ([784, 1024, 1024, 10], 256)
        for sizes, batch in [big, ([784, 128, 64, 10], 128)]:
            out.append({"workload": f"MLP train step {'-'.join(map(str, sizes))} b{batch}", "median_ms": median_ms(mlp_step(rng, sizes, batch), min_reps=3 if smoke else 10, budget_s=budget)})

    # MLP train steps (softmax cross-entropy, SGD; backward written by hand): the small one and the big one
    if runs("mlp"):
        for sizes, batch in [([784, 128, 64, 10], 128), ([784, 1024, 1024, 10], 256)]:
            out.append({"workload": f"MLP train step {'-'.join(map(str, sizes))} b{batch}", "median_ms": median_ms(mlp_step(rng, sizes, batch))})
    blas = ""
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {}).get("name", "")
    except Exception:  # noqa: BLE001
        pass
    json.dump({"numpy": np.__version__, "blas": blas, "rows": out}, sys.stdout)


if __name__ == "__main__":
    main()
