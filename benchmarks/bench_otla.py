"""Time OTLA's `sinkhorn_assign` against the float64 numpy loop of Eq. 4 (`sinkhorn_reference`, the reference style).

Problems: SYSU-MM01 (11,909 infrared images x 395 classes) and RegDB (2,060 x 206), predictions = softmax of
Gaussian logits at five scales (near-uniform as in the first epochs, mid, peaky, very peaky as late in training, and
extreme logits whose float32 softmax holds exact zeros), and a large near-uniform problem (40,000 x 395). Both run
the reference's stopping rule (tol = 0.1 on the relative change of the image scaling, checked every 10 sweeps); the
reference loop has no cap (as the reference code), ours keeps its default cap of 1,000 sweeps and runs
Anderson-accelerated (the default; `--anderson 0 5` adds the plain sweeps, the reference's iterates). The table
gives median wall times, the speed-up (reference / ours), the sweeps, how ours ran sweep 0 (linear or in logs),
whether ours met the test and the share of equal labels, all measured in this one run. A short case is repeated
until its runs fill 0.5 s (at most 200); a case whose warm-up run takes over 1 s is timed by one run, over 10 s by
the warm-up itself. On `--device cuda` ours also runs in float64 (the reference stays numpy on the CPU). The default
device is CUDA when one is visible (target there: at most 5 ms at 11,909 x 395 in float32, with the labels of the
float64 solve). On the CPU `--flush-denormal` adds a float32 row timed with `torch.set_flush_denormal(True)`
(restored afterwards). No assertions on time.

    python benchmarks/bench_otla.py [--quick] [--device auto|cpu|cuda] [--repeats 5] [--threads N] [--seed 0]
                                    [--anderson 5 ...] [--flush-denormal] [--load N] [--profile]

`--threads N` sets torch's and the BLAS threads of the process (the reference's products use them; ours holds both to
one during a CPU solve). `--load N` starts N competing processes (numpy matrix products in a loop, one thread each)
for the measurement and stops them at the end (each also stops by itself after `--load-seconds`). `--profile` adds,
per case, the time of each phase of one solve (input check, log kernel, kernel exp, sweep 0, sweeps, Anderson steps,
stopping tests, argmax), for the CPU solve and for the torch solve (`blas=False`, the GPU's code) on the CPU.
`--quick` (CI): RegDB size only, one timed repeat.
"""
import argparse, contextlib, os, time
from collections import defaultdict
import numpy as np
import torch
from otla_nb import otla
from otla_nb.otla import sinkhorn_assign, sinkhorn_reference
import benchkit   # the script's folder is on sys.path
from benchkit import competing, device_name

SIZES = {'SYSU-MM01': (11_909, 395), 'RegDB': (2_060, 206)}
SCALES = {'near-uniform': 0.1, 'mid': 1.0, 'peaky': 3.0, 'very peaky': 8.0}
EXTREME = {'extreme': 20.0}             # logits x 20: exact zeros in float32 P, most of P^δ below float64's range
LARGE = {'large': ((40_000, 395), 'near-uniform')}
LONG_S, COLD_S = 1.0, 10.0              # a warm-up longer than LONG_S: one timed run; longer than COLD_S: none
MIN_S = 0.5                             # short cases: repeats enough to fill this (medians steady on a loaded machine)


def probs_for(n_r, n_p, scale, seed, device):
    "float32 softmax of Gaussian logits times `scale` on `device`."
    z = torch.randn(n_r, n_p, generator=torch.Generator().manual_seed(seed)) * scale
    return torch.softmax(z, 1).to(device)


def cases(quick:bool)->list:
    "(set, (N_r, N_p), regime, logit scale) of the run."
    scales = {**SCALES, **EXTREME}
    sizes = {'RegDB': SIZES['RegDB']} if quick else SIZES
    out = [(name, size, regime, s) for name, size in sizes.items() for regime, s in scales.items()]
    if not quick: out += [(name, size, regime, scales[regime]) for name, (size, regime) in LARGE.items()]
    return out


def timed(fn, device, repeats:int, fill:bool=True):
    """`benchkit.timed`: the median over `repeats` calls after a warm-up, and as many more as fill `MIN_S` if `fill`;
    one call after a warm-up over `LONG_S`, the warm-up itself over `COLD_S` (first-touch costs are small beside it)."""
    return benchkit.timed(fn, device, repeats, fill=MIN_S if fill else 0., long_s=LONG_S, cold_s=COLD_S)


# phases of one solve: the module functions each phase calls (looked up by name at call time, so wrapping them works)
PHASES = {'numpy': {'input check': ['_probs_range'], 'log kernel': ['_np_log_kernel'], 'kernel exp': ['_np_kernel'],
                    'sweep 0': ['_linear_sweep0'], 'log sweeps': ['_np_log_sweep'], 'sweeps': ['_np_sweep'],
                    'stopping tests': ['_np_stats'], 'argmax': ['_np_labels']},
          'torch': {'input check': ['_probs_range'], 'log kernel': ['_log_kernel'], 'kernel exp': ['_kernel'],
                    'log sweeps': ['_log_sweep'], 'sweeps': ['_matvec']}}


@contextlib.contextmanager
def phase_clock(solver:str):
    "Seconds spent in each phase of `PHASES[solver]` while inside (plus Anderson steps), as a dict filled on exit."
    acc, saved = defaultdict(float), {}
    def wrap(phase, f):
        def g(*a, **k):
            t = time.perf_counter()
            try: return f(*a, **k)
            finally: acc[phase] += time.perf_counter() - t
        return g
    for phase, names in PHASES[solver].items():
        for n in names:
            saved[n] = getattr(otla, n)
            setattr(otla, n, wrap(phase, saved[n]))
    aa_cls, aa_fn = otla._NpAnderson, otla._anderson_step
    aa_call = aa_cls.__call__
    aa_cls.__call__ = wrap('Anderson', aa_call)
    otla._anderson_step = wrap('Anderson', aa_fn)
    try: yield acc
    finally:
        for n, f in saved.items(): setattr(otla, n, f)
        aa_cls.__call__, otla._anderson_step = aa_call, aa_fn


def profile(P, delta:float, anderson:int)->dict:
    "Per-phase milliseconds of one solve (after a warm-up call), for the CPU (numpy) solve and the torch solve."
    out = {}
    for solver, blas in (('numpy', None), ('torch', False)):
        sinkhorn_assign(P, delta, anderson=anderson, blas=blas)
        with phase_clock(solver) as acc:
            t = time.perf_counter()
            sinkhorn_assign(P, delta, anderson=anderson, blas=blas)
            total = time.perf_counter() - t
        out[solver] = {**{k: v * 1e3 for k, v in acc.items()}, 'rest': (total - sum(acc.values())) * 1e3,
                       'total': total * 1e3}
    return out


def run(args):
    device = torch.device(args.device)
    repeats = 1 if args.quick else args.repeats
    dtypes = [torch.float32, torch.float64] if device.type == 'cuda' else [torch.float32]
    if args.flush_denormal and device.type == 'cpu': dtypes.append('float32+FTZ')
    rows, profiles = [], []
    for name, (n_r, n_p), regime, scale in cases(args.quick):
        P = probs_for(n_r, n_p, scale, args.seed, device)
        P64 = P.double().cpu().numpy()
        t_ref, (lab_ref, info_ref) = timed(lambda: sinkhorn_reference(P64, args.delta, max_iter=10**6), 'cpu',
                                           repeats, not args.quick)
        zeros = ((P.float() ** args.delta) == 0).float().mean().item()
        for dt, m in [(dt, m) for dt in dtypes for m in args.anderson]:
            ftz = dt == 'float32+FTZ'
            if ftz: torch.set_flush_denormal(True)
            try:
                t, (lab, info) = timed(lambda: sinkhorn_assign(P, args.delta, return_info=True, anderson=m,
                                                               dtype=torch.float32 if ftz else dt), device, repeats,
                                       not args.quick)
            finally:
                if ftz: torch.set_flush_denormal(False)
            agree = (lab.cpu().numpy() == lab_ref).mean()
            rows.append((name, f"{n_r:,} x {n_p}", regime, f"{zeros:.1%}", str(dt).replace('torch.', ''), m,
                         info.get('start', '-'), info_ref['iterations'], info['iterations'], info['converged'], t_ref,
                         t, t_ref / t, agree, (lab_ref == -1).mean()))
            print(f"  {name:9s} {regime:12s} {rows[-1][4]:7s} anderson {m} ref {t_ref*1e3:9.1f} ms  "
                  f"ours {t*1e3:8.1f} ms  x{t_ref/t:6.2f}  sweeps {info_ref['iterations']}/{info['iterations']}"
                  f"  agree {agree:.4%}", flush=True)
        if args.profile and device.type == 'cpu':
            profiles.append((name, f"{n_r:,} x {n_p}", regime, profile(P, args.delta, args.anderson[-1])))
    return rows, profiles


def table(rows):
    head = ("| set | N_r x N_p | predictions | zeros in fp32 P^δ | ours dtype | anderson | sweep 0 | sweeps ref "
            "| sweeps ours | converged | ref median (ms) | ours median (ms) | speed-up | equal labels | ref NaN rows |")
    out = [head, '|' + '---|' * (head.count('|') - 1)]
    for r in rows:
        out.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} | {r[7]} | {r[8]} | {r[9]} "
                   f"| {r[10]*1e3:.1f} | {r[11]*1e3:.1f} | {r[12]:.2f}x | {r[13]:.2%} | {r[14]:.1%} |")
    return '\n'.join(out)


def profile_table(profiles):
    phases = ['input check', 'log kernel', 'kernel exp', 'sweep 0', 'log sweeps', 'sweeps', 'Anderson',
              'stopping tests', 'argmax', 'rest', 'total']
    head = '| set | predictions | solver | ' + ' | '.join(f'{p} (ms)' for p in phases) + ' |'
    out = [head, '|' + '---|' * (head.count('|') - 1)]
    for name, _, regime, prof in profiles:
        for solver, ms in prof.items():
            out.append(f"| {name} | {regime} | {solver} | " + ' | '.join(f"{ms.get(p, 0.):.1f}" for p in phases)
                       + ' |')
    return '\n'.join(out)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='auto',
                    help="'auto' (cuda if visible), 'cpu' or 'cuda' "
                         "(ours runs there; the reference is numpy on the CPU)")
    ap.add_argument('--flush-denormal', action='store_true',
                    help='CPU: add a float32 row with denormals flushed to zero')
    ap.add_argument('--quick', action='store_true', help='RegDB size only, one timed repeat per case (CI)')
    ap.add_argument('--repeats', type=int, default=5, help='timed repeats per case (median reported)')
    ap.add_argument('--delta', type=float, default=25., help='δ of Eq. 3')
    ap.add_argument('--threads', type=int, default=0, help='torch and BLAS threads of the process (0: defaults)')
    ap.add_argument('--anderson', type=int, nargs='+', default=[5], help='Anderson memories of ours (0: plain)')
    ap.add_argument('--load', type=int, default=0, help='competing busy processes during the measurement')
    ap.add_argument('--load-seconds', type=float, default=1800., help='longest life of a competing process')
    ap.add_argument('--profile', action='store_true', help='CPU: time of each phase of one solve, per case')
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
    if args.load < 0: ap.error('--load must be >= 0')
    dev = device_name(args.device)
    load0 = os.getloadavg()
    print(f"torch {torch.__version__}, numpy {np.__version__}, device {args.device} ({dev}), "
          f"{torch.get_num_threads()} torch threads, {os.cpu_count()} CPUs, δ = {args.delta}, "
          f"repeats = {1 if args.quick else args.repeats}, {args.load} competing processes, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, load average before {load0[0]:.2f}", flush=True)
    with competing(args.load, args.load_seconds):
        rows, profiles = run(args)
        load1 = os.getloadavg()
    print(f"\nload average after {load1[0]:.2f} (1 min), {load1[1]:.2f} (5 min)\n")
    print(table(rows))
    if profiles:
        print()
        print(profile_table(profiles))
