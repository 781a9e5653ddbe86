"""What the benchmark scripts share: waiting for the GPU, a median timer, and the name of the machine they ran on.

Imported by the scripts of this folder (a script's folder is on `sys.path` when it runs)."""
import platform, statistics, time
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
