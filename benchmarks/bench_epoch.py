"""Where a CPU epoch of the synthetic demo goes, and what each CPU lever buys, measured in one run.

The demo's training configuration (the synthetic card's preset, `make_config('synthetic')`: ResNet-18 at 64 x 32,
batches of 8 identities x (4 + 4) images, on the demo world) from random weights (the weights do not change the time).
Two tables:

- **breakdown**, before (float32, contiguous, Adam's loop: the CPU's configuration until 2026-12-07) and with the
  default now (`'auto'` fast paths: fused Adam on every CPU, bf16 autocast with channels_last on a CPU with native
  bf16): one training step cut into its phases (augmentation of the step's images from the epoch plan,
  forward with the losses, backward, optimiser step), timed over `--steps` steps after one warm-up step; the epoch's
  own work beside it: the epoch plan, the prediction pass over the infrared images that feeds OTLA, OTLA itself, and
  an evaluation (all-search and indoor, every gallery trial), each once after a warm-up. Beside it, the step's
  floating-point work (`FlopCounterMode`) and the rate it runs at, against a 2048 x 2048 matrix product in float32
  and in bf16 on the same cores: what two cores can do.
- **levers**: `train_epoch` over `--steps` steps (after a warm-up epoch of 3 steps) with one lever changed, as ms per
  step (the median of `--rounds` rounds that take the levers in turn, with the range) and as the ratio to the
  configuration before, in this run: channels_last, bf16 autocast (only where the CPU has
  native bf16: `avx512_bf16` or AMX; on AVX2 oneDNN's bf16 convolution was found reading uninitialised memory),
  both, fused Adam, all three, the default now, one thread instead of the machine's, and `torch.compile` (where a C
  compiler and `Python.h` exist; its compilation is in the warm-up epoch's time).

    python benchmarks/bench_epoch.py [--quick] [--steps 12] [--rounds 3] [--levers NAME ...] [--load N]

`--load N` keeps N competing busy processes (numpy products, one thread each: `benchkit.competing`) running while
it measures, as other jobs on the same cores would.

`--quick` runs on the tiny world at 32 x 16 with 2 steps and no compile: it checks that the script runs, its numbers
mean nothing. No assertions on time.
"""
import argparse, contextlib, dataclasses, itertools, os, shutil, statistics, tempfile, time
from pathlib import Path
import torch
from torch.utils.flop_counter import FlopCounterMode
from otla_nb.otla import sinkhorn_assign
from otla_nb.sampler import CrossModalIdentitySampler
from otla_nb.evaluate import TestSpec, evaluate
from otla_nb.losses import Losses
from otla_nb.predict import PredictSpec, predict
from otla_nb.build import epoch_plan
from otla_nb.train import (make_config, train_data, train_epoch, _batch_inputs, _model,
                           _optimizer)
from otla_nb.synthetic_set import quick_overrides
from otla_nb.device import native_bf16, autocast
from benchkit import AUTO, BEFORE, competing, compile_blocker, cpu_model   # the script's folder is on sys.path

CPU = torch.device('cpu')


def _sampler(cfg, data):
    return CrossModalIdentitySampler(data.vis_labels, len(data.ir_true), cfg.n_ids, cfg.n_vis, cfg.n_ir, seed=0)


def _clock(fn):
    "Seconds of one call of `fn` and its result."
    t = time.perf_counter()
    res = fn()
    return time.perf_counter() - t, res


def matmul_rate(dtype, n:int=2048, repeats:int=5)->float:
    "GFLOP/s of an n x n matrix product in `dtype` on this CPU (median of `repeats` after a warm-up)."
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    a @ b
    ts = [_clock(lambda: a @ b)[0] for _ in range(repeats)]
    return 2 * n ** 3 / sorted(ts)[len(ts) // 2] / 1e9


def step_flops(cfg, data)->float:
    "Floating-point operations of one training step's forward and backward (torch's FLOP counter)."
    torch.manual_seed(0)
    model, losses = _model(cfg, data.n_classes, CPU), Losses(cfg)
    batches = list(itertools.islice(_sampler(cfg, data), 1))
    plan = epoch_plan(batches, [0], 1, data, cfg.n_ir, cfg.setting == 'supervised',
                      {0: torch.Generator().manual_seed(0)}, CPU)
    x, y_v, y_r = _batch_inputs(plan, 0, 0, data, cfg, CPU)
    with FlopCounterMode(display=False) as fc:
        with autocast(cfg, CPU): out = model(x, grl_coeff=0.5)
        losses(out, y_v, y_r)[0].backward()
    return fc.get_total_flops()


def breakdown(cfg, data, steps:int)->dict:
    "Seconds per step of each phase of a training step, and of the epoch's own work."
    torch.manual_seed(0)
    model, losses = _model(cfg, data.n_classes, CPU), Losses(cfg)
    opt = _optimizer(model, cfg)
    sampler = _sampler(cfg, data)
    batches = list(itertools.islice(sampler, steps + 1))
    t_plan, plan = _clock(lambda: epoch_plan(batches, [0], 1, data, cfg.n_ir, cfg.setting == 'supervised',
                                            {0: torch.Generator().manual_seed(0)}, CPU))
    model.train()
    acc = dict(augment=0., forward=0., backward=0., optimiser=0.)
    for b in range(steps + 1):
        t0 = time.perf_counter()
        x, y_v, y_r = _batch_inputs(plan, b, 0, data, cfg, CPU)
        t1 = time.perf_counter()
        with autocast(cfg, CPU): out = model(x, grl_coeff=0.5)
        loss, _ = losses(out, y_v, y_r)
        t2 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        t3 = time.perf_counter()
        opt.step()
        t4 = time.perf_counter()
        if b:   # the first step warms up
            for k, dt in zip(acc, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)): acc[k] += dt / steps
    spec = PredictSpec.of(cfg)
    predict(model, data.ir_images[:cfg.test_batch], spec, CPU)
    t_pred, probs = _clock(lambda: predict(model, data.ir_images, spec, CPU))
    sinkhorn_assign(probs, cfg.delta)
    t_otla, _ = _clock(lambda: sinkhorn_assign(probs, cfg.delta))
    evaluate(model, data.dataset, TestSpec.of(cfg), CPU)                      # builds the test caches
    t_eval, _ = _clock(lambda: evaluate(model, data.dataset, TestSpec.of(cfg), CPU))
    return dict(step=acc, plan=t_plan * len(sampler) / (steps + 1), predict=t_pred, otla=t_otla, evaluate=t_eval,
                batches=len(sampler), ir=len(data.ir_true))


def print_breakdown(base, data, steps:int):
    "The breakdown table, before and with the default now, and the step's FLOP rate against the matrix products."
    r = {'before': breakdown(base, data, steps), 'auto': breakdown(dataclasses.replace(base, **AUTO), data, steps)}
    n = r['before']['batches']
    for v in r.values():
        v.update({f'step: {k}': t for k, t in v['step'].items()}, step=sum(v['step'].values()))
        v['epoch'] = n * v['step'] + v['plan'] + v['predict'] + v['otla']
    print("| part | before: ms | share of the epoch | default now: ms | share |\n|---|---:|---:|---:|---:|")
    names = [(f'step: {k}', f'step: {k}', n) for k in ('augment', 'forward', 'backward', 'optimiser')]
    names += [('step', 'step, in all', n), ('plan', 'epoch plan (per epoch)', 1),
              ('predict', f"prediction pass ({r['before']['ir']} infrared images)", 1), ('otla', 'OTLA', 1),
              ('epoch', f'epoch ({n} steps + plan + prediction pass + OTLA)', 1)]
    for k, name, f in names:
        print(f"| {name} | " + ' | '.join(f"{1e3 * v[k]:.1f} | {f * v[k] / v['epoch']:.1%}" for v in r.values()) + ' |')
    print(f"| evaluation (when run) | {1e3 * r['before']['evaluate']:.1f} | | {1e3 * r['auto']['evaluate']:.1f} | |\n")
    fl, f32, b16 = step_flops(base, data) / 1e9, matmul_rate(torch.float32), matmul_rate(torch.bfloat16)
    print(f"A step's forward and backward: {fl:.1f} GFLOP, {fl / r['before']['step']:.0f} GFLOP/s before, "
          f"{fl / r['auto']['step']:.0f} GFLOP/s now; a 2048 x 2048 matrix product on the same cores: "
          f"{f32:.0f} GFLOP/s in float32, {b16:.0f} GFLOP/s in bf16.\n")


def lever_configs(base, quick:bool)->list:
    "(name, configuration or the reason it is skipped, threads) for each lever."
    cl, bf = dict(channels_last='always'), dict(amp='always')
    no_bf16 = None if native_bf16() else 'no native bf16 on this CPU (avx512_bf16 / AMX)'
    no_compile = 'not in --quick' if quick else compile_blocker('cpu')
    rows = [('before (float32, contiguous, Adam\'s loop)', base, None),
            ('channels_last', dataclasses.replace(base, **cl), None),
            ('bf16 autocast', no_bf16 or dataclasses.replace(base, **bf), None),
            ('bf16 autocast + channels_last', no_bf16 or dataclasses.replace(base, **bf, **cl), None),
            ('fused Adam', dataclasses.replace(base, fused_adam='always'), None),
            ('bf16 + channels_last + fused Adam', no_bf16 or dataclasses.replace(base, **bf, **cl, fused_adam='always'),
             None),
            ("the default now ('auto')", dataclasses.replace(base, **AUTO), None),
            ('one thread', base, 1),
            ('torch.compile', no_compile or dataclasses.replace(base, compile=True), None)]
    return rows


def time_lever(cfg, data, steps:int, threads)->tuple:
    "(ms per step over `steps` steps, seconds of the warm-up epoch of 3 steps) of `train_epoch` with `cfg`."
    saved = torch.get_num_threads()
    if threads: torch.set_num_threads(threads)
    try:
        torch.manual_seed(0)
        model = _model(cfg, data.n_classes, CPU)
        compiled = torch.compile(model) if cfg.compile else model
        opt, losses, sampler = _optimizer(model, cfg), Losses(cfg), _sampler(cfg, data)
        warm = dataclasses.replace(cfg, max_batches=3)
        t_warm, _ = _clock(lambda: train_epoch(model, opt, sampler, data, losses, warm, 0, 0, CPU,
                                               forward_model=compiled))
        t, (_, st) = _clock(lambda: train_epoch(model, opt, sampler, data, losses, dataclasses.replace(
            cfg, max_batches=steps), 1, 0, CPU, forward_model=compiled))
        return 1e3 * t / st['batches'], t_warm
    finally: torch.set_num_threads(saved)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='tiny world, 2 steps, no compile (CI)')
    ap.add_argument('--steps', type=int, default=12, help='timed steps per measurement')
    ap.add_argument('--levers', nargs='*', default=None, help='only the levers whose name starts with one of these')
    ap.add_argument('--rounds', type=int, default=3, help='rounds over the levers (median reported)')
    ap.add_argument('--no-breakdown', action='store_true', help='levers only')
    ap.add_argument('--load', type=int, default=0, help='competing busy processes (one thread each) while measuring')
    args = ap.parse_args()
    if args.load < 0: ap.error(f'--load {args.load}: expected a number >= 0')
    if args.steps < 1: ap.error(f'--steps {args.steps}: expected a positive number')
    if args.rounds < 1: ap.error(f'--rounds {args.rounds}: expected a positive number')
    root = Path(tempfile.mkdtemp(prefix='bench-epoch-'))
    stack = contextlib.ExitStack()
    try:
        kw = dict(pretrained=False, progress=False, device='cpu', out_dir=str(root/'runs'), **BEFORE)
        if args.quick: kw.update(quick_overrides(root), pretrained=False, **BEFORE)
        else: kw['cache_dir'] = str(root/'cache')
        base = make_config('synthetic', **kw)
        steps = 2 if args.quick else args.steps
        args.rounds = 1 if args.quick else args.rounds
        data = train_data(base, CPU)
        stack.enter_context(competing(args.load, 3600.))
        print(f"{args.load} competing processes; {cpu_model()}, {os.cpu_count()} CPUs, "
              f"{torch.get_num_threads()} torch threads, "
              f"torch {torch.__version__}; native bf16: {native_bf16()}; {base.arch} at {base.img_h} x {base.img_w}, "
              f"{base.n_ids} x ({base.n_vis} + {base.n_ir}) a batch; {time.strftime('%Y-%m-%d')}\n")
        if not args.no_breakdown: print_breakdown(base, data, steps)
        print(f"| lever | ms per step (median of {args.rounds} rounds) | min-max | ratio to before "
              "| warm-up epoch of 3 steps (s) |\n|---|---:|---:|---:|---:|")
        levers = [(name, cfg, threads) for name, cfg, threads in lever_configs(base, args.quick)
                  if not args.levers or name.startswith('before') or any(name.startswith(p) for p in args.levers)]
        times = {name: [] for name, _, _ in levers}
        for _ in range(args.rounds):     # rounds interleave the levers, so that a slow spell hits them alike
            for name, cfg, threads in levers:
                if not isinstance(cfg, str): times[name].append(time_lever(cfg, data, steps, threads))
        ref = statistics.median(ms for ms, _ in times[levers[0][0]])
        for name, cfg, _ in levers:
            if isinstance(cfg, str):
                print(f"| {name} | skipped: {cfg} | | | |")
                continue
            ms = [m for m, _ in times[name]]
            med = statistics.median(ms)
            print(f"| {name} | {med:.1f} | {min(ms):.0f}-{max(ms):.0f} | {ref / med:.2f}x | {times[name][0][1]:.1f} |")
    finally:
        stack.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
