"""What the CPU's default fast paths do to the results: Table 2 (semi) trained before and with the default now.

Before: float32, contiguous tensors, Adam's per-parameter loop (`amp`, `channels_last`, `fused_adam` = 'cuda', the
CPU's configuration until 2026-12-07). Now: `'auto'` (fused Adam on every CPU; bf16 autocast with channels_last where
the CPU computes bf16 natively). Each row of Table 2 is trained for each seed both ways on this machine, in `--jobs`
processes of one torch thread each, and the script prints Rank-1 / mAP / infrared label accuracy per run, the mean
and spread over seeds of each variant, and the training time. On a CPU without native bf16 the two variants differ by
fused Adam only.

    python benchmarks/bench_fast_paths.py [--quick] [--seeds 0 1 2] [--jobs 2] [--out DIR]

`--quick` runs the tiny world with 2 batches an epoch: it checks that the script runs, its numbers mean nothing.
"""
import argparse, shutil, tempfile, time
from pathlib import Path
import pandas as pd
import torch
from otla_nb.experiments import experiment_config, run_ablation
from otla_nb.device import native_bf16
from otla_nb.synthetic_set import quick_overrides
from benchkit import AUTO, BEFORE, cpu_model   # the script's folder is on sys.path

VARIANTS = {'before': BEFORE, 'now': AUTO}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='tiny world, 2 batches an epoch (CI)')
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--jobs', type=int, default=2, help='runs at once (one torch thread each)')
    ap.add_argument('--out', default=None, help='keep the runs here (default: a temporary folder, removed)')
    args = ap.parse_args()
    if args.jobs < 1: ap.error(f'--jobs {args.jobs}: expected a positive integer')
    root = Path(args.out or tempfile.mkdtemp(prefix='bench-fast-paths-'))
    try:
        small = dict(quick_overrides(root), warmup_epochs=1, milestones=(1,)) if args.quick else {}
        seeds = [0] if args.quick else args.seeds
        res = []
        for name, kw in VARIANTS.items():
            base = experiment_config('synthetic', device='cpu', out_dir=str(root/name),
                                     **{'progress': False, **small, **kw})
            t = time.perf_counter()
            r = run_ablation(base, settings=['semi'], seeds=seeds, jobs=args.jobs, threads=1)
            res.append(r.assign(variant=name, wall=time.perf_counter() - t))
        res = pd.concat(res)
        print(f"\n{cpu_model()}, native bf16: {native_bf16()}, torch {torch.__version__}, {time.strftime('%Y-%m-%d')}; "
              f"seeds {seeds}, {args.jobs} processes x 1 thread\n")
        print("| row | seed | Rank-1 before | Rank-1 now | mAP before | mAP now | IR labels before | IR labels now |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        by = {v: res[res.variant == v].set_index(['order', 'seed']) for v in VARIANTS}
        for key in by['before'].index:
            b, n = by['before'].loc[key], by['now'].loc[key]
            print(f"| {key[0]} | {key[1]} | {b['Rank-1']:.1f} | {n['Rank-1']:.1f} | {b['mAP']:.1f} | {n['mAP']:.1f} "
                  f"| {b['ir_label_acc']:.1f} | {n['ir_label_acc']:.1f} |")
        print("\n| row | Rank-1 before (mean ± std) | Rank-1 now | mAP before | mAP now | train before (s) "
              "| train now (s) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        g = {v: d.groupby('order') for v, d in by.items()}
        pm = lambda s: f"{s.mean():.1f} ± {s.std():.1f}" if len(s) > 1 else f"{s.mean():.1f}"
        for order in sorted(res.order.unique()):
            b, n = g['before'].get_group(order), g['now'].get_group(order)
            print(f"| {order} | {pm(b['Rank-1'])} | {pm(n['Rank-1'])} | {pm(b['mAP'])} | {pm(n['mAP'])} "
                  f"| {b['train_s'].mean():.0f} | {n['train_s'].mean():.0f} |")
        print('\ntraining time, all runs: ' + ', '.join(f"{v} {res[res.variant == v].train_s.sum():.0f} s"
                                                       for v in VARIANTS))
    finally:
        if not args.out: shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
