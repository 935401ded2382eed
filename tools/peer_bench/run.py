#!/usr/bin/env python3
"""Runs `asr3m bench …` and peer.py (PyTorch) in alternating rounds and prints one table.

For every case and thread count both sides measure the same thing on the same shapes (see
peer.py); each round runs ours then the peer, or the peer then ours (alternating, so drift of the
machine hits both alike); the table shows each side's median over the rounds, the ratio
ours ÷ PyTorch (< 1: we are faster; for GFLOP/s the ratio is not taken) and each side's float32
matmul GFLOP/s measured in the same rounds. Numbers mean something only on a quiet machine.
"""
import argparse
import itertools
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
JAR = os.path.join(ROOT, "model-core", "target", "asr3m.jar")
PEER = os.path.join(ROOT, "tools", "peer_bench", "peer.py")
PYTHON = "/usr/bin/python3"
TINY = "recipes/tiny-cmn/conformer.yaml"
MOE = "recipes/tiny-cmn/conformer_moe.yaml"
WENETSPEECH = "recipes/wenetspeech/conformer.yaml"


def cases(quick):
    steps = "3" if quick else "10"
    reps = "5" if quick else "20"
    # the CTC loss takes 1-5 ms: in a fresh JVM its host loops run interpreted, then through C1, for
    # the first few hundred calls (on 2 cores the compiler competes with the benchmark), which a
    # training run's thousands of calls never see; both sides now warm up for 5 s (bench ctc --warmup)
    # before the timed runs, so the median is the steady state
    ctc_reps = "5" if quick else "200"
    ctc_warmup = "0.5" if quick else "5"
    utts = "2" if quick else "8"
    c = [("matmul 512 (GFLOP/s)", "gflops", ["matmul"], ["matmul"], r"([\d.]+) GFLOP/s", r"gflops=([\d.]+)"),
         ("CTC loss fwd+bwd 8x124, V 400 (ms)", "ms", ["ctc", "--repeats", ctc_reps, "--warmup", ctc_warmup],
          ["ctc", "--repeats", ctc_reps, "--warmup", ctc_warmup],
          r"median ([\d.]+) ms", r"RESULT ms=([\d.]+)")]
    train = r"median ([\d.]+) s\)"
    c.append(("train step tiny 8x500 (s)", "s", ["train", TINY, "--vocab", "400", "--steps", steps],
              ["train", TINY, "--vocab", "400", "--steps", steps], train, r"step=([\d.]+)"))
    c.append(("train step WenetSpeech d512 2x500 (s)", "s",
              ["train", WENETSPEECH, "--batch", "2", "--steps", steps],
              ["train", WENETSPEECH, "--batch", "2", "--steps", steps], train, r"step=([\d.]+)"))
    for e in ("4", "16", "64"):
        c.append((f"train step Conformer-MoE tiny {e}e 8x500 (s)", "s",
                  ["train", MOE, "--vocab", "400", "--steps", steps, "--experts", e],
                  ["train", MOE, "--vocab", "400", "--steps", steps, "--experts", e], train, r"step=([\d.]+)",
                  ("train step Conformer-MoE tiny 8x500", f"{e}e")))
    for mode in ("ctc_greedy_search", "ctc_prefix_beam_search", "attention_rescoring"):
        c.append((f"decode RTF tiny {mode}", "rtf",
                  ["decode", "--recipe", TINY, "--vocab", "400", "--mode", mode, "--utterances", utts],
                  ["decode", TINY, "--vocab", "400", "--mode", mode, "--utterances", utts],
                  r"RTF ([\d.]+)", r"rtf=([\d.]+)"))
    # the 7th field, (group, member), groups cases that run round by round together (see main)
    return [case if len(case) == 7 else (*case, None) for case in c]


def run(cmd, env, pattern, what):
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    m = re.findall(pattern, p.stdout)
    if p.returncode != 0 or not m:
        sys.exit(f"{what} failed (exit {p.returncode}): {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return float(m[-1]), time.perf_counter() - start


def ours(args, threads):
    extra = []
    if args[0] in ("ctc", "matmul", "decode"):
        extra = ["--threads", str(threads)]
    return ["java", "-Dai.djl.offline=true", f"-Dai.djl.pytorch.num_threads={threads}",
            "-Dai.djl.pytorch.num_interop_threads=1", "-jar", JAR, "bench", *args, *extra]


def peer(args, threads):
    return [PYTHON, PEER, "--threads", str(threads), *args]


def fbank(threads, rounds, envs):
    """fbank (Java) against torchaudio's Kaldi fbank, if torchaudio is installed: RTF per thread count."""
    try:
        subprocess.run([PYTHON, "-c", "import torchaudio"], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        return None
    ours_t, peer_t = {t: [] for t in threads}, {t: [] for t in threads}
    pat = r"threads=(\d+)\s+time=([\d.]+)"
    for r in range(rounds):
        order = [("ours", ["java", "-Dai.djl.offline=true", "-jar", JAR, "bench", "fbank", "--threads",
                           str(max(threads))]),
                 ("peer", [PYTHON, os.path.join(ROOT, "tools", "bench_torchaudio_fbank.py")])]
        for side, cmd in (order if r % 2 == 0 else order[::-1]):
            p = subprocess.run(cmd, cwd=ROOT, env=envs[side], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"fbank {side} failed: {p.stderr[-2000:]}")
            for t, secs in re.findall(pat, p.stdout):
                if int(t) in threads:
                    (ours_t if side == "ours" else peer_t)[int(t)].append(float(secs))
    return ours_t, peer_t


# OpenBLAS cores too old for the CPU: OpenBLAS 0.3.21 (Debian 12) takes an unknown CPU model, as a VM
# reports Sapphire Rapids ("Intel(R) Xeon(R) Processor"), for a Prescott and runs SSE3 kernels: a
# quarter of the matmul speed. A PyTorch user on such a machine would set OPENBLAS_CORETYPE.
OLD_CORES = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
             "Northwood", "Banias", "Unknown"}


def openblas_core(env):
    """The kernel set OpenBLAS picks for torch under env (from OPENBLAS_VERBOSE=2), or None."""
    probe = dict(env, OPENBLAS_VERBOSE="2")
    p = subprocess.run([PYTHON, "-c", "import torch; torch.ones(64, 64) @ torch.ones(64, 64)"],
                       env=probe, capture_output=True, text=True)
    m = re.search(r"Core: (\w+)", p.stdout + p.stderr)
    return m.group(1) if m else None


def fit_openblas(env):
    """Sets OPENBLAS_CORETYPE when OpenBLAS misdetects this CPU as an older core; says so on stderr."""
    if "OPENBLAS_CORETYPE" in env:
        return
    core = openblas_core(env)
    if core not in OLD_CORES:
        return
    flags = open("/proc/cpuinfo").read()
    fit = "SkylakeX" if " avx512f" in flags else "Haswell" if " avx2" in flags else None
    if fit:
        env["OPENBLAS_CORETYPE"] = fit
        print(f"OpenBLAS took this CPU for a {core}; the peer runs with OPENBLAS_CORETYPE={fit} "
              f"(the kernels the CPU supports), as a PyTorch user here would", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--quick", action="store_true", help="fewer steps/repeats: checks the tools, not for numbers")
    ap.add_argument("--only", default="", help="run only cases whose name contains one of these comma-separated texts")
    ap.add_argument("--busy", action="store_true", help="mark the table as taken on a busy machine")
    ap.add_argument("--same-heap", action="store_true",
                    help="give the peer the glibc heap settings asr3m sets for itself (nn/NativeHeap): like for like")
    ap.add_argument("--ours-passive", action="store_true",
                    help="run our side under the peer's OMP_WAIT_POLICY=PASSIVE too (default: the caller's environment)")
    a = ap.parse_args()
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: build it with ./mvnw -B -q -pl model-core -am -DskipTests package")
    threads = [int(t) for t in a.threads.split(",")]
    # Each side runs as its users run it at its best. Ours: the caller's environment (asr3m sets no
    # OpenMP variables; its libtorch bundles its own libgomp and BLAS). The peer: Debian's torch runs
    # its matmuls on OpenBLAS's own pthreads, not on torch's OpenMP pool, so OpenBLAS gets the case's
    # thread count (OPENBLAS_NUM_THREADS=1 at 2 threads made the peer's tiny train step 1.6x slower)
    # and torch's OpenMP workers sleep between regions (PASSIVE) instead of spinning against
    # OpenBLAS's threads for the two cores (without it the peer's step is 1.8x slower at 2 threads).
    ours_env = dict(os.environ)
    peer_env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    fit_openblas(peer_env)
    if a.same_heap:
        # asr3m calls mallopt with these at start (NativeHeap); Python's glibc reads them from the environment
        peer_env.update(MALLOC_MMAP_THRESHOLD_=str(256 << 20), MALLOC_TRIM_THRESHOLD_=str(512 << 20))
    if a.ours_passive:
        ours_env["OMP_WAIT_POLICY"] = "PASSIVE"
    rows = []
    flatness = []
    selected = [c for c in cases(a.quick) if not a.only or any(o in c[0] for o in a.only.split(","))]
    # A group (the MoE expert counts) runs round by round together: each round times every count, so
    # a drift of the machine over minutes hits all counts alike, and the flatness (largest ÷ smallest
    # count) is taken per round, from runs seconds apart, then the median over rounds.
    for _, group in itertools.groupby(selected, key=lambda c: c[6][0] if c[6] else c[0]):
        group = list(group)
        for t in threads:
            acc = {c[0]: ([], []) for c in group}
            for r in range(a.rounds):
                for name, unit, our_args, peer_args, our_pat, peer_pat, _ in (group if r % 2 == 0 else group[::-1]):
                    o, p = acc[name]
                    sides = [("ours", ours(our_args, t), our_pat, o), ("peer", peer(peer_args, t), peer_pat, p)]
                    for side, cmd, pat, values in (sides if r % 2 == 0 else sides[::-1]):
                        env = ours_env if side == "ours" else dict(peer_env, OPENBLAS_NUM_THREADS=str(t))
                        value, _ = run(cmd, env, pat, f"{name} ({side}, {t} threads)")
                        values.append(value)
            for c in group:
                o, p = acc[c[0]]
                rows.append((c[0], t, c[1], statistics.median(o), statistics.median(p)))
                print(f"  {c[0]} threads={t}: ours {rows[-1][3]:.4g} peer {rows[-1][4]:.4g}", file=sys.stderr,
                      flush=True)
            if len(group) > 1:
                first, last = acc[group[0][0]], acc[group[-1][0]]
                per_round = [statistics.median(b / a_ for a_, b in zip(first[s], last[s])) for s in (0, 1)]
                (label, smallest), (_, largest) = group[0][6], group[-1][6]
                flatness.append((f"{label}, {largest} ÷ {smallest}", t, *per_round))
    if not a.only or "fbank" in a.only:
        fb = fbank(threads, a.rounds, {"ours": ours_env,
                                       "peer": dict(peer_env, OPENBLAS_NUM_THREADS=str(max(threads)))})
        if fb:
            for t in threads:
                if fb[0][t] and fb[1][t]:
                    rows.append(("fbank tiny-cmn train set, wall (s)", t, "s", statistics.median(fb[0][t]),
                                 statistics.median(fb[1][t])))
        else:
            print("fbank: torchaudio is not installed (apt-get install python3-torchaudio); row left out",
                  file=sys.stderr)
    gfl = {t: (r[3], r[4]) for r in rows if r[2] == "gflops" for t in [r[1]]}
    uname = os.uname()
    print(f"\nmachine: {uname.nodename} {uname.machine}, {os.cpu_count()} cores; {a.rounds} alternating round(s)"
          f"{' (--quick)' if a.quick else ''}{'; BUSY MACHINE: indicative only' if a.busy else ''}"
          f"; ours: OMP_WAIT_POLICY={ours_env.get('OMP_WAIT_POLICY', 'default')}; PyTorch: OMP_WAIT_POLICY=PASSIVE,"
          f" OPENBLAS_NUM_THREADS = threads, OpenBLAS core {peer_env.get('OPENBLAS_CORETYPE', 'as detected')}"
          f"{', the heap settings of ours (--same-heap)' if a.same_heap else ''}")
    print("| case | threads | ours | PyTorch | ours ÷ PyTorch | GFLOP/s ours | GFLOP/s PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for name, t, unit, o, p in rows:
        g = gfl.get(t, (float("nan"), float("nan")))
        ratio = "—" if unit == "gflops" else f"{o / p:.2f}"
        print(f"| {name} | {t} | {o:.4g} | {p:.4g} | {ratio} | {g[0]:.1f} | {g[1]:.1f} |")
    if flatness:
        print("\nflatness, each side against itself (the ratio taken in each round, median over the rounds):")
        print("| ratio | threads | ours | PyTorch |")
        print("|---|---|---|---|")
        for label, t, o, p in flatness:
            print(f"| {label} | {t} | {o:.3f} | {p:.3f} |")


if __name__ == "__main__":
    main()
