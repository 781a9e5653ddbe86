"""Time the vectorised `eval_sysu`/`eval_regdb` against their per-query loop references.

Sizes: SYSU-MM01 all-search (3,803 infrared queries x 301 visible gallery images, 10 random galleries, as the
10 evaluation trials) and RegDB (2,060 x 2,060). Prints a markdown table of times and speed-ups measured in this
one run, and checks that both implementations agree. `--quick` runs a CI-sized version.

    python benchmarks/bench_metrics.py [--quick] [--seed 0]
"""
import argparse, time
from functools import partial
import numpy as np
from otla_nb.metrics import eval_sysu, eval_regdb

def sysu_problem(rng, n_query=3803, n_gallery=301, n_ids=96):
    """Random SYSU-like trial: infrared queries (cameras 3, 6), single-shot visible gallery (one image per id and
    camera)."""
    q_pids, q_cams = rng.integers(0, n_ids, n_query), rng.choice([3, 6], n_query)
    slots = rng.choice(n_ids * 4, size=min(n_gallery, n_ids * 4), replace=False)   # (id, camera) pairs
    g_pids, g_cams = slots // 4, np.array([1, 2, 4, 5])[slots % 4]
    feats = rng.normal(size=(n_ids, 64))                                            # weakly informative distances
    dist = (np.linalg.norm(feats[q_pids][:, None] - feats[g_pids][None], axis=-1)
            + 8 * rng.random((n_query, len(g_pids))))
    return dist, q_pids, g_pids, q_cams, g_cams

def regdb_problem(rng, n_ids=206, per_id=10):
    "Random RegDB-like split: every identity has `per_id` thermal queries and `per_id` visible gallery images."
    pids = np.repeat(np.arange(n_ids), per_id)
    return rng.random((len(pids), len(pids))), pids, pids.copy()

def one_call(f, *args):
    "Result and wall time (s) of one call."
    t = time.perf_counter()
    out = f(*args)
    return out, time.perf_counter() - t

def max_diff(a, b):
    "Largest absolute difference between two (cmc, mAP, mINP) triples."
    return max(np.abs(a[0] - b[0]).max(), abs(a[1] - b[1]), abs(a[2] - b[2]))

def main(quick=False, seed=0):
    rng = np.random.default_rng(seed)
    trials, nq, (r_ids, r_per) = (2, 500, (40, 10)) if quick else (10, 3803, (206, 10))
    rows = []
    t_loop = t_vec = diff = 0.
    for _ in range(trials):
        p = sysu_problem(rng, n_query=nq)
        a, tl = one_call(partial(eval_sysu, loop=True), *p)
        b, tv = one_call(eval_sysu, *p)
        t_loop, t_vec, diff = t_loop + tl, t_vec + tv, max(diff, max_diff(a, b))
    rows.append((f"SYSU all-search {nq}x{len(p[2])} (mean of {trials} trials)", t_loop / trials, t_vec / trials, diff))
    p = regdb_problem(rng, r_ids, r_per)
    a, tl = one_call(partial(eval_regdb, loop=True), *p)
    b, tv = one_call(eval_regdb, *p)
    rows.append((f"RegDB {len(p[1])}x{len(p[2])}", tl, tv, max_diff(a, b)))
    print("| case | loop (ms) | vectorised (ms) | speed-up | max abs diff |")
    print("|---|---:|---:|---:|---:|")
    for name, tl, tv, d in rows: print(f"| {name} | {1e3 * tl:.1f} | {1e3 * tv:.1f} | {tl / tv:.1f}x | {d:.1e} |")
    if max(r[3] for r in rows) > 1e-6: print("WARNING: vectorised and loop results differ by more than 1e-6")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='CI-sized run')
    ap.add_argument('--seed', type=int, default=0, help='random seed')
    main(**vars(ap.parse_args()))
