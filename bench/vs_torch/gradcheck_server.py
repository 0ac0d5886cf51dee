#!/usr/bin/python3
"""The torch side of bench/vs_torch_bench: torch.autograd.gradcheck on BENCH_GRAPH.

Run by vs_torch_bench (never by hand), which talks to it over stdin/stdout, one JSON object per
line, so that both sides are measured in one run, in interleaved rounds:

  first line in:   {"a": [64 values], "b": [...], "c": [...], "shape": [8, 8]}
                   (bench/bench_graph.tcg's inputs, materialised by the C++ side)
  first line out:  {"torch": "1.13.0", "calls": {...}}  or  {"error": "..."} and exit 3
  then, per line:  {"what": "gradcheck" | "gradcheck_fast" | "forward" | "forward_backward",
                    "threads": 1 | 2, "min_seconds": 0.2}
  reply:           {"seconds": <per call>, "calls": n, "passed": true}

Timing: "seconds" is per call over a batch lasting at least min_seconds, in this thread's CPU
time at 1 thread (immune to other processes, like the C++ side) and in wall time at 2 threads.

What one gradcheck call does is counted, not assumed, and reported on the first line ("calls"):
evaluations of the function (each a forward of the whole graph) and backward passes.
"""
import json
import sys
import time

try:
    import torch
except Exception as e:  # ImportError, or a broken install
    print(json.dumps({"error": "torch is not importable by %s: %s" % (sys.executable, e)}), flush=True)
    sys.exit(3)

# The graph of bench/bench_graph.tcg (and bench/bench_graph.hpp), written in torch.
COUNTS = {"forward": 0, "backward": 0}


def loss(a, b, c):
    COUNTS["forward"] += 1
    x = torch.tanh(a @ b) + torch.sigmoid(c)
    for _ in range(8):
        x = torch.exp(-(x * x)) * b + torch.log1p(c * c) - torch.sin(x) @ a
    out = (x * x).sum()
    if out.requires_grad:
        out.register_hook(_count_backward)
    return out


def _count_backward(grad):
    COUNTS["backward"] += 1
    return grad


def gradcheck(inputs, fast):
    return torch.autograd.gradcheck(loss, inputs, fast_mode=fast)


def forward(inputs):
    with torch.no_grad():
        return loss(*inputs)


def forward_backward(inputs):
    return torch.autograd.grad(loss(*inputs), inputs)


def counted(fn):
    COUNTS["forward"] = COUNTS["backward"] = 0
    fn()
    return dict(COUNTS)


def main():
    spec = json.loads(sys.stdin.readline())
    shape = spec["shape"]
    inputs = tuple(torch.tensor(spec[k], dtype=torch.float64).reshape(shape).requires_grad_(True)
                   for k in ("a", "b", "c"))
    run = {
        "gradcheck": lambda: gradcheck(inputs, False),
        "gradcheck_fast": lambda: gradcheck(inputs, True),
        "forward": lambda: forward(inputs),
        "forward_backward": lambda: forward_backward(inputs),
    }
    calls = {"gradcheck": counted(run["gradcheck"]), "gradcheck_fast": counted(run["gradcheck_fast"])}
    print(json.dumps({"torch": torch.__version__, "calls": calls}), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        threads = int(req["threads"])
        torch.set_num_threads(threads)
        fn = run[req["what"]]
        clock = time.thread_time if threads == 1 else time.perf_counter
        passed = True
        n, t0 = 0, clock()
        while True:
            r = fn()
            if req["what"].startswith("gradcheck"):
                passed = passed and bool(r)
            n += 1
            elapsed = clock() - t0
            if elapsed >= float(req.get("min_seconds", 0.2)):
                break
        print(json.dumps({"seconds": elapsed / n, "calls": n, "passed": passed}), flush=True)


if __name__ == "__main__":
    main()
