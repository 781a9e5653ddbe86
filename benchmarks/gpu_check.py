"""One prepared GPU check: every GPU question of the project answered in one call, results written as each part ends.

Parts, each with its own time cap (seconds), in this order: the headline numbers first (OTLA's time at SYSU-MM01 size,
training images/s, the evidence run), the long tail after, so that a run cut short still has them:

- `otla`: `sinkhorn_assign` labels on the device against the CPU's, float32 and float64, at SYSU-MM01 size
  (11,909 x 395) at three sharpnesses of the predictions and at RegDB size (2,060 x 206); OTLA ms at SYSU size.
- `precision`: one `train_epoch` on the tiny synthetic world (64 x 32) in float32, again with the fast paths
  (bf16 autocast + channels_last + fused Adam) and again with `compile=True`, from the same weights over the same
  batches: finite losses, relative difference to float32 against `--tol`; an epoch with `StepGuard` around each step
  (`StepTrap`: no copy from the host, no host read; on a GPU also CUDA's sync debug mode set to 'error').
- `evaluate`: `evaluate` on the device against the CPU on the same weights, float32 (TF32 off): every metric within
  1e-4; the bf16 evaluation's difference beside it.
- `speed`: training images/s of `train_epoch` against the reference-style pipeline (fp32, per-image PIL transforms,
  a DataLoader with `--workers` workers) at ResNet-50, 288 x 144, batch 4 x (8 + 8), on SYSU-MM01's image counts
  (`bench_train.py`); the prediction pass over the 11,909 infrared images; 10-trial SYSU ranking (`bench_eval.py`).
- `memory`: peak GPU memory of a training step at batch 64 / 128 / 256 (CUDA only).
- `evidence`: a SYSU-sized synthetic world, `semi`, ResNet-50 at 288 x 144 from random weights, as many epochs as fit
  `--minutes`: per epoch the infrared label accuracy of OTLA and of argmax, the top label's share, epoch and OTLA time.

    PYTHONPATH=. python benchmarks/gpu_check.py --out gpu_out [--device cuda] [--minutes 2]
    python benchmarks/gpu_check.py --device cpu --quick --out /tmp/gpu_check   # seconds: keeps the script from rotting

`--out` receives `gpu_check.json` (rewritten after every measurement) and `gpu_check.md`. Needs torch, torchvision,
numpy, scipy, scikit-learn, pandas, pillow, tqdm, threadpoolctl and fastcore (otla_nb's imports); not papermill, nbdev
or POT. No assertions on time: a part that fails records its error and the next part runs. What a bare machine cannot
do is skipped with its reason recorded, never failed: the compiled variant without a C compiler, `Python.h` or triton
(and a cold compile is cut at the part's cap, in a child process); DataLoader workers beyond what `/dev/shm` holds.
"""
import argparse, contextlib, dataclasses, json, math, os, platform, shutil, subprocess, sys
import tempfile, time, traceback
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
# (the sibling benchmarks: one copy of each measurement)
import benchkit, bench_eval, bench_otla, bench_train   # noqa: E402
from benchkit import compile_blocker   # noqa: E402
from otla_nb.data import load_dataset   # noqa: E402
from otla_nb.sampler import CrossModalIdentitySampler   # noqa: E402
from otla_nb.otla import sinkhorn_assign   # noqa: E402
from otla_nb.losses import Losses   # noqa: E402
from otla_nb.train import (fit, make_config, train_data, train_epoch,   # noqa: E402
                           _model, _optimizer)
from otla_nb.synthetic_set import quick_overrides   # noqa: E402
from otla_nb.evaluate import TestSpec, evaluate, extract, test_sets   # noqa: E402
from otla_nb.device import StepTrap   # noqa: E402
from otla_nb.runs import read_history, load_run   # noqa: E402

PARTS = ('otla', 'speed', 'evidence', 'precision', 'evaluate', 'memory')   # the headline numbers first
CAPS = dict(otla=45, precision=150, evaluate=40, speed=120, memory=40, evidence=None)   # evidence: --minutes + set-up


class Report:
    "Results by part, written to `out/gpu_check.json` and `out/gpu_check.md` after every `put`."
    def __init__(self, out:Path, header:dict):
        self.out, self.data = out, {'header': header, 'parts': {}}
        out.mkdir(parents=True, exist_ok=True)
        self.write()

    def put(self, part:str, key:str, value):
        self.data['parts'].setdefault(part, {})[key] = value
        self.write()

    def write(self):
        for name, text in (('gpu_check.json', json.dumps(self.data, indent=1, default=str)),
                           ('gpu_check.md', self.markdown())):
            tmp = self.out/f'.{name}.tmp'
            tmp.write_text(text)
            os.replace(tmp, self.out/name)

    def markdown(self)->str:
        h = self.data['header']
        lines = [f"# gpu_check: {h['device_name']}, torch {h['torch']}, {h['date']}", '',
                 ' | '.join(f'{k} {v}' for k, v in h.items() if k not in ('device_name', 'torch', 'date')), '']
        for part, res in self.data['parts'].items():
            lines += [f'## {part}', '', '| what | result |', '|---|---|']
            lines += [f'| {k} | {_fmt(v)} |' for k, v in res.items()]
            lines.append('')
        return '\n'.join(lines)


def _fmt(v)->str:
    if isinstance(v, float): return f'{v:.4g}'
    if isinstance(v, (list, dict)): return json.dumps(v, default=str).replace('|', '/')
    return str(v).replace('|', '/').replace('\n', ' ')


class Cap:
    "A part's soft time cap: sub-steps check `over()` and stop adding work once it is spent."
    def __init__(self, seconds): self.t0, self.seconds = time.perf_counter(), seconds
    def over(self)->bool: return self.seconds is not None and time.perf_counter() - self.t0 > self.seconds
    def left(self)->float: return math.inf if self.seconds is None else self.seconds - (time.perf_counter() - self.t0)


def usable_cpus()->int:
    "CPUs this process may run on (its affinity mask where the OS has one), not the machine's count."
    return len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else (os.cpu_count() or 1)


def shm_workers(requested:int, batch_bytes:int, path='/dev/shm')->tuple:
    """DataLoader workers that shared memory can hold (each keeps about 3 batches in flight), at most `requested`;
    and the free MiB found (None where there is no such folder: workers are not limited then)."""
    try: free = shutil.disk_usage(path).free
    except OSError: return requested, None
    return max(0, min(requested, int(free // (3 * batch_bytes)))), free / 2 ** 20


def tiny_world(root:Path):
    "The tiny synthetic world, rendered once into `root`."
    return load_dataset('synthetic', str(root/'tiny'), size='tiny').root


def tiny_config(args, root:Path, **kw):
    """A seconds-sized configuration on the tiny world (64 x 32: see 08_train on oneDNN's bf16 convolution on small
    maps)."""
    base = dict(quick_overrides(root), data_root=str(root/'tiny'), img_h=64, img_w=32, epochs=1, max_batches=4,
                test_batch=64, device=str(args.device), out_dir=str(root/'runs'/'tiny'))
    return make_config('synthetic', **{**base, **kw})


# ---------------------------------------------------------------- otla
def part_otla(args, rep, cap):
    dev = args.device
    sizes = ({'SYSU-MM01': (11_909, 395), 'RegDB': (2_060, 206)} if not args.quick
             else {'SYSU-like': (600, 40), 'RegDB-like': (200, 20)})
    n_r, n_p = next(iter(sizes.values()))   # the headline first: OTLA's time at SYSU-MM01 size
    P = bench_otla.probs_for(n_r, n_p, 1.0, 0, dev)
    t, _ = benchkit.timed(lambda: sinkhorn_assign(P, 25.), dev, 1 if args.quick else 5)
    rep.put('otla', f'OTLA ms at {n_r:,} x {n_p} (float32, mid, on {dev.type})', t * 1e3)
    for name, (n_r, n_p) in sizes.items():
        for regime, scale in bench_otla.SCALES.items():
            if cap.over():
                rep.put('otla', 'stopped', f'time cap {cap.seconds} s')
                return
            P = bench_otla.probs_for(n_r, n_p, scale, 0, dev)
            for dt in (torch.float32, torch.float64):
                a, ia = sinkhorn_assign(P, 25., dtype=dt, return_info=True)
                b, ib = sinkhorn_assign(P.cpu(), 25., dtype=dt, return_info=True)
                agree = float((a.cpu() == b).double().mean())
                rep.put('otla', f'{name} {regime} {str(dt)[6:]}: equal labels device/CPU',
                        f'{agree:.4%} (sweeps {ia["iterations"]}/{ib["iterations"]}, '
                        f'converged {ia["converged"]}/{ib["converged"]})')


# ---------------------------------------------------------------- precision
class StepGuard:
    """Around each training step: `StepTrap` (a copy from the host onto the device, a host read of a device tensor)
    and, on a GPU, CUDA's sync debug mode set to 'error' (any synchronising call raises); it counts the steps."""
    def __init__(self, device): self.device, self.steps = torch.device(device), 0

    @contextlib.contextmanager
    def __call__(self):
        cuda = self.device.type == 'cuda'
        if cuda: torch.cuda.set_sync_debug_mode('error')
        try:
            with StepTrap(self.device): yield
        finally:
            if cuda: torch.cuda.set_sync_debug_mode('default')
        self.steps += 1


def _epoch(cfg, data, init, device, guard=None):
    model = _model(cfg, data.n_classes, device)
    model.load_state_dict(init)
    s = CrossModalIdentitySampler(data.vis_labels, len(data.ir_true), cfg.n_ids, cfg.n_vis, cfg.n_ir, seed=0)
    t = time.perf_counter()
    _, st = train_epoch(model, _optimizer(model, cfg), s, data, Losses(cfg), cfg, 0, 0, device, guard=guard)
    st['wall'] = time.perf_counter() - t
    return model, st


def step_check(cfg, data, init, device)->str:
    "Run one epoch with `StepGuard` around each step: 'clean (N steps)', or what the first offending call was."
    guard = StepGuard(device)
    try: _epoch(cfg, data, init, device, guard)
    except (AssertionError, RuntimeError) as e: return f'{type(e).__name__} at step {guard.steps + 1}: {e}'
    return f'clean ({guard.steps} steps)'


FAST = dict(amp='always', channels_last='always', fused_adam='always')   # the GPU fast paths, forced on


def _precision_setup(args):
    "The tiny world's float32 configuration, its data on the device, initial weights (seeded: a child gets them too)."
    tiny_world(args.work)
    fp32 = tiny_config(args, args.work, amp='never', channels_last='never', fused_adam='never')
    data = train_data(fp32, args.device)
    torch.manual_seed(0)
    init = {k: v.clone() for k, v in _model(fp32, data.n_classes, args.device).state_dict().items()}
    return fp32, data, init


def compiled_epoch(args, path:Path):
    "The compiled variant alone (a child process of `part_precision`): its epoch's statistics written to `path`."
    fp32, data, init = _precision_setup(args)
    _, st = _epoch(dataclasses.replace(fp32, **FAST, compile=True), data, init, args.device)
    path.write_text(json.dumps(st, default=float))


def _compiled_in_child(args, rep, cap):
    "Run `compiled_epoch` in a child process cut at the part's cap (a cold compile cannot be stopped from inside)."
    out = args.work/'compiled_epoch.json'
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), '--device', str(args.device), '--work', str(args.work),
           '--out', str(args.work/'compiled_out'), '--compiled-epoch', str(out)] + (['--quick'] if args.quick else [])
    budget = max(1., cap.left())
    try: r = subprocess.run(cmd, timeout=budget, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        rep.put('precision', 'compile', f"stopped: the compiled epoch, its compilation included, ran past the part's "
                                        f"cap ({budget:.0f} s were left)")
        return None
    if r.returncode != 0 or not out.exists():
        rep.put('precision', 'compile', f"error in the child process: {(r.stderr.strip().splitlines() or ['?'])[-1]}")
        return None
    return json.loads(out.read_text())


def part_precision(args, rep, cap):
    dev = args.device
    fp32, data, init = _precision_setup(args)
    _, ref = _epoch(fp32, data, init, dev)
    rep.put('precision', 'float32 epoch loss', ref['loss'])
    results = []
    if not cap.over():
        fast = dataclasses.replace(fp32, **FAST)
        results.append(('bf16 + channels_last + fused Adam', _epoch(fast, data, init, dev)[1]))
        rep.put('precision', 'steps without a copy from the host or a sync', step_check(fast, data, init, dev))
    why = (compile_blocker(dev) if dev.type == 'cuda' or args.compile
           else 'on the CPU (about 1.5 minutes of compilation; --compile runs it)')
    if why: rep.put('precision', 'compile', f'skipped: {why}')
    elif cap.over(): rep.put('precision', 'compile', f'stopped: time cap {cap.seconds} s reached before it')
    elif (st := _compiled_in_child(args, rep, cap)) is not None: results.append(('the same + compile', st))
    for name, st in results:
        rel = abs(st['loss'] - ref['loss']) / abs(ref['loss'])
        finite = all(math.isfinite(st[k]) for k in ('loss', 'ce_v', 'ce_r', 'tri_v', 'tri_r'))
        rep.put('precision', f'{name}: epoch loss', st['loss'])
        rep.put('precision', f'{name}: finite, |rel. diff| <= {args.tol}',
                f'{finite and rel <= args.tol} (rel. diff {rel:.3g}, wall {st["wall"]:.1f} s)')


# ---------------------------------------------------------------- evaluate
def part_evaluate(args, rep, cap):
    dev, root, cpu = args.device, args.work, torch.device('cpu')
    tiny_world(root)
    cfg = tiny_config(args, root, amp='never', channels_last='never', fused_adam='never',
                      out_dir=str(root/'runs'/'eval'))
    model = (load_run(cfg.out_dir) if (Path(cfg.out_dir)/'metrics.json').exists() else fit(cfg)).model
    tf32 = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        ds, spec = load_dataset(cfg.dataset, cfg.data_root, **cfg.data_kw), TestSpec.of(cfg)
        res = {'device': evaluate(model.to(dev), ds, spec, dev)}
        res['cpu'] = evaluate(model.to(cpu), ds, spec, cpu)
        if dev.type == 'cuda':
            res['device bf16'] = evaluate(model.to(dev), ds, dataclasses.replace(spec, amp='always',
                                                                                 channels_last='always'), dev)
    finally: torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = tf32
    def flat(r): return {f'{m}.{k}': v for m, d in r.items() for k, v in d.items() if k != 'trials'}
    c = flat(res['cpu'])
    changed, ties = nearest_changes(model, cfg, dev)
    rep.put('evaluate', 'queries whose nearest gallery image differs device/CPU (float32), of them near-ties',
            f'{changed}, {ties}')
    for name in [k for k in res if k != 'cpu']:
        diff = max(abs(v - c[k]) for k, v in flat(res[name]).items())
        rep.put('evaluate', f'{name} vs CPU: max metric difference (percent points)', diff)
        if name == 'device':
            rep.put('evaluate', 'device equals CPU (float32, TF32 off: metrics within 1e-4, or only near-ties differ)',
                    diff <= 1e-4 or changed == ties)
    rep.put('evaluate', 'CPU all-search Rank-1 / mAP', f"{c['all.Rank-1']:.2f} / {c['all.mAP']:.2f}")


def nearest_changes(model, cfg, dev)->tuple:
    """How many queries of every (query group, gallery group) pair of the test plan have another nearest neighbour
    on `dev` than on the CPU, and how many of those are near-ties: the CPU's best two similarities closer than twice
    the largest device/CPU difference of any similarity."""
    ds, cpu = load_dataset(cfg.dataset, cfg.data_root, **cfg.data_kw), torch.device('cpu')
    sets, spec = test_sets(ds, cfg.trials), TestSpec.of(cfg)
    feats = {k: (extract(model.to(dev), p, spec, dev, k).cpu().double(),
                 extract(model.to(cpu), p, spec, cpu, k).double())
             for k, p in sets.items()}
    changed = ties = 0
    for q, g in [(q, g) for q in feats for g in feats if q != g]:
        s_dev, s_cpu = feats[q][0] @ feats[g][0].T, feats[q][1] @ feats[g][1].T
        moved = s_dev.argmax(1) != s_cpu.argmax(1)
        if s_cpu.shape[1] < 2 or not moved.any(): continue
        top2 = s_cpu.topk(2, dim=1).values
        near = (top2[:, 0] - top2[:, 1]) <= 2 * (s_dev - s_cpu).abs().max()
        changed, ties = changed + int(moved.sum()), ties + int((moved & near).sum())
    return changed, ties


# ---------------------------------------------------------------- speed and memory
def _bench_args(args):
    quick = args.quick
    return argparse.Namespace(arch='resnet18' if quick else 'resnet50', size=[64, 32] if quick else [288, 144],
                              steps=2 if quick else 30, warmup=1 if quick else 5, workers=1 if quick else args.workers,
                              test_batch=64 if quick else 512, compile=False, mem_ids=[4, 8, 16])


def part_speed(args, rep, cap):
    dev, b = args.device, _bench_args(args)
    counts = bench_train.QUICK if args.quick else bench_train.SYSU
    data = bench_train.make_world(counts, tuple(b.size), dev)
    t_ours, t_assign, t_otla, n_batches = bench_train.bench_ours(b, data, dev)
    rep.put('speed', f"ours: images/s ({b.arch}, {b.size[0]}x{b.size[1]}, batch 4x(8+8))", 64 / t_ours)
    rep.put('speed', f"prediction pass + OTLA over {counts['n_ir']:,} infrared images (s)", t_assign)
    rep.put('speed', 'of which OTLA (ms)', t_otla * 1e3)
    if not cap.over():
        data_np = (data.vis_images.cpu().numpy(), data.ir_images.cpu().numpy(), data.vis_labels, data.n_classes)
        if dev.type == 'cuda':
            data.vis_images = data.ir_images = None
            torch.cuda.empty_cache()
        b.workers, shm = shm_workers(b.workers, 64 * 3 * b.size[0] * b.size[1] * 4)
        rep.put('speed', 'DataLoader workers (asked, used; /dev/shm free MiB)',
                f"{args.workers if not args.quick else 1}, {b.workers}; {'n/a' if shm is None else f'{shm:.0f}'}")
        t_ref = bench_train.bench_reference(b, data_np, dev)
        rep.put('speed', f'reference style: images/s (fp32, PIL per image, {b.workers} workers)', 64 / t_ref)
        rep.put('speed', 'speed-up of ours (images/s)', t_ref / t_ours)
        rep.put('speed', f'epoch of {n_batches} batches: reference / ours incl. its OTLA step (s)',
                f'{n_batches * t_ref:.1f} / {n_batches * t_ours + t_assign:.1f}')
    if not cap.over():
        dim = 512 if args.quick else 2048
        fq, q_pids, q_cams, fg, g_pids, g_cams, trials = bench_eval.problem(dim, 2 if args.quick else 10)
        t, _ = benchkit.timed(bench_eval.rank_batched, dev, 1 if args.quick else 3, fq.to(dev), fg.to(dev), q_pids,
                              g_pids, q_cams, g_cams, trials)
        rep.put('speed', f'SYSU ranking, {len(trials)} trials, {len(q_pids):,} queries (ms, on {dev.type})', t * 1e3)


def part_memory(args, rep, cap):
    if args.device.type != 'cuda':
        rep.put('memory', 'skipped', 'CUDA only')
        return
    b = _bench_args(args)
    data = bench_train.make_world(bench_train.SYSU, tuple(b.size), args.device)
    for n_imgs, gib in bench_train.peak_memory(b, data, args.device, b.mem_ids):
        rep.put('memory', f'batch {n_imgs}: peak GiB above the image cache', gib)


# ---------------------------------------------------------------- evidence
def part_evidence(args, rep, cap):
    dev, root = args.device, args.work
    if args.quick:
        tiny_world(root)
        cfg = tiny_config(args, root, epochs=2, out_dir=str(root/'runs'/'evidence'))
    else:
        t = time.perf_counter()
        world = root/'sysu'
        load_dataset('synthetic', str(world), size='sysu', workers=usable_cpus())
        rep.put('evidence', 'SYSU-sized world rendered (s)', time.perf_counter() - t)
        cfg = make_config('sysu', dataset='synthetic', data_root=str(world), data_kw={'size': 'sysu'}, pretrained=False,
                          cache_dir=str(root/'cache'), progress=False, device=str(dev),
                          out_dir=str(root/'runs'/'evidence'))
    shutil.rmtree(cfg.out_dir, ignore_errors=True)   # a --work used before: a fresh run, not a refusal
    deadline = time.perf_counter() + args.minutes * 60
    rows, last = [], 0.
    for epoch in range(cfg.epochs):
        if epoch and time.perf_counter() + last > deadline: break
        t = time.perf_counter()
        fit(cfg, resume=epoch > 0, stop_after=1)
        last = time.perf_counter() - t
        h = read_history(cfg.out_dir)[-1]
        top = max(h['hist_otla']) / sum(h['hist_otla'])
        top_a = max(h['hist_argmax']) / sum(h['hist_argmax'])
        rows.append(dict(epoch=h['epoch'], ir_acc_otla=h['ir_acc_otla'], ir_acc_argmax=h['ir_acc_argmax'],
                         top_share_otla=top, top_share_argmax=top_a, epoch_s=h['epoch_time'],
                         otla_ms=h['otla_time'] * 1e3, img_per_s=h['img_per_s']))
        rep.put('evidence', f"epoch {h['epoch']}",
                f"IR labels OTLA {h['ir_acc_otla']:.1%} / argmax {h['ir_acc_argmax']:.1%}; "
                f"top label OTLA {top:.1%} / argmax {top_a:.1%}; "
                f"epoch {h['epoch_time']:.1f} s ({h['img_per_s']:.0f} img/s); OTLA {h['otla_time'] * 1e3:.1f} ms "
                f"({h['otla_iters']} sweeps)")
    rep.put('evidence', 'per epoch', rows)
    rep.put('evidence', 'epochs run', len(rows))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True, help='folder for gpu_check.json and gpu_check.md')
    ap.add_argument('--device', default='auto', help="'auto' (cuda if available), 'cuda', 'cuda:1', 'cpu'")
    ap.add_argument('--quick', action='store_true',
                    help='CI-sized: small problems, tiny world, ResNet-18 (seconds on a CPU)')
    ap.add_argument('--minutes', type=float, default=2., help='budget of the evidence run')
    ap.add_argument('--parts', nargs='*', default=list(PARTS), choices=PARTS)
    ap.add_argument('--workers', type=int, default=16, help='DataLoader workers of the reference-style pipeline')
    ap.add_argument('--tol', type=float, default=0.05, help='relative loss tolerance of the fast paths against float32')
    ap.add_argument('--compile', action='store_true', help='also run the compile variant on the CPU')
    ap.add_argument('--work', default=None,
                    help='scratch folder for worlds, caches and runs (default: a temporary one)')
    ap.add_argument('--compiled-epoch', default=None, help=argparse.SUPPRESS)   # the child of part_precision
    args = ap.parse_args(argv)
    try: args.device = torch.device(('cuda' if torch.cuda.is_available() else 'cpu') if args.device == 'auto'
                                    else args.device)
    except RuntimeError as e: ap.error(f'--device {args.device}: {e}')
    if args.device.type == 'cuda' and not torch.cuda.is_available():
        ap.error(f'--device {args.device}: CUDA is not available here')
    if args.minutes <= 0: ap.error(f'--minutes {args.minutes}: expected a positive number')
    if args.compiled_epoch:
        args.work = Path(args.work)
        compiled_epoch(args, Path(args.compiled_epoch))
        return 0
    scratch = None if args.work else tempfile.TemporaryDirectory(prefix='gpu-check-')
    args.work = Path(args.work or scratch.name)
    name = benchkit.device_name(args.device)
    rep = Report(Path(args.out), dict(device_name=name, torch=torch.__version__, date=time.strftime('%Y-%m-%d'),
                                      device=str(args.device), cpus=usable_cpus(), quick=args.quick,
                                      python=platform.python_version()))
    try:
        for part in args.parts:
            t, cap = time.perf_counter(), Cap(CAPS[part])
            print(f'[gpu_check] {part} ...', flush=True)
            try: globals()[f'part_{part}'](args, rep, cap)
            except Exception as e:
                rep.put(part, 'error', f'{type(e).__name__}: {e}')
                traceback.print_exc()
            rep.put(part, 'part time (s)', time.perf_counter() - t)
            print(f'[gpu_check] {part}: {time.perf_counter() - t:.1f} s', flush=True)
    finally:
        if scratch: scratch.cleanup()
    print(rep.markdown())
    errors = [p for p, r in rep.data['parts'].items() if 'error' in r]
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
