"""SYSU-MM01 all-search evaluation: ranking time of 10 trials (numpy per trial, torch per trial, torch batched) against
the forward pass that produces the features.

Shapes of the real protocol: 3,803 infrared queries; 10 trials, each a single-shot visible gallery of 301 images drawn
from the same 96 test identities (4 visible cameras, several images per identity and camera). The features of every
image are extracted once: the queries and the *union* of the trials' galleries. Each trial is then ranked three ways,
on the CPU and (when there is one) on the GPU, all in one run:

- numpy, per trial: `eval_sysu((-fq @ fg[sel].T).cpu().numpy(), ...)` — distances on the device, metrics in numpy;
- torch, per trial: `eval_sysu(-fq @ fg[sel].T, ...)` — metrics in torch on the features' device;
- torch, batched: `eval_sysu_trials(-fq @ fg.T, ..., trials)` — one batched call for all trials.

The three must give the same numbers (the max difference is printed). Features are synthetic (unit vectors around one
centre per identity, the model's feature width). The forward pass is DEN's `embed` (BNNeck output) through
`test_transform`, with bf16 autocast and channels_last on CUDA as `otla_nb.evaluate.extract` does; on the CPU it is
timed on `--fwd-images` images (64 by default) and scaled to the protocol's image count (stated in the output).

    python benchmarks/bench_eval.py [--quick] [--device auto] [--arch resnet50] [--size 288 144] [--fwd-images N]

No assertions on time.
"""
import os, time
import numpy as np
import torch
from otla_nb.transforms import test_transform
from otla_nb.model import DEN
from otla_nb.metrics import eval_sysu, eval_sysu_trials
from benchkit import sync, timed, device_name, model_arguments, model_args   # the script's folder is on sys.path

N_QUERY, N_GALLERY, N_IDS, IMGS_PER_SLOT = 3_803, 301, 96, 20


def problem(dim, n_trials, seed=0):
    "Query features/ids/cameras; the union gallery's features/ids/cameras; per trial its column indices into the union."
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(N_IDS, dim)).astype(np.float32)
    q_pids, q_cams = rng.integers(0, N_IDS, N_QUERY), rng.choice([3, 6], N_QUERY)
    picks = []                                            # per trial: (identity, camera) slots, one image of each
    for _ in range(n_trials):
        slots = rng.choice(N_IDS * 4, size=N_GALLERY, replace=False)
        picks.append(slots * IMGS_PER_SLOT + rng.integers(0, IMGS_PER_SLOT, N_GALLERY))
    union, inv = np.unique(np.concatenate(picks), return_inverse=True)
    trials = np.split(inv, n_trials)                      # each trial's columns of the union, in its gallery order
    slot = union // IMGS_PER_SLOT
    g_pids, g_cams = slot // 4, np.array([1, 2, 4, 5])[slot % 4]
    def feats(pids):
        f = torch.from_numpy(centres[pids] + 2.0 * rng.normal(size=(len(pids), dim)).astype(np.float32))
        return torch.nn.functional.normalize(f, dim=1)
    return feats(q_pids), q_pids, q_cams, feats(g_pids), g_pids, g_cams, trials


def rank_numpy(fq, fg, q_pids, g_pids, q_cams, g_cams, trials):
    "Per trial: distances on the device, then the numpy `eval_sysu` (what `evaluate` did before)."
    return [eval_sysu((-fq @ fg[torch.as_tensor(t, device=fg.device)].T).cpu().numpy(),
                      q_pids, g_pids[t], q_cams, g_cams[t])
            for t in trials]


def rank_torch(fq, fg, q_pids, g_pids, q_cams, g_cams, trials):
    "Per trial: distances and `eval_sysu` in torch on the device."
    return [eval_sysu(-fq @ fg[torch.as_tensor(t, device=fg.device)].T, q_pids, g_pids[t], q_cams, g_cams[t])
            for t in trials]


def rank_batched(fq, fg, q_pids, g_pids, q_cams, g_cams, trials):
    "All trials in one `eval_sysu_trials` call on the distances to the union gallery."
    return eval_sysu_trials(-fq @ fg.T, q_pids, g_pids, q_cams, g_cams, trials)


def metrics_only(dev, fq, fg, q_pids, g_pids, q_cams, g_cams, trials):
    "The three rankings given distances already computed (numpy: already on the host): (label, fn, args) each."
    sels = [torch.as_tensor(t, device=dev) for t in trials]
    d_trials = [-fq @ fg[s].T for s in sels]
    d_host = [d.cpu().numpy() for d in d_trials]
    d_union = -fq @ fg.T
    ids = [(g_pids[t], g_cams[t]) for t in trials]
    return {'numpy, per trial': lambda: [eval_sysu(d, q_pids, gp, q_cams, gc) for d, (gp, gc) in zip(d_host, ids)],
            'torch, per trial': lambda: [eval_sysu(d, q_pids, gp, q_cams, gc) for d, (gp, gc) in zip(d_trials, ids)],
            'torch, batched': lambda: eval_sysu_trials(d_union, q_pids, g_pids, q_cams, g_cams, trials)}


def max_diff(a, b):
    return max(max(np.abs(x[0] - y[0]).max(), abs(x[1] - y[1]), abs(x[2] - y[2])) for x, y in zip(a, b))


@torch.no_grad()
def forward_time(model, n_images, size, batch, device, amp):
    "Seconds to embed `n_images` random uint8 images in batches of `batch` (after one warm-up batch)."
    x8 = torch.randint(0, 256, (min(batch, n_images), *size, 3), dtype=torch.uint8, device=device)
    def run(n):
        for s in range(0, n, batch):
            x = test_transform(x8[:min(batch, n - s)])
            if device.type == 'cuda': x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp): model.embed(x)
    run(min(batch, n_images))
    sync(device)
    t = time.perf_counter()
    run(n_images)
    sync(device)
    return time.perf_counter() - t


def main():
    ap = model_arguments(__doc__, 'CI-sized run (2 trials, ResNet-18 at 32 x 16 on 64 images)',
                         'device of the forward pass; ranking runs on the CPU and on it')
    ap.add_argument('--batch', type=int, default=512, help='forward batch')
    ap.add_argument('--trials', type=int, default=10)
    ap.add_argument('--fwd-images', type=int, default=None,
                    help='images to time the forward pass on (default: all on CUDA, 64 on the CPU)')
    ap.add_argument('--repeats', type=int, default=3, help='timed repeats of each ranking (median)')
    args, device = model_args(ap)
    if args.quick:
        args.arch, args.size, args.fwd_images, args.batch, args.repeats, args.trials = \
            'resnet18', [32, 16], 64, 64, 1, 2
    name = device_name(device)
    torch.manual_seed(0)
    model = DEN(N_IDS, arch=args.arch, pretrained=False).to(device).eval()
    if device.type == 'cuda': model = model.to(memory_format=torch.channels_last)
    dim = model.embed(torch.zeros(2, 3, *args.size, device=device)).shape[1]
    fq, q_pids, q_cams, fg, g_pids, g_cams, trials = problem(dim, args.trials)
    n_images = N_QUERY + len(g_pids)
    print(f"torch {torch.__version__}, device {device} ({name}), {torch.get_num_threads()} torch threads, "
          f"{os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; {N_QUERY:,} queries x {args.trials} trials x {N_GALLERY} gallery "
          f"(union gallery {len(g_pids):,}), feature dim {dim}; {args.arch} at {args.size[0]}x{args.size[1]}, "
          f"forward on {n_images:,} images", flush=True)
    rows, best = [], None
    for dev in dict.fromkeys([torch.device('cpu'), device]):
        data = (fq.to(dev), fg.to(dev), q_pids, g_pids, q_cams, g_cams, trials)
        only = metrics_only(dev, *data)
        for label, fn in [('numpy, per trial', rank_numpy), ('torch, per trial', rank_torch),
                          ('torch, batched', rank_batched)]:
            t, r = timed(fn, dev, args.repeats, *data)
            t_m, _ = timed(only[label], dev, args.repeats)
            if label.startswith('numpy'): t_np, t_np_m, r_np = t, t_m, r
            rows.append((dev.type, label, t, t_np / t, t_m, t_np_m / t_m, max_diff(r, r_np)))
            if dev == device and (best is None or t < best[1]): best = (label, t, r)
    n_fwd = args.fwd_images or (n_images if device.type == 'cuda' else 64)
    n_fwd = min(n_fwd, n_images)
    t_fwd = forward_time(model, n_fwd, tuple(args.size), args.batch, device, device.type == 'cuda') * n_images / n_fwd
    scaled = '' if n_fwd == n_images else f" (timed on {n_fwd} images, scaled x{n_images / n_fwd:.1f})"
    print(f"\n{args.trials} trials; end to end = distances on the device + metrics; "
          f"metrics only = from precomputed distances "
          f"(numpy: already on the host); speed-up = numpy per trial / this, same device, same column\n\n"
          f"| device | ranking | end to end (ms) | speed-up | metrics only (ms) | speed-up "
          f"| per trial, metrics (ms) | max diff vs numpy |\n"
          f"|---|---|---:|---:|---:|---:|---:|---:|")
    for dev, label, t, speed, t_m, speed_m, diff in rows:
        print(f"| {dev} | {label} | {t*1e3:.1f} | {speed:.2f}x | {t_m*1e3:.1f} | {speed_m:.2f}x "
              f"| {t_m / args.trials * 1e3:.1f} | {diff:.1e} |")
    label, t_rank, res = best
    r1, mAP = np.mean([r[0][0] for r in res]), np.mean([r[1] for r in res])
    print(f"\nforward pass on {device.type}, {n_images:,} images{scaled}: {t_fwd*1e3:.1f} ms; "
          f"fastest ranking on {device.type} "
          f"({label}): {t_rank*1e3:.1f} ms; ranking / forward = {t_rank / t_fwd:.4f}; median of {args.repeats} "
          f"(synthetic features: Rank-1 {r1:.1%}, mAP {mAP:.1%})")


if __name__ == '__main__':
    main()
