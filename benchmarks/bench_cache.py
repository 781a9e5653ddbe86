"""Image cache and batched transform throughput (otla_nb.cache).

Measures, in one run:
  * cache build (decode + resize + write) in images/s for a demo-sized synthetic SYSU-MM01 set at 128x64 and
    288x144, with 1 decoding thread vs all CPUs (ratio);
  * memmap load time (manifest check + open) and the time to read the whole array / copy it to a tensor;
  * training-transform throughput in images/s: the batched `train_transform` on uint8 batches vs the reference
    per-image torchvision pipeline (ToPILImage, RandomGrayscale, RandomHorizontalFlip, ToTensor, Normalize,
    RandomErasing), same images, same process (ratio); on CUDA too when a GPU is present.

Usage: python benchmarks/bench_cache.py [--quick] [--size demo] [--workdir DIR]
No assertions on time: it prints what it measured.
"""
import argparse, tempfile, time, shutil
from pathlib import Path
import numpy as np
import torch
import torchvision.transforms as T
import otla_nb.synthetic  # noqa: F401  (it registers the data set 'synthetic')
from otla_nb.cache import ImageCache, _n_cpus
from otla_nb.data import load_dataset, VISIBLE, INFRARED
from otla_nb.transforms import train_transform, test_transform, IMAGENET_MEAN, IMAGENET_STD


def timeit(f, repeat=1):
    "Best wall time of `repeat` calls of f, and its last result."
    best, out = float('inf'), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def reference_pipeline(modality):
    "The reference code's per-image torchvision training transform."
    norm = T.Normalize(IMAGENET_MEAN, IMAGENET_STD)
    gray = [T.RandomGrayscale(p=0.5)] if modality == VISIBLE else []
    return T.Compose([T.ToPILImage(), *gray, T.RandomHorizontalFlip(), T.ToTensor(), norm, T.RandomErasing(p=0.5)])


def bench_cache(paths, sizes, cache_dir, workers_all, repeat=2):
    print(f"\n== cache build: {len(paths)} images, {workers_all} CPUs ==")
    rows = []
    for size in sizes:
        res = {}
        for w in (1, workers_all):
            t, c = timeit(lambda: ImageCache.build(paths, size, cache_dir, f'bench-w{w}', workers=w,
                                                   progress=False, rebuild=True), repeat)
            res[w] = len(paths) / t
            print(f"  {size[0]}x{size[1]}  workers={w:<3d} {t:7.2f} s  {res[w]:8.0f} img/s")
        print(f"  {size[0]}x{size[1]}  speed-up all/1 workers: {res[workers_all]/res[1]:.2f}x")
        rows.append((size, res))
        t_load, c = timeit(lambda: ImageCache.load(cache_dir, paths, size, f'bench-w{workers_all}'), repeat=3)
        t_read, arr = timeit(lambda: np.array(c.array))
        t_tens, _ = timeit(lambda: c.to_tensor('cpu'))
        mb = arr.nbytes / 2**20
        print(f"  {size[0]}x{size[1]}  load (manifest+CRC+memmap): {t_load*1e3:.1f} ms;  read all {mb:.0f} MiB: "
              f"{t_read*1e3:.0f} ms ({mb/t_read:.0f} MiB/s);  to_tensor: {t_tens*1e3:.0f} ms")
    return rows


def bench_transform(x_np, device, batch=64, repeat=3):
    "Batched vs per-image reference, images/s."
    n = len(x_np)
    g = torch.Generator().manual_seed(0)
    x = torch.from_numpy(x_np).to(device)
    def batched(mod):
        out = None
        for s in range(0, n, batch): out = train_transform(x[s:s+batch], mod, g)
        if device.type == 'cuda': torch.cuda.synchronize()
        return out
    batched(VISIBLE)                                                          # warm-up
    res = {}
    for mod, name in ((VISIBLE, 'visible'), (INFRARED, 'infrared')):
        t_b, _ = timeit(lambda: batched(mod), repeat)
        res[name] = n / t_b
        print(f"  {device.type:4s} batched {name:8s}: {n/t_b:9.0f} img/s  (batch {batch})")
    return res


def bench_reference(x_np, repeat=1):
    res = {}
    torch.manual_seed(0)
    for mod, name in ((VISIBLE, 'visible'), (INFRARED, 'infrared')):
        tf = reference_pipeline(mod)
        t, _ = timeit(lambda: [tf(a) for a in x_np], repeat)
        res[name] = len(x_np) / t
        print(f"  cpu  per-image torchvision reference {name:8s}: {len(x_np)/t:9.0f} img/s")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='CI-sized run (tiny set, few images)')
    ap.add_argument('--size', default=None, help="synthetic size preset (default: 'demo'; 'tiny' with --quick)")
    ap.add_argument('--workdir', default=None, help='where to render the set and the caches (default: a temp dir)')
    args = ap.parse_args()
    size = args.size or ('tiny' if args.quick else 'demo')
    work = Path(args.workdir or tempfile.mkdtemp(prefix='bench_cache_'))
    torch.set_num_threads(_n_cpus())
    try:
        t, ds = timeit(lambda: load_dataset('synthetic', root=work/f'sysu-{size}', size=size))
        print(ds)
        print(f"(rendered/read in {t:.1f} s)")
        paths = [r.path for r in ds.train]
        if args.quick: paths = paths[:200]
        workers = _n_cpus()
        bench_cache(paths, [(128, 64), (288, 144)], work/'cache', workers, 1 if args.quick else 2)

        n = 128 if args.quick else 1024
        c = ImageCache.load(work/'cache', paths, (288, 144), f'bench-w{workers}')
        x_np = np.ascontiguousarray(np.resize(np.asarray(c.array), (n, 288, 144, 3)))
        print(f"\n== training transform, {n} images of 288x144, {torch.get_num_threads()} torch threads ==")
        ref = bench_reference(x_np)
        new = bench_transform(x_np, torch.device('cpu'))
        for k in new: print(f"  cpu batched / per-image reference ({k}): {new[k]/ref[k]:.1f}x")
        if torch.cuda.is_available():
            gpu = bench_transform(x_np, torch.device('cuda'))
            for k in gpu: print(f"  cuda batched / cpu per-image reference ({k}): {gpu[k]/ref[k]:.1f}x")
        t_test, _ = timeit(lambda: test_transform(torch.from_numpy(x_np)), 3)
        print(f"  cpu test_transform: {n/t_test:9.0f} img/s")
    finally:
        if args.workdir is None: shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
