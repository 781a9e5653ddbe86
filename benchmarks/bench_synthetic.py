"""Generation speed of the synthetic world (otla_nb.synthetic).

Measures, in one run:
  * render-only throughput on one core (images/s, no disk), visible and infrared cameras alternating;
  * write throughput (render + JPEG + files) of a SYSU-layout set with 1 worker and with all workers, the ratio
    all/1, and whether both runs wrote the same bytes (they must: images are seeded per identity and image);
  * with --sysu, the wall time of the SYSU-MM01-sized set (SIZES['sysu'], about 42k images) with all workers.

Sizes: default SIZES['demo'] (~1.75k images); --quick a CI-sized set (SIZES['tiny'] scaled to 24 identities).
Usage: python benchmarks/bench_synthetic.py [--quick] [--sysu] [--workers N] [--workdir DIR]
No assertions on time: it prints what it measured.
"""
import argparse, hashlib, os, shutil, tempfile, time
from pathlib import Path
import numpy as np
from otla_nb.synthetic import SIZES, write_sysu
from otla_nb.render import layout_cameras, sample_identity, render, make_opts, LAYOUT_CODES


def tree_hash(root) -> str:
    "SHA-256 over every file's relative path and bytes."
    h = hashlib.sha256()
    for p in sorted(Path(root).rglob('*')):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def bench_render(n: int, size=(128, 64)) -> float:
    "Render-only images/s on this core."
    cams, o = layout_cameras('sysu', 0), make_opts()
    ids = [sample_identity(np.random.default_rng([0, LAYOUT_CODES['sysu'], 0, i])) for i in range(50)]
    t = time.perf_counter()
    for k in range(n):
        c = cams[1 + k % 6]
        render(ids[k % 50], c.modality, c, np.random.default_rng([1, k]), size, opts=o)
    return n / (time.perf_counter() - t)


def bench_write(kw: dict, workdir: Path, workers_all: int):
    "Write the same set with 1 worker and with all workers; images/s of each, ratio, identical bytes."
    print(f"\n== write a SYSU-layout set: {kw} ==")
    res, hashes = {}, {}
    for w in dict.fromkeys((1, workers_all)):
        root = workdir / f'sysu-w{w}'
        t = time.perf_counter()
        s = write_sysu(root, workers=w, **kw)
        dt = time.perf_counter() - t
        res[w] = s.n_images / dt
        print(f"  workers={w:<3d} {s.n_images:6d} images  {dt:7.2f} s  {res[w]:7.0f} img/s")
        hashes[w] = tree_hash(root)
        shutil.rmtree(root)
    if len(res) > 1: print(f"  speed-up {workers_all}/1 workers: {res[workers_all] / res[1]:.2f}x")
    print(f"  same bytes for every worker count: {len(set(hashes.values())) == 1}")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='CI-sized run')
    ap.add_argument('--sysu', action='store_true', help='also time the SYSU-MM01-sized set (all workers)')
    ap.add_argument('--workers', type=int, default=None, help='the "all workers" count (default os.cpu_count())')
    ap.add_argument('--workdir', default=None, help='where to write (default: a temporary folder)')
    a = ap.parse_args()
    workers_all = a.workers or os.cpu_count() or 1
    tmp = tempfile.mkdtemp(prefix='bench-synth-', dir=a.workdir)
    workdir = Path(tmp)
    try:
        print(f"CPUs: {os.cpu_count()}, all-workers count: {workers_all}")
        n = 200 if a.quick else 2000
        print(f"\n== render only, one core, {n} images ==")
        for size in ((128, 64), (64, 32)):
            print(f"  {size[0]}x{size[1]}: {bench_render(n, size):7.0f} img/s")
        kw = dict(SIZES['tiny'], n_ids=24) if a.quick else dict(SIZES['demo'])
        bench_write(kw, workdir, workers_all)
        if a.sysu:
            print(f"\n== SYSU-MM01-sized set: {SIZES['sysu']}, workers={workers_all} ==")
            t = time.perf_counter()
            s = write_sysu(workdir / 'sysu-full', workers=workers_all, **SIZES['sysu'])
            dt = time.perf_counter() - t
            vis = sum(v for k, v in s.counts.items() if k in ('cam1', 'cam2', 'cam4', 'cam5'))
            tr = set(s.ids['train'] + s.ids['val'])
            print(f"  {s.n_images} images ({vis} visible, {s.n_images - vis} infrared; "
                  f"{len(tr)} training identities) in {dt:.1f} s = {dt / 60:.1f} min, {s.n_images / dt:.0f} img/s")
            n_tr = {m: sum(1 for c in cams for p in Path(s.root, c).iterdir() if int(p.name) in tr for _ in p.iterdir())
                    for m, cams in (('visible', ('cam1', 'cam2', 'cam4', 'cam5')), ('infrared', ('cam3', 'cam6')))}
            print(f"  training images: {n_tr['visible']} visible, {n_tr['infrared']} infrared "
                  f"(SYSU-MM01: 22,258 and 11,909)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
