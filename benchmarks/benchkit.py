"""What the benchmark scripts share: their command lines, waiting for the GPU, a median timer, the name of the
machine they ran on, why `torch.compile` cannot run here, the CPU's fast-path configurations before and now, a grid of
supervised runs, and competing busy processes for measurements under load.

Imported by the scripts of this folder (a script's folder is on `sys.path` when it runs)."""
import argparse, contextlib, importlib.util, math, os, platform, shutil, statistics, subprocess, sys, sysconfig, time
from pathlib import Path
import torch

BEFORE = dict(amp='cuda', channels_last='cuda', fused_adam='cuda')   # the CPU's until 2026-12-07: float32, Adam's loop
AUTO = dict(amp='auto', channels_last='auto', fused_adam='auto')       # the default since


def arguments(doc:str, quick:str)->argparse.ArgumentParser:
    "A script's parser: described by the first line of its `doc`, with `--quick`, the CI-sized run that `quick` names."
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help=quick)
    return ap


def model_arguments(doc:str, quick:str, device:str)->argparse.ArgumentParser:
    "`arguments` and a model's options: `--device` (helped by `device`), `--arch`, `--size H W`, `--threads`."
    ap = arguments(doc, quick)
    ap.add_argument('--device', default='auto', help=device)
    ap.add_argument('--arch', default='resnet50')
    ap.add_argument('--size', type=int, nargs=2, default=[288, 144], metavar=('H', 'W'))
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: as torch chooses)')
    return ap


def model_args(ap:argparse.ArgumentParser)->tuple:
    "The arguments of a `model_arguments` parser, `--threads` applied, and the `--device` ('auto': cuda if any)."
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    auto = 'cuda' if torch.cuda.is_available() else 'cpu'
    return args, torch.device(auto if args.device == 'auto' else args.device)


def sync(device):
    "Wait for queued GPU work on `device`, so that a timer sees it (nothing to wait for on a CPU)."
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)


def timed(fn, device, repeats:int, *args, fill:float=0., long_s:float=math.inf, cold_s:float=math.inf):
    """Median seconds of `fn(*args)` over `repeats` calls after one untimed warm-up call, and the last result. With
    `fill`, as many more calls as fill that many seconds (at most 200); a warm-up longer than `long_s` is followed by
    one timed call, one longer than `cold_s` is itself the measurement."""
    t = time.perf_counter()
    res = fn(*args)
    sync(device)
    first = time.perf_counter() - t
    if first > cold_s: return first, res
    n = 1 if first > long_s else max(repeats, min(200, math.ceil(fill / max(first, 1e-6))) if fill else repeats)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        res = fn(*args)
        sync(device)
        times.append(time.perf_counter() - t)
    return statistics.median(times), res


def compile_blocker(device)->str|None:
    "Why `torch.compile` cannot build its kernels here (a C compiler, `Python.h`, triton on CUDA), or None."
    cc = os.environ.get('CC', '').split()[:1] or [c for c in ('cc', 'gcc', 'clang') if shutil.which(c)][:1]
    if not cc or not shutil.which(cc[0]): return 'no C compiler (cc, gcc, clang or $CC) on PATH'
    header = Path(sysconfig.get_paths()['include'])/'Python.h'
    if not header.exists(): return f'no Python.h at {header}'
    if torch.device(device).type == 'cuda' and importlib.util.find_spec('triton') is None: return 'triton is missing'
    return None


def cpu_model()->str:
    "The CPU's model name as lscpu prints it (Linux), else platform's guess."
    try: return next(line.split(':', 1)[1].strip() for line in open('/proc/cpuinfo') if line.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine() or 'cpu'


def device_name(device)->str:
    "The GPU's name on a CUDA device, else the CPU's model name."
    device = torch.device(device)
    return torch.cuda.get_device_name(device) if device.type == 'cuda' else cpu_model()


def supervised_grid(cfgs:list, jobs:int, what:str)->list:
    """Train (or reuse) the (config, name) runs of a calibration grid in `jobs` processes of one torch thread, the
    synthetic warm start first and apart from their clock; print the machine line; return the runs."""
    from otla_nb.experiments import fit_all
    from otla_nb.build import resolve_pretrained
    t = time.perf_counter()
    warm = next((c for c, _ in cfgs if c.pretrained == 'synthetic'), None)
    if warm is not None: resolve_pretrained(warm)
    t_warm = time.perf_counter() - t
    runs = fit_all(cfgs, jobs=jobs, threads=1)
    print(f"torch {torch.__version__}, {cpu_model()}, {os.cpu_count()} CPUs; {what}; {jobs} processes x 1 thread; "
          f"warm start ready in {t_warm:.0f} s\n")
    return runs


LOAD_CODE = """import time, numpy as np
end = time.time() + {seconds}
a = np.random.default_rng(0).random((256, 256))
while time.time() < end: a = a @ a; a /= np.abs(a).max()
"""


@contextlib.contextmanager
def competing(n:int, seconds:float):
    "`n` busy processes (numpy products in a loop, one thread each) while inside; each also ends after `seconds`."
    env = dict(os.environ, OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1', MKL_NUM_THREADS='1')
    procs = [subprocess.Popen([sys.executable, '-c', LOAD_CODE.format(seconds=seconds)], env=env)
             for _ in range(n)]
    try:
        if procs: time.sleep(1)                  # let them start
        yield procs
    finally:
        for p in procs: p.terminate()
        for p in procs:
            try: p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
