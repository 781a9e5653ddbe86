"""Why OTLA's infrared labels are where they are: finished runs' final predictions relabelled every way at once.

For each run directory given, the model's softmax predictions of every infrared training image (eval mode, OTLA's
default pass) are labelled by the classifier's argmax and by OTLA at several sharpnesses δ (Eq. 3), and scored
against the true identities: accuracy (%), the largest label's share (%) and the labels in use. The run's own label
bank (what it trained on last) is scored beside them, with the mean entropy and top probability of the predictions;
the last two columns predict again with BatchNorm statistics re-estimated on the infrared images alone (as a pass in
train mode on infrared-only batches, the reference's prediction pass, sees them).

    python benchmarks/bench_labels.py RUN_DIR [RUN_DIR ...] [--deltas 1 5 10 25 50 100]
    python benchmarks/bench_labels.py --quick          # trains a seconds-sized run on the tiny world first (CI)
"""
import argparse, copy, tempfile
from pathlib import Path
import numpy as np
import torch
from otla_nb.otla import sinkhorn_assign
from otla_nb.transforms import test_transform
from otla_nb.predict import PredictSpec, ot_logits, predict
from otla_nb.train import fit, make_config, train_data
from otla_nb.synthetic_set import quick_overrides
from otla_nb.runs import load_run
from benchkit import cpu_model   # the script's folder is on sys.path


def score(labels:np.ndarray, truth:np.ndarray, n:int)->str:
    "Accuracy, largest label's share (percent) and labels in use."
    c = np.bincount(labels, minlength=n)
    return f"{100 * (labels == truth).mean():.1f} / {100 * c.max() / c.sum():.1f} / {(c > 0).sum()}"


@torch.no_grad()
def infrared_bn(model, images, cfg, batch:int=64):
    "A copy of `model` whose BatchNorm statistics are the infrared images' own (cumulative averages over batches)."
    m = copy.deepcopy(model)
    bns = [b for b in m.modules() if isinstance(b, torch.nn.modules.batchnorm._BatchNorm)]
    for b in bns:
        b.reset_running_stats()
        b.momentum = None
    m.train()
    spec = PredictSpec.of(cfg)
    for s in range(0, len(images), batch): ot_logits(m, test_transform(images[s:s + batch]), spec, torch.device('cpu'))
    return m.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('runs', nargs='*', help='run directories (from fit / cached_fit)')
    ap.add_argument('--deltas', type=float, nargs='+', default=[1., 5., 10., 25., 50., 100.])
    ap.add_argument('--quick', action='store_true', help='a tiny run first, scored (CI)')
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix='bench-labels-') if args.quick else None
    if args.quick:
        cfg = make_config('synthetic', **quick_overrides(tmp.name), setting='semi', out_dir=str(Path(tmp.name)/'run'))
        args.runs = [str(fit(cfg).out_dir)]
    if not args.runs: ap.error('name at least one run directory, or --quick')
    print(f"{cpu_model()}; each cell: accuracy / largest label's share / labels in use (infrared training images)\n")
    print('| run | setting, switches | entropy / top p | bank | argmax | ' +
          ' | '.join(f'OTLA δ {d:g}' for d in args.deltas) + ' | argmax, IR BN | OTLA δ 25, IR BN |')
    print('|---' * (6 + len(args.deltas)) + '|---|')
    for d in args.runs:
        run = load_run(d)
        cfg, data = run.config, train_data(run.config, torch.device('cpu'))
        spec = PredictSpec.of(cfg)
        p = predict(run.model, data.ir_images, spec, torch.device('cpu'))
        truth, n = data.ir_true, data.n_classes
        ent = float(-(p * p.clamp_min(1e-12).log()).sum(1).mean())
        cells = [score(run.bank.labels.numpy(), truth, n), score(p.argmax(1).numpy(), truth, n)]
        cells += [score(sinkhorn_assign(p, delta).numpy(), truth, n) for delta in args.deltas]
        q = predict(infrared_bn(run.model, data.ir_images, cfg), data.ir_images, spec, torch.device('cpu'))
        cells += [score(q.argmax(1).numpy(), truth, n), score(sinkhorn_assign(q, 25.).numpy(), truth, n)]
        sw = ', '.join(k for k in ('use_grl', 'use_pal', 'use_otla') if getattr(cfg, k)) or 'none'
        top = float(p.max(1).values.mean())
        print(f"| {Path(d).name} | {cfg.setting}, {sw}, seed {cfg.seed} | {ent:.2f} / {top:.2f} | "
              + ' | '.join(cells) + ' |')
    if tmp: tmp.cleanup()


if __name__ == '__main__':
    main()
