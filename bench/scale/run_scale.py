#!/usr/bin/env python3
"""How cost grows with graph size: runs build-release/bin/scale_bench once per (shape, size), one
process each (peak RSS is per process), fits the growth of every figure and draws the plot.

    bench/scale/run_scale.py [--bench build-release/bin/scale_bench] [--out bench/scale]
                             [--sizes 1000,3000,10000,30000,100000] [--repeats 3]

Writes <out>/bench_scale.json (every measurement and every fit) and <out>/bench_scale.svg (cost
vs graph size, log-log), and prints a table. Only the standard library: the SVG is written here.

The fit of a figure t(n) over sizes n is a least-squares line through (log n, log t): t ~ n^k.
k = 1 is linear growth; k = 2 would be quadratic. Small graphs sit in cache and large ones do
not, so k slightly above 1 over 10^3..10^5 is memory, not algorithm: the per-op figures
(t / n, in the table) tell the two apart.
"""
import argparse
import json
import math
import os
import subprocess
import sys

FIGURES = ["record_s", "backward_s", "explain_s", "engine_run_s", "connectivity_s",
           "evaluator_forward_s", "projection_check_s"]
PLOTTED = [("engine_run_s", "engine run (forward+backward)", "#1f77b4"),
           ("connectivity_s", "connectivity oracle", "#2ca02c"),
           ("projection_check_s", "FD projection check", "#d62728"),
           ("backward_s", "tape backward", "#9467bd")]


def run_case(bench, shape, ops, repeats, elements=None):
    cmd = [bench, "--shape", shape, "--ops", str(ops), "--repeats", str(repeats)]
    if elements:
        cmd += ["--elements", str(elements)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fit_power(points):
    """Least squares of log t = log a + k log n; returns (k, a)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-12)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    k = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else float("nan")
    return k, math.exp(my - k * mx)


def svg_plot(rows, path):
    w, h, left, right, top, bottom = 820, 480, 80, 250, 40, 60
    pts = [(r["ops"], r[f]) for r in rows if r["shape"] in ("chain", "dag") for f, _, _ in PLOTTED]
    xmin, xmax = min(p[0] for p in pts), max(p[0] for p in pts)
    ymin, ymax = min(p[1] for p in pts), max(p[1] for p in pts)
    # a size of 10^5 + 1 ops (the loss) still ends the axis at 10^5
    lx0, lx1 = math.floor(math.log10(xmin) + 0.01), math.ceil(math.log10(xmax) - 0.01)
    ly0, ly1 = math.floor(math.log10(ymin)), math.ceil(math.log10(ymax))

    def px(n):
        return left + (math.log10(n) - lx0) / (lx1 - lx0) * (w - left - right)

    def py(t):
        return h - bottom - (math.log10(t) - ly0) / (ly1 - ly0) * (h - top - bottom)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (w, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="14">Cost vs graph size (bench/scale/run_scale.py; '
           'solid: chain, dashed: random DAG)</text>' % left]
    for e in range(lx0, lx1 + 1):
        x = px(10 ** e)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, top, x, h - bottom))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">10^%d</text>' % (x, h - bottom + 18, e))
    for e in range(ly0, ly1 + 1):
        y = py(10 ** e)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, y, w - right, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end">1e%d s</text>' % (left - 6, y + 4, e))
    out.append('<text x="%d" y="%d" text-anchor="middle">ops in the graph</text>'
               % ((left + w - right) // 2, h - 18))
    out.append('<text x="18" y="%d" transform="rotate(-90 18 %d)" text-anchor="middle">seconds '
               '(thread CPU)</text>' % ((top + h - bottom) // 2, (top + h - bottom) // 2))
    # slope-1 guide through the first projection point of the chain: linear growth is parallel
    chain_proj = sorted((r["ops"], r["projection_check_s"]) for r in rows if r["shape"] == "chain")
    if chain_proj:
        n0, t0 = chain_proj[0]
        n1 = xmax
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999" stroke-dasharray="2,3"/>'
                   % (px(n0), py(t0 * 3), px(n1), py(t0 * 3 * n1 / n0)))
        out.append('<text x="%.1f" y="%.1f" fill="#777">slope 1 (linear)</text>'
                   % (px(n1) - 110, py(t0 * 3 * n1 / n0) - 6))
    legend_y = top + 10
    for f, label, color in PLOTTED:
        for shape, dash in (("chain", ""), ("dag", ' stroke-dasharray="6,4"')):
            series = sorted((r["ops"], r[f]) for r in rows if r["shape"] == shape)
            if len(series) < 2:
                continue
            path_d = " ".join(("M" if i == 0 else "L") + "%.1f,%.1f" % (px(n), py(t))
                              for i, (n, t) in enumerate(series))
            out.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>' % (path_d, color, dash))
            for n, t in series:
                out.append('<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>' % (px(n), py(t), color))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>'
                   % (w - right + 12, legend_y, w - right + 36, legend_y, color))
        out.append('<text x="%d" y="%d">%s</text>' % (w - right + 42, legend_y + 4, label))
        legend_y += 20
    out.append('</svg>')
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default=os.path.join(root, "build-release", "bin", "scale_bench"))
    ap.add_argument("--out", default=here)
    ap.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    ap.add_argument("--tensor-ops", type=int, default=20)
    ap.add_argument("--tensor-elements", default="10000,100000,1000000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--replot", action="store_true",
                    help="redraw <out>/bench_scale.svg from <out>/bench_scale.json without measuring")
    args = ap.parse_args()
    if args.replot:
        with open(os.path.join(args.out, "bench_scale.json")) as f:
            svg_plot(json.load(f)["rows"], os.path.join(args.out, "bench_scale.svg"))
        return
    if not os.access(args.bench, os.X_OK):
        sys.exit("run_scale.py: no %s (cmake --preset release && cmake --build build-release "
                 "--target scale_bench)" % args.bench)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for shape in ("chain", "dag"):
        for n in sizes:
            rows.append(run_case(args.bench, shape, n, args.repeats))
            print(json.dumps(rows[-1]), file=sys.stderr)
    for e in (int(x) for x in args.tensor_elements.split(",")):
        rows.append(run_case(args.bench, "tensor", args.tensor_ops, args.repeats, e))
        print(json.dumps(rows[-1]), file=sys.stderr)

    fits = {}
    for shape, size in (("chain", "ops"), ("dag", "ops"), ("tensor", "elements")):
        for f in FIGURES + ["peak_rss_mb"]:
            pts = [(r[size], r[f]) for r in rows if r["shape"] == shape]
            if len(pts) >= 2:
                fits["%s/%s" % (shape, f)] = round(fit_power(pts)[0], 3)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "bench_scale.json"), "w") as f:
        json.dump({"rows": rows, "growth_exponent": fits}, f, indent=1)
    svg_plot(rows, os.path.join(args.out, "bench_scale.svg"))

    print("%-6s %7s %8s %9s %9s %9s %9s %9s %9s %9s %7s %8s" % (
        "shape", "ops", "elements", "record", "backward", "explain", "run", "connect", "eval fwd", "FD proj", "B/op", "RSS MB"))
    for r in rows:
        print("%-6s %7d %8d %8.4fs %8.4fs %8.4fs %8.4fs %8.4fs %8.5fs %8.3fs %7.0f %8.1f" % (
            r["shape"], r["ops"], r["elements"], r["record_s"], r["backward_s"], r["explain_s"], r["engine_run_s"],
            r["connectivity_s"], r["evaluator_forward_s"], r["projection_check_s"], r["tape_bytes_per_op"],
            r["peak_rss_mb"]))
    print("\ngrowth exponent k (t ~ n^k, least squares; n = ops for chain and dag over %s, "
          "elements for tensor over %s):" % (args.sizes, args.tensor_elements))
    for shape in ("chain", "dag", "tensor"):
        print("  %-6s " % shape + "  ".join("%s %.2f" % (f.replace("_s", ""), fits["%s/%s" % (shape, f)])
                                            for f in FIGURES + ["peak_rss_mb"] if "%s/%s" % (shape, f) in fits))
    print("\nwrote %s/bench_scale.json and %s/bench_scale.svg" % (args.out, args.out))


if __name__ == "__main__":
    main()
