"""Time stage 1's clustering step (`otla_nb.stage1`): k-NN + k-reciprocal Jaccard distance + DBSCAN (at eps and eps \
± gap,
as SpCL runs it every epoch) on CPU, against a naive baseline in the style of SpCL's CPU code (one Python loop per image
over dense N x N arrays), measured in the same run.

Features: SYSU-MM01-sized visible training set (22,258 images of 2,048-d unit vectors, 395 identities: a random centre
per identity plus Gaussian noise), SpCL's parameters (k1 = 30, k2 = 6, eps = 0.6, min_samples = 4). The naive baseline
needs three dense N x N arrays and minutes at N = 22k, so it runs on the first `--naive-n` images; ours runs on that
same subset (for the ratio, and to check the two agree: ours stores only the pairs within eps + gap, which is all DBSCAN
reads) and on the whole set. No assertions on time.

    python benchmarks/bench_cluster.py [--quick] [--n 22258] [--naive-n 4000] [--dim 2048] [--threads N] [--seed 0]
"""
import argparse, time
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import adjusted_rand_score
from otla_nb.cluster import knn, jaccard_graph, dbscan
from benchkit import cpu_model   # the script's folder is on sys.path


def features(n, dim, n_ids, seed, noise=1.2):
    "Unit-norm features: identity centres plus noise (noise ~ distance between centres, so neighbours mix)."
    g = torch.Generator().manual_seed(seed)
    truth = torch.randint(0, n_ids, (n,), generator=g)
    c = F.normalize(torch.randn(n_ids, dim, generator=g), dim=1)
    f = F.normalize(c[truth] + noise * torch.randn(n, dim, generator=g) / dim ** 0.5, dim=1)
    return f, truth.numpy()


def naive_jaccard(f, k1, k2):
    "k-reciprocal Jaccard distance written the plain way: dense arrays, a Python loop per image (SpCL's CPU style)."
    f = f.numpy().astype(np.float32)
    n = len(f)
    d2 = 2 - 2 * f @ f.T
    rank = np.argsort(d2, axis=1)[:, :k1 + 2]
    rank = np.array([[i] + [j for j in r if j != i][:k1 + 1] for i, r in enumerate(rank)])
    def recip(i, k):
        fw = rank[i, :k + 1]
        return fw[[i in rank[j, :k + 1] for j in fw]]
    V = np.zeros((n, n), np.float32)
    half = int(np.around(k1 / 2))
    for i in range(n):
        r = recip(i, k1)
        exp = r
        for c in r:
            rc = recip(c, half)
            if len(np.intersect1d(rc, r)) > 2 / 3 * len(rc): exp = np.append(exp, rc)
        exp = np.unique(exp)
        w = np.exp(-d2[i, exp])
        V[i, exp] = w / w.sum()
    if k2 > 1: V = np.stack([V[rank[i, :k2]].mean(0) for i in range(n)])
    inv = [np.flatnonzero(V[:, k]) for k in range(n)]
    out = np.zeros((n, n), np.float32)
    for i in range(n):
        t = np.zeros(n, np.float32)
        for k in np.flatnonzero(V[i]): t[inv[k]] += np.minimum(V[i, k], V[inv[k], k])
        out[i] = 1 - t / (2 - t)
    return np.clip(out, 0, 1)   # rounding can give tiny negatives, clipped as SpCL does


class clock:
    "Wall and CPU (this process) seconds of a block: on a shared machine CPU time is the steadier figure."
    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()
        return self
    def __exit__(self, *a): self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def fmt(t): return ', '.join(f"{k} {w:.2f} s (cpu {c:.2f} s)" for k, (w, c) in t.items())


def ours(f, k1, k2, eps, gap):
    "Our clustering step; (wall, cpu) times of its parts and the labels at eps."
    t = {}
    with clock() as c: rank = knn(f, k1 + 1)
    t['knn'] = (c.wall, c.cpu)
    with clock() as c: g = jaccard_graph(f, k1, k2, rank=rank, max_dist=eps + gap)
    t['jaccard'] = (c.wall, c.cpu)
    with clock() as c:
        lab = dbscan(g, eps)
        dbscan(g, eps - gap)
        dbscan(g, eps + gap)
    t['dbscan x3'] = (c.wall, c.cpu)
    t['total'] = tuple(sum(v[i] for v in t.values()) for i in (0, 1))
    return t, lab, g


def run(args):
    if args.threads: torch.set_num_threads(args.threads)
    n, nn_, dim = (3000, 800, 256) if args.quick else (args.n, args.naive_n, args.dim)
    f, truth = features(n, dim, max(2, round(395 * n / 22258)), args.seed)
    print(f"{cpu_model()}, torch threads {torch.get_num_threads()}; "
          f"k1={args.k1} k2={args.k2} eps={args.eps}±{args.gap}")
    sub = f[:nn_]
    t_ours_sub, lab_sub, g = ours(sub, args.k1, args.k2, args.eps, args.gap)
    with clock() as cj: dense = naive_jaccard(sub, args.k1, args.k2)
    with clock() as cd:
        lab_naive = dbscan(dense, args.eps)
        dbscan(dense, args.eps - args.gap)
        dbscan(dense, args.eps + args.gap)
    c = g.tocoo()
    close = set(zip(*np.nonzero(dense <= args.eps + args.gap)))
    same_pairs = close == set(zip(c.row.tolist(), c.col.tolist()))
    naive_w, naive_c = cj.wall + cd.wall, cj.cpu + cd.cpu
    print(f"\nsubset N={nn_:,} x {dim}: naive (dense loops) Jaccard incl. k-NN {cj.wall:.2f} s (cpu {cj.cpu:.2f} s) "
          f"+ DBSCAN x3 {cd.wall:.2f} s (cpu {cd.cpu:.2f} s); ours: {fmt(t_ours_sub)}")
    print(f"  speed-up (naive / ours): wall {naive_w / t_ours_sub['total'][0]:.1f}x, "
          f"cpu {naive_c / t_ours_sub['total'][1]:.1f}x; "
          f"max |d_ours - d_naive| {np.abs(c.data - dense[c.row, c.col]).max():.2e} over the stored pairs; "
          f"stored = naive's pairs within eps+gap: {same_pairs}; "
          f"same DBSCAN labels: {bool((lab_sub == lab_naive).all())}")
    t_full, lab, g = ours(f, args.k1, args.k2, args.eps, args.gap)
    print(f"\nfull N={n:,} x {dim}: {fmt(t_full)}; graph {g.nnz / n:.0f} stored pairs (d <= eps+gap) per image")
    print(f"  {len(np.unique(lab[lab >= 0]))} clusters, {np.mean(lab < 0):.1%} outliers, "
          f"ARI vs truth {adjusted_rand_score(truth, lab):.3f}")


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--quick', action='store_true', help='CI size: 3,000 x 256 features, naive on 800')
    p.add_argument('--n', type=int, default=22_258)
    p.add_argument('--naive-n', type=int, default=4000)
    p.add_argument('--dim', type=int, default=2048)
    p.add_argument('--k1', type=int, default=30)
    p.add_argument('--k2', type=int, default=6)
    p.add_argument('--eps', type=float, default=0.6)
    p.add_argument('--gap', type=float, default=0.02)
    p.add_argument('--threads', type=int, default=0, help='torch threads (0: default)')
    p.add_argument('--seed', type=int, default=0)
    run(p.parse_args())
