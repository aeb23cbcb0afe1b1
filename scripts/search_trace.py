#!/usr/bin/env python3
"""Where each timed work-list search went, from a Chromium trace of the searches
(tests/browser/web_app_bench.mjs with PD_TRACE=FILE; not part of scripts/bench).

    scripts/search_trace.py TRACE.json

For each search (submit -> the list shows the one household), on the page's main thread and
on the service's worker thread: the wall time of the tasks that ran inside the search, their
CPU time (a task whose wall time is far above its CPU time waited for a CPU: the thread was
descheduled), the time in V8 garbage collection, the wasm functions compiled on their first
call (V8 compiles lazily: a search running code never run before pays for it) and the time
V8's background threads spent optimising wasm (tier-up, on the same 2 CPUs). Slow searches
(> 15 ms) are marked.
"""
import json
import sys


def main(path):
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    marks = [e for e in events if e.get("name") == "pd-clock"]
    if not marks:
        sys.exit("search_trace.py: no pd-clock mark in the trace")
    # trace clock (us) -> the spans' clock (absolute ms)
    shift = trace["mark"] - marks[0]["ts"] / 1000
    names = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[(e["pid"], e["tid"])] = e["args"]["name"]
    main_thread = {k for k, n in names.items() if n == "CrRendererMain"}
    worker = {k for k, n in names.items() if "Worker" in n and "Service" not in n}
    tasks = [
        e for e in events
        if e.get("ph") == "X" and e.get("name") == "ThreadControllerImpl::RunTask"
    ]
    gcs = [
        e for e in events
        if e.get("ph") == "X"
        and (e.get("name", "").startswith("V8.GC") or e.get("name") in ("MinorGC", "MajorGC", "Scavenge", "ObservablePause"))
    ]

    lazy = [e for e in events if e.get("ph") == "X" and e.get("name") == "wasm.CompileLazy"]
    tier_up = [
        e for e in events if e.get("ph") == "X" and e.get("name") == "wasm.TopTierCompilation"
    ]
    everywhere = {k for k in names}

    def started(threads, evs, t0, t1):
        """How many of `evs` started on `threads` inside [t0, t1]."""
        return sum(
            1 for e in evs
            if (e["pid"], e["tid"]) in threads and t0 <= e["ts"] / 1000 + shift <= t1
        )

    def inside(threads, evs, t0, t1):
        wall = cpu = 0.0
        for e in evs:
            if (e["pid"], e["tid"]) not in threads:
                continue
            a = e["ts"] / 1000 + shift
            b = a + e.get("dur", 0) / 1000
            lo, hi = max(a, t0), min(b, t1)
            if hi <= lo:
                continue
            frac = (hi - lo) / max(b - a, 1e-9)
            wall += hi - lo
            cpu += frac * e.get("tdur", e.get("dur", 0)) / 1000
        return wall, cpu

    print("search   ms | main wall/cpu | worker wall/cpu | GC main/worker | first-call compiles main/worker | tier-up ms")
    for i, s in enumerate(trace["spans"]):
        t0, t1 = s["t0"], s["t1"]
        mw, mc = inside(main_thread, tasks, t0, t1)
        ww, wc = inside(worker, tasks, t0, t1)
        gm, _ = inside(main_thread, gcs, t0, t1)
        gw, _ = inside(worker, gcs, t0, t1)
        lm, lw = started(main_thread, lazy, t0, t1), started(worker, lazy, t0, t1)
        tu, _ = inside(everywhere, tier_up, t0, t1)
        mark = " <" if t1 - t0 > 15 else ""
        print(
            f"{i:3d} {t1 - t0:7.1f} | {mw:5.1f} / {mc:5.1f} | {ww:5.1f} / {wc:5.1f} | {gm:4.1f} / {gw:4.1f}"
            f" | {lm:4d} / {lw:4d} | {tu:5.1f}{mark}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
