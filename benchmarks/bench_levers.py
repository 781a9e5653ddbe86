"""What each lever buys the supervised model on the synthetic demo world: the calibration table of `01a_synthetic`.

Every row is one supervised run (true infrared labels): the November preset with one lever changed (or two, where the
row says so), and the current preset (the synthetic card's, `otla_nb.data.data_card('synthetic').train`). The November
preset is ResNet-18 from random weights, 4 identities x (8 + 8) a batch, 64 x 32, 12 epochs. It reports the
protocol's all-search Rank-1 / mAP over the gallery trials, the four `modality_rank1` numbers (visible->visible,
infrared->infrared, infrared->visible, visible->infrared on the test identities), and the CPU time of the run's epochs.
Runs train in `--jobs` processes of one torch thread each (the numbers do not depend on `--jobs`). A lever's cost is
its training time; the warm start's own cost (once per machine) is printed apart.

    python benchmarks/bench_levers.py [--quick] [--seed 0] [--jobs 2] [--only NAME ...]

`--quick` runs two rows on the tiny world, two batches an epoch: it checks that the script runs, its numbers mean
nothing.
"""
import argparse, json, shutil, tempfile
from pathlib import Path
from otla_nb.experiments import modality_rank1, main_metrics
from otla_nb.train import make_config
from otla_nb.synthetic_set import quick_overrides
from benchkit import supervised_grid   # the script's folder is on sys.path

NOVEMBER = dict(pretrained=False, backbone_lr_mult=1., n_ids=4, n_vis=8, n_ir=8, epochs=12, warmup_epochs=2,
                milestones=(8, 11), per_add_iters=200)
SIX = dict(epochs=6, warmup_epochs=1, milestones=(4, 5))
WARM = dict(pretrained='synthetic', backbone_lr_mult=0.1)
B8 = dict(n_ids=8, n_vis=4, n_ir=4)
LEVERS = {   # name: (what changes, overrides of the preset)
    'november': ('the November preset: random weights, 4 x (8 + 8), 64 x 32, 12 epochs', NOVEMBER),
    'img48': ('images 48 x 24', {**NOVEMBER, 'img_h': 48, 'img_w': 24}),
    'img32': ('images 32 x 16', {**NOVEMBER, 'img_h': 32, 'img_w': 16}),
    'img32x24ep': ('images 32 x 16, 24 epochs (the time of 64 x 32)',
                   {**NOVEMBER, 'img_h': 32, 'img_w': 16, 'epochs': 24, 'warmup_epochs': 4, 'milestones': (16, 22)}),
    'six': ('6 epochs', {**NOVEMBER, **SIX}),
    'b8': ('8 identities x (4 + 4) a batch', {**NOVEMBER, **B8}),
    'b16': ('16 identities x (2 + 2) a batch', {**NOVEMBER, 'n_ids': 16, 'n_vis': 2, 'n_ir': 2}),
    'ids240': ('240 training identities x about 3 + 3 images (n_rgb 1, n_ir 1-2)',
               {**NOVEMBER, 'data_kw': {'size': 'demo', 'n_ids': 270, 'n_rgb': 1, 'n_ir': [1, 2]}}),
    'ids60': ('60 training identities x about 12 + 12 images (n_rgb 4, n_ir 6-8)',
              {**NOVEMBER, 'data_kw': {'size': 'demo', 'n_ids': 90, 'n_rgb': 4, 'n_ir': [6, 8]}}),
    'warm': ('warm start, backbone lr x 0.1', {**NOVEMBER, **WARM}),
    'warm6': ('warm start, backbone lr x 0.1, 6 epochs', {**NOVEMBER, **WARM, **SIX}),
    'warm_b8': ('warm start + 8 x (4 + 4), 12 epochs', {**NOVEMBER, **WARM, **B8}),
    'preset': ('the preset: warm start + 8 x (4 + 4), 12 epochs', {}),
}



def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='two rows on the tiny world, 2 batches an epoch (CI)')
    ap.add_argument('--seed', type=int, default=0, help='run seed')
    ap.add_argument('--jobs', type=int, default=2, help='runs at once (one torch thread each)')
    ap.add_argument('--only', nargs='*', choices=sorted(LEVERS), help='these rows only')
    ap.add_argument('--out', default=None, help='keep the runs here (default: a temporary folder, removed)')
    args = ap.parse_args()
    names = ['november', 'b8'] if args.quick else (args.only or list(LEVERS))
    root = Path(args.out or tempfile.mkdtemp(prefix='bench-levers-'))
    small = dict(quick_overrides(root), warmup_epochs=1, milestones=(1,), n_ids=2) if args.quick else {}
    run_kw = dict(setting='supervised', seed=args.seed, progress=False, device='cpu', out_dir=str(root/'runs'))
    cfgs = [(make_config('synthetic', **{**run_kw, **LEVERS[n][1], **small}), f'lever-{n}') for n in names]
    try:
        runs = supervised_grid(cfgs, args.jobs, f"supervised, seed {args.seed}, "
                                                f"{'tiny world' if args.quick else 'demo world'}")
        print("| lever | all-search Rank-1 | mAP | v->v | i->i | i->v | v->i | train (s) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for n, run in zip(names, runs):
            m, r = main_metrics(run), modality_rank1(run)
            print(f"| {LEVERS[n][0]} | {m['Rank-1']:.1f} | {m['mAP']:.1f} | {r['v2v']:.1f} | {r['i2i']:.1f} | "
                  f"{r['i2v']:.1f} | {r['v2i']:.1f} | {sum(h['epoch_time'] for h in run.history):.0f} |")
        if args.out:
            (root/'levers.json').write_text(json.dumps({n: str(r.out_dir) for n, r in zip(names, runs)}, indent=1))
    finally:
        if not args.out: shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
