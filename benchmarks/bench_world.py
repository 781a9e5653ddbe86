"""The synthetic world's infrared physics against a supervised model: the calibration grid of `01a_synthetic`.

Every row is one world (the `RenderOpts` infrared fields of `otla_nb.render`, changed from the rendered defaults) and
one supervised run on it per seed (true infrared labels, the `synthetic` preset). A row reports the pixel probe of
the world (`otla_nb.render.modality_gap`: infrared->visible person-pixel correlation and nearest-neighbour Rank-1),
then the supervised model's all-search Rank-1 / mAP over the gallery trials and its infrared->visible and
visible->visible Rank-1 (`modality_rank1`), as mean +- std over the seeds. Runs train in `--jobs` processes of one
torch thread each (the numbers do not depend on `--jobs`).

    python benchmarks/bench_world.py [--quick] [--seeds 0 1 2] [--jobs 2] [--only NAME ...] [--out DIR]

`--quick` runs two rows on the tiny world, two batches an epoch: it checks that the script runs, its numbers mean
nothing.
"""
import argparse, json, shutil, tempfile
from pathlib import Path
import numpy as np
from otla_nb.experiments import modality_rank1, main_metrics
from otla_nb.render import make_opts, modality_gap
from otla_nb.train import make_config
from otla_nb.synthetic_set import quick_overrides
from benchkit import supervised_grid   # the script's folder is on sys.path

OLD = dict(ir_accessory=0., ir_hair=0., ir_skin=0.)   # hat, bag, shoes, hair and skin: their own NIR term alone
DYED = dict(OLD, ir_accessory=.8)   # hat, bag and shoes are dyed: the garments' rule (ir_luma 0.8)
HAIR = dict(DYED, ir_hair=.8)       # natural hair: melanin darkens it in the visible and the near infrared alike
TWELVE = dict(epochs=12, warmup_epochs=2, milestones=(8, 11))
ROWS = {   # name: (what the world or the run changes, RenderOpts overrides, TrainConfig overrides)
    'before': ('hat, bag, shoes, hair and skin: own NIR term only (no luma share)', OLD, {}),
    'dyed': ('+ hat, bag, shoes follow luma as garments do (ir_accessory 0.8)', DYED, {}),
    'hair': ('+ natural hair follows luma too (ir_hair 0.8)', HAIR, {}),
    'defaults': ('+ darker skin a little darker (ir_skin 0.6): the defaults', {}, {}),
    'sharp': ('the ir_hair row, sharper infrared optics (ir_blur 0.5)', dict(HAIR, ir_blur=.5), {}),
    'gain0': ('the ir_hair row, no infrared gain spread (ir_gain 0)', dict(HAIR, ir_gain=0.), {}),
    'noise0': ('the ir_hair row, no infrared noise (ir_noise 0)', dict(HAIR, ir_noise=0.), {}),
    'bright_bg': ('the ir_hair row, brighter infrared scenes (ir_background 2)', dict(HAIR, ir_background=2.), {}),
    'skin8': ('the ir_hair row, skin following its tone more (ir_skin 0.8)', dict(HAIR, ir_skin=.8), {}),
    'ceiling': ('every part follows luma, ir_luma 1, no gain spread (a ceiling, not a world)',
                dict(ir_luma=1., ir_accessory=1., ir_hair=1., ir_skin=1., ir_gain=0.), {}),
    'hair12': ('the ir_hair row, 12 epochs (warm-up 2, drops at 8 and 11)', HAIR, TWELVE),
    'defaults12': ('the defaults, 12 epochs (warm-up 2, drops at 8 and 11)', {}, TWELVE),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='two rows on the tiny world, 2 batches an epoch (CI)')
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='run seeds')
    ap.add_argument('--jobs', type=int, default=2, help='runs at once (one torch thread each)')
    ap.add_argument('--only', nargs='*', choices=sorted(ROWS), help='these rows only')
    ap.add_argument('--one-seed', nargs='*', default=[], choices=sorted(ROWS),
                    help='these rows at the first seed only (their cells say so)')
    ap.add_argument('--out', default=None, help='keep the runs here (default: a temporary folder, removed)')
    args = ap.parse_args()
    names = ['before', 'hair'] if args.quick else (args.only or list(ROWS))
    root = Path(args.out or tempfile.mkdtemp(prefix='bench-world-'))
    small = dict(quick_overrides(root), warmup_epochs=1, milestones=(1,), n_ids=2) if args.quick else {}
    run_kw = dict(setting='supervised', progress=False, device='cpu', out_dir=str(root/'runs'))
    cfgs = []
    for n in names:
        base = make_config('synthetic', **{**run_kw, **small})
        for s in args.seeds[:1] if n in args.one_seed else args.seeds:
            own = {'data_root': str(root/f'world-{n}')} if args.quick else {}   # the tiny worlds: one folder each
            cfgs.append((make_config('synthetic', **{**run_kw, **ROWS[n][2], **small, **own, 'seed': s,
                                                     'data_kw': {**base.data_kw, **ROWS[n][1]}}), f'world-{n}'))
    try:
        runs = supervised_grid(cfgs, args.jobs, f"supervised, seeds {args.seeds}, "
                                                f"{'tiny world' if args.quick else 'demo world'}")
        print("| world | pixel r i->v | pixel Rank-1 i->v | Rank-1 | mAP | i->v | v->v | train (s) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        res = {}
        by_row = {}
        for (c, n), r in zip(cfgs, runs): by_row.setdefault(n[len('world-'):], []).append(r)
        for n in names:
            rs = by_row[n]
            gap = modality_gap(make_opts(**ROWS[n][1]), n_ids=8 if args.quick else 40)
            m = np.array([[main_metrics(r)['Rank-1'], main_metrics(r)['mAP'], modality_rank1(r)['i2v'],
                           modality_rank1(r)['v2v'], sum(h['epoch_time'] for h in r.history)] for r in rs])
            cell = lambda j: f"{m[:, j].mean():.1f} ± {m[:, j].std():.1f}" if len(rs) > 1 else f"{m[0, j]:.1f}"
            seeds = '' if len(rs) == len(args.seeds) else f' (seed {args.seeds[0]})'
            print(f"| {ROWS[n][0]}{seeds} | {gap['r_i2v']:.2f} | {gap['rank1_i2v']:.0f} | {cell(0)} | {cell(1)} | "
                  f"{cell(2)} | {cell(3)} | {m[:, 4].mean():.0f} |")
            res[n] = dict(gap=gap, runs=[str(r.out_dir) for r in rs], metrics=m.tolist())
        if args.out: (root/'world.json').write_text(json.dumps(res, indent=1))
    finally:
        if not args.out: shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
