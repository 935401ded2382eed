#!/usr/bin/env python3
"""Sums libtorch operator profiles per operator and puts two of them side by side.

    tools/peer_bench/profile_ops.py OURS.json [PEER.json] [--steps N] [--top 30]

The inputs are Chrome traces from `asr3m bench train --profile` and `peer.py train --profile`
(the same libtorch profiler on both sides). Each event's self time is its duration minus that of
the events nested in it on the same thread, so an operator that calls others is not counted twice;
the table gives milliseconds per step (the profiled steps divided by --steps) and calls per step,
sorted by the largest difference, so the rows on top are where one side loses time.
"""
import argparse
import json
from collections import defaultdict


def self_times(path):
    """name -> (self microseconds, calls) over the trace's complete ("X") events."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    events = json.loads(text)
    if isinstance(events, dict):
        events = events.get("traceEvents", [])
    threads = defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            threads[(e.get("pid"), e.get("tid"))].append((float(e["ts"]), float(e["dur"]), e["name"]))
    total = defaultdict(float)
    calls = defaultdict(int)
    for evs in threads.values():
        evs.sort(key=lambda x: (x[0], -x[1]))
        stack = []  # [end, name, child time]
        def close(item):
            end, name, child, dur = item
            total[name] += dur - child
            if stack:
                stack[-1][2] += dur
        for ts, dur, name in evs:
            while stack and stack[-1][0] <= ts:
                close(stack.pop())
            stack.append([ts + dur, name, 0.0, dur])
            calls[name] += 1
        while stack:
            close(stack.pop())
    return total, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ours")
    ap.add_argument("peer", nargs="?")
    ap.add_argument("--steps", type=int, default=1, help="steps in the profiles (per-step figures)")
    ap.add_argument("--top", type=int, default=30)
    a = ap.parse_args()
    o, oc = self_times(a.ours)
    p, pc = self_times(a.peer) if a.peer else ({}, {})
    names = set(o) | set(p)
    n = a.steps
    rows = sorted(names, key=lambda k: -abs(o.get(k, 0) - p.get(k, 0)))
    print(f"total self time per step: ours {sum(o.values()) / n / 1e3:.1f} ms"
          + (f", peer {sum(p.values()) / n / 1e3:.1f} ms" if a.peer else ""))
    print(f"{'operator':45s} {'ours ms':>9s} {'calls':>7s}" + (f" {'peer ms':>9s} {'calls':>7s} {'diff ms':>8s}" if a.peer else ""))
    for k in rows[:a.top]:
        line = f"{k[:45]:45s} {o.get(k, 0) / n / 1e3:9.2f} {oc.get(k, 0) / n:7.0f}"
        if a.peer:
            line += f" {p.get(k, 0) / n / 1e3:9.2f} {pc.get(k, 0) / n:7.0f} {(o.get(k, 0) - p.get(k, 0)) / n / 1e3:8.2f}"
        print(line)


if __name__ == "__main__":
    main()
