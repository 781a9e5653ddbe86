"""What the benchmark scripts share: waiting for the GPU, a median timer, the name of the machine they ran on, and a
grid of supervised runs.

Imported by the scripts of this folder (a script's folder is on `sys.path` when it runs)."""
import os, platform, statistics, time
import torch


def sync(device):
    "Wait for queued GPU work on `device`, so that a timer sees it (nothing to wait for on a CPU)."
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)


def timed(fn, device, repeats:int, *args):
    "Median seconds of `fn(*args)` over `repeats` calls after one untimed warm-up call, and the last result."
    res = fn(*args)
    sync(device)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        res = fn(*args)
        sync(device)
        times.append(time.perf_counter() - t)
    return statistics.median(times), res


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
    from otla_nb.train import resolve_pretrained
    t = time.perf_counter()
    warm = next((c for c, _ in cfgs if c.pretrained == 'synthetic'), None)
    if warm is not None: resolve_pretrained(warm)
    t_warm = time.perf_counter() - t
    runs = fit_all(cfgs, jobs=jobs, threads=1)
    print(f"torch {torch.__version__}, {cpu_model()}, {os.cpu_count()} CPUs; {what}; {jobs} processes x 1 thread; "
          f"warm start ready in {t_warm:.0f} s\n")
    return runs
