"""Grid throughput on a CPU: runs one by one with all cores' threads against runs in parallel processes, one thread \
each.

The ablation grid's six rows are independent runs (`otla_nb.experiments.fit_all`). This times `--runs` short runs of
the synthetic preset (the `demo` world, `--epochs` epochs each) three ways in one invocation: one by one with
`cpu_count` torch threads, one by one with one thread, and `cpu_count` processes at once with one thread each. It
reports wall times and the ratios, and checks that the parallel runs gave the numbers of the one-thread runs one by one
(the thread count, not the parallelism, decides the bits). No assertions on time.

    python benchmarks/bench_grid.py [--quick] [--runs 2] [--epochs 2]

`--quick` uses the tiny world and two batches an epoch: it checks that the script runs, its times mean nothing.
"""
import os, shutil, tempfile, time
from pathlib import Path
import torch
from otla_nb.experiments import fit_all
from otla_nb.train import make_config
from otla_nb.synthetic_set import quick_overrides
from benchkit import cpu_model, arguments   # the script's folder is on sys.path


def grid(root:Path, args, tag:str)->list:
    "The `--runs` configurations (seeds 0, 1, ...), writing under `root/tag`."
    kw = quick_overrides(root) if args.quick else {}
    kw = dict(kw, setting='semi', epochs=args.epochs, progress=False, device='cpu', cache_dir=str(root/'cache'),
              out_dir=str(root/tag))
    return [(make_config('synthetic', seed=s, **kw), f'grid-s{s}') for s in range(args.runs)]


def timed_grid(root, args, tag, jobs, threads):
    t = time.perf_counter()
    runs = fit_all(grid(root, args, tag), jobs=jobs, threads=threads)
    return time.perf_counter() - t, runs


def main():
    ap = arguments(__doc__, 'tiny world, 2 batches an epoch (CI)')
    ap.add_argument('--runs', type=int, default=2, help='runs in the grid')
    ap.add_argument('--epochs', type=int, default=2, help='epochs a run')
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix='bench-grid-'))
    try:
        fit_all(grid(root, args, 'warm')[:1], jobs=1, threads=1)   # renders the world and fills the image caches
        t_all, _ = timed_grid(root, args, 'seq-all', 1, cores)
        t_one, one = timed_grid(root, args, 'seq-one', 1, 1)
        t_par, par = timed_grid(root, args, 'par-one', cores, 1)
        same = all([{k: v for k, v in h.items() if not k.endswith('time') and k != 'img_per_s'} for h in a.history] ==
                   [{k: v for k, v in h.items() if not k.endswith('time') and k != 'img_per_s'} for h in b.history]
                   for a, b in zip(one, par))
        print(f"torch {torch.__version__}, {cpu_model()}, {cores} CPUs, load average {os.getloadavg()[0]:.1f}; "
              f"{args.runs} runs x {args.epochs} epochs "
              f"({'tiny world' if args.quick else 'demo world, synthetic preset'})\n")
        print("| how | wall (s) | runs per minute | speed-up over one by one, all threads |\n|---|---:|---:|---:|")
        for name, t in ((f'one by one, {cores} threads', t_all), ('one by one, 1 thread', t_one),
                        (f'{cores} processes x 1 thread', t_par)):
            print(f"| {name} | {t:.1f} | {60 * args.runs / t:.2f} | {t_all / t:.2f}x |")
        print(f"\nparallel runs identical to the one-thread runs one by one: {same}")
    finally: shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
