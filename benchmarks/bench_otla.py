"""Time OTLA's `sinkhorn_assign` against the float64 numpy loop of Eq. 4 (`sinkhorn_reference`, the reference style).

Problems: SYSU-MM01 (11,909 infrared images x 395 classes) and RegDB (2,060 x 206), predictions = softmax of Gaussian
logits at four scales (near-uniform as in the first epochs, mid, peaky, very peaky as late in training). Both run the
reference's stopping rule (tol = 0.1 on the relative change of the image scaling, checked every 10 sweeps); the
reference loop has no cap (as the reference code), ours keeps its default cap of 1,000 sweeps and runs plain
(`anderson=0`, the reference's iterates, so the same sweeps) and Anderson-accelerated (the default). The table gives
median wall times, the speed-up (reference / ours), the sweeps, whether ours met the test and the share of equal
labels, all measured in this one run. On `--device cuda` ours also runs in float64 (the reference stays numpy on
the CPU). The default device is CUDA when one is visible (target there: at most 5 ms at 11,909 x 395 in float32, with
the labels of the float64 solve). On the CPU `--flush-denormal` adds a float32 row timed with
`torch.set_flush_denormal(True)` (denormals flushed to zero; restored afterwards). No assertions on time.

    python benchmarks/bench_otla.py [--quick] [--device auto|cpu|cuda] [--repeats 5] [--threads N] [--seed 0]
                                    [--flush-denormal]

On a shared machine use `--threads 1`: with torch's OpenMP threads and OpenBLAS's threads competing with other
processes for few cores, both implementations slow down erratically (10-50x seen on a loaded 2-core machine).
"""
import argparse, os
import numpy as np
import torch
from otla_nb.otla import sinkhorn_assign, sinkhorn_reference
from benchkit import timed, device_name   # the script's folder is on sys.path

SIZES = {'SYSU-MM01': (11_909, 395), 'RegDB': (2_060, 206)}
SCALES = {'near-uniform': 0.1, 'mid': 1.0, 'peaky': 3.0, 'very peaky': 8.0}


def probs_for(n_r, n_p, scale, seed, device):
    "float32 softmax of Gaussian logits times `scale` on `device`."
    z = torch.randn(n_r, n_p, generator=torch.Generator().manual_seed(seed)) * scale
    return torch.softmax(z, 1).to(device)


def run(args):
    device = torch.device(args.device)
    repeats = 1 if args.quick else args.repeats
    dtypes = [torch.float32, torch.float64] if device.type == 'cuda' else [torch.float32]
    if args.flush_denormal and device.type == 'cpu': dtypes.append('float32+FTZ')
    rows = []
    for name, (n_r, n_p) in SIZES.items():
        for regime, scale in SCALES.items():
            P = probs_for(n_r, n_p, scale, args.seed, device)
            P64 = P.double().cpu().numpy()
            t_ref, (lab_ref, info_ref) = timed(lambda: sinkhorn_reference(P64, args.delta, max_iter=10**6), 'cpu',
                                               repeats)
            zeros = ((P.float() ** args.delta) == 0).float().mean().item()
            for dt, m in [(dt, m) for dt in dtypes for m in (0, 5)]:
                ftz = dt == 'float32+FTZ'
                if ftz: torch.set_flush_denormal(True)
                try:
                    t, (lab, info) = timed(lambda: sinkhorn_assign(P, args.delta, return_info=True, anderson=m,
                                                                   dtype=torch.float32 if ftz else dt), device, repeats)
                finally:
                    if ftz: torch.set_flush_denormal(False)
                agree = (lab.cpu().numpy() == lab_ref).mean()
                rows.append((name, f"{n_r:,} x {n_p}", regime, f"{zeros:.1%}", str(dt).replace('torch.', ''), m,
                             info_ref['iterations'], info['iterations'], info['converged'], t_ref, t, t_ref / t, agree,
                             (lab_ref == -1).mean()))
                print(f"  {name:9s} {regime:12s} {rows[-1][4]:7s} anderson {m} ref {t_ref*1e3:8.1f} ms  "
                      f"ours {t*1e3:8.1f} ms"
                      f"  x{t_ref/t:5.2f}  sweeps {info_ref['iterations']}/{info['iterations']}  agree {agree:.4%}",
                      flush=True)
    return rows


def table(rows):
    head = ("| set | N_r x N_p | predictions | zeros in fp32 P^δ | ours dtype | anderson | sweeps ref | sweeps ours "
            "| converged | ref median (ms) | ours median (ms) | speed-up | equal labels | ref NaN rows |")
    out = [head, '|' + '---|' * (head.count('|') - 1)]
    for r in rows:
        out.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} | {r[7]} | {r[8]} | {r[9]*1e3:.1f} "
                   f"| {r[10]*1e3:.1f} | {r[11]:.2f}x | {r[12]:.2%} | {r[13]:.1%} |")
    return '\n'.join(out)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='auto',
                    help="'auto' (cuda if visible), 'cpu' or 'cuda' "
                         "(ours runs there; the reference is numpy on the CPU)")
    ap.add_argument('--flush-denormal', action='store_true',
                    help='CPU: add a float32 row with denormals flushed to zero')
    ap.add_argument('--quick', action='store_true', help='one timed repeat per case (CI)')
    ap.add_argument('--repeats', type=int, default=5, help='timed repeats per case (median reported)')
    ap.add_argument('--delta', type=float, default=25., help='δ of Eq. 3')
    ap.add_argument('--threads', type=int, default=0, help='limit torch and BLAS threads (0: library defaults)')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    if args.device == 'auto': args.device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if args.threads:
        torch.set_num_threads(args.threads)
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(args.threads)
        except ImportError: print('threadpoolctl not installed: numpy BLAS threads not limited')
    if args.device.startswith('cuda') and not torch.cuda.is_available(): ap.error('--device cuda but no GPU is visible')
    dev = device_name(args.device)
    print(f"torch {torch.__version__}, numpy {np.__version__}, device {args.device} ({dev}), "
          f"{torch.get_num_threads()} torch threads, {os.cpu_count()} CPUs, δ = {args.delta}, "
          f"repeats = {1 if args.quick else args.repeats}")
    rows = run(args)
    print()
    print(table(rows))
