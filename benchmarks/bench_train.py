"""Training throughput: otla-nb's loop against a reference-style pipeline, in one run on one device.

Ours is `otla_nb.train.train_epoch` itself: both uint8 image caches resident on the device, each batch gathered by
index and augmented in one batched call (`train_transform`), bf16 autocast + channels_last + fused Adam on CUDA,
optionally `torch.compile` (`--compile`), no host sync per step. Then the OTLA step of an epoch: the eval-mode
prediction pass over every infrared image and `sinkhorn_assign` on the device (`assign_labels`).

The reference style is what the authors' code does: fp32, no channels_last, a torch `DataLoader` with worker
processes applying the per-image PIL torchvision transforms (ToPILImage, RandomGrayscale, RandomHorizontalFlip,
ToTensor, Normalize, RandomErasing) to (visible, infrared) pairs drawn by the same identity sampler, host-to-device
copies per batch, Adam (PyTorch default implementation), and a `loss.item()` per step. Same model (DEN), same
losses, same batch composition (n_ids x (n_vis + n_ir)).

Data: random uint8 images with SYSU-MM01's training counts (22,258 visible, 11,909 infrared, 395 identities) at the
training size: the pixel content does not change the cost. The epoch has the sampler's length in batches (SYSU:
epoch_passes = 1, 4 x 8 visible images a batch: 696 batches); epoch times are that many batches at the measured rate,
plus, for ours, the measured OTLA step (the reference-style epoch is given without its OTLA step, which favours it).
On CUDA: peak GPU memory (torch.cuda.max_memory_allocated) of our training step for several batch sizes.

    python benchmarks/bench_train.py [--quick] [--device auto] [--arch resnet50] [--size 288 144] [--steps 30]
                                     [--workers 8] [--compile] [--mem-ids 4 8 16 32] [--counts sysu|small] [--threads N]

`--quick` is a CI-sized run (ResNet-18, 32 x 16, a few hundred images, 2 timed batches): it checks that the script
runs, its numbers mean nothing. No assertions on time.
"""
import os, time
import numpy as np
import torch
import torchvision.transforms as T
from otla_nb.sampler import CrossModalIdentitySampler
from otla_nb.transforms import IMAGENET_MEAN, IMAGENET_STD
from otla_nb.otla import LabelBank
from otla_nb.losses import Losses
from otla_nb.build import TrainData
from otla_nb.predict import PredictSpec, assign_labels
from otla_nb.train import TrainConfig, train_epoch, _model, _optimizer
from otla_nb.model import grl_coeff
from benchkit import sync, device_name, model_arguments, model_args   # the script's folder is on sys.path

SYSU = dict(n_vis=22_258, n_ir=11_909, n_ids=395)
QUICK = dict(n_vis=320, n_ir=160, n_ids=20)


def make_world(counts, size, device, seed=0):
    "Random uint8 images on `device` with SYSU-like identity structure (every identity in both modalities)."
    g = torch.Generator(device=device).manual_seed(seed)
    h, w = size
    vis = torch.randint(0, 256, (counts['n_vis'], h, w, 3), dtype=torch.uint8, device=device, generator=g)
    ir = torch.randint(0, 256, (counts['n_ir'], h, w, 3), dtype=torch.uint8, device=device, generator=g)
    vis_lab = np.arange(counts['n_vis']) % counts['n_ids']
    ir_lab = np.arange(counts['n_ir']) % counts['n_ids']
    return TrainData(vis, ir, vis_lab.astype(np.int64), ir_lab.astype(np.int64), vis_lab.astype(np.int64),
                     counts['n_ids'], None)


def config(args, device, **kw):
    kw = {'compile': args.compile, **kw}
    return TrainConfig(dataset='synthetic', arch=args.arch, pretrained=False, img_h=args.size[0], img_w=args.size[1],
                       device=str(device), progress=False, test_batch=args.test_batch, **kw)


def bench_ours(args, data, device, n_ids=4):
    "Seconds per batch of `train_epoch` (after warm-up) and seconds of one OTLA step (prediction pass + Sinkhorn)."
    cfg = config(args, device, n_ids=n_ids, max_batches=args.warmup)
    model, losses = _model(cfg, data.n_classes, device), Losses(cfg)
    opt = _optimizer(model, cfg)
    sampler = CrossModalIdentitySampler(data.vis_labels, len(data.ir_true), cfg.n_ids, cfg.n_vis, cfg.n_ir, seed=0)
    step, _ = train_epoch(model, opt, sampler, data, losses, cfg, 0, 0, device)          # warm-up (and compilation)
    cfg.max_batches = args.steps
    sync(device)
    t = time.perf_counter()
    step, stats = train_epoch(model, opt, sampler, data, losses, cfg, 1, step, device)
    sync(device)
    t_batch = (time.perf_counter() - t) / stats['batches']
    bank = LabelBank(len(data.ir_true), data.n_classes, device=device)
    spec = PredictSpec.of(cfg)
    assign_labels(model, data.ir_images, bank, spec, device, ir_true=data.ir_true)                     # warm-up
    sync(device)
    t = time.perf_counter()
    rec = assign_labels(model, data.ir_images, bank, spec, device, ir_true=data.ir_true)
    sync(device)
    return t_batch, time.perf_counter() - t, rec['otla_time'], len(sampler)


class PairSet(torch.utils.data.Dataset):
    "(visible, infrared) pairs by index, transformed per image with PIL, as the reference's data set."
    def __init__(self, vis, ir, vis_lab):
        self.vis, self.ir, self.vis_lab = vis, ir, vis_lab
        norm = [T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD), T.RandomErasing(p=0.5)]
        self.tv = T.Compose([T.ToPILImage(), T.RandomGrayscale(p=0.5), T.RandomHorizontalFlip(), *norm])
        self.tr = T.Compose([T.ToPILImage(), T.RandomHorizontalFlip(), *norm])

    def __len__(self): return len(self.vis)

    def __getitem__(self, idx):
        v, r, pid = idx
        return self.tv(self.vis[v]), self.tr(self.ir[r]), int(self.vis_lab[v]), int(pid)


def ref_batches(sampler, n_ir, n):
    "The identity sampler's batches as lists of (visible, infrared, identity) triples, `n` of them."
    out = []
    for b, (vi, ri, pids) in enumerate(sampler):
        if b >= n: break
        out.append(list(zip(vi.tolist(), ri.tolist(), np.repeat(pids, n_ir).tolist())))
    return out


def bench_reference(args, data_np, device, n_ids=4):
    """Seconds per batch of a reference-style step: DataLoader workers + per-image PIL transforms, fp32, .item() per
    step."""
    vis, ir, vis_lab, n_classes = data_np
    cfg = config(args, device, n_ids=n_ids, amp=False, channels_last=False, compile=False)
    model, losses = _model(cfg, n_classes, device), Losses(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sampler = CrossModalIdentitySampler(vis_lab, len(ir), cfg.n_ids, cfg.n_vis, cfg.n_ir, seed=0)
    batches = ref_batches(sampler, cfg.n_ir, args.warmup + args.steps)
    loader = torch.utils.data.DataLoader(PairSet(vis, ir, vis_lab), batch_sampler=batches, num_workers=args.workers,
                                         pin_memory=device.type == 'cuda', persistent_workers=False)
    model.train()
    t0 = None
    for b, (xv, xr, yv, yr) in enumerate(loader):
        if b == args.warmup:
            sync(device)
            t0 = time.perf_counter()
        x = torch.cat([xv, xr]).to(device)
        yv, yr = yv.to(device), yr.to(device)
        out = model(x, grl_coeff=grl_coeff(b, cfg.grl_tau, cfg.grl_max_iter))
        loss, _ = losses(out, yv, yr)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
    sync(device)
    return (time.perf_counter() - t0) / args.steps


def peak_memory(args, data, device, ids):
    "Peak allocated GPU memory (GiB) of our training step with `ids` identities a batch (16 images each)."
    rows = []
    for n in ids:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
        cfg = config(args, device, n_ids=n, max_batches=2)
        model, losses = _model(cfg, data.n_classes, device), Losses(cfg)
        opt = _optimizer(model, cfg)
        sampler = CrossModalIdentitySampler(data.vis_labels, len(data.ir_true), n, cfg.n_vis, cfg.n_ir, seed=0)
        try:
            train_epoch(model, opt, sampler, data, losses, cfg, 0, 0, device)
            rows.append((n * (cfg.n_vis + cfg.n_ir), (torch.cuda.max_memory_allocated(device) - base) / 2**30))
        except torch.cuda.OutOfMemoryError: rows.append((n * (cfg.n_vis + cfg.n_ir), float('nan')))
        del model, opt
    return rows


def main():
    ap = model_arguments(__doc__, 'CI-sized run (ResNet-18, 32 x 16, tiny set)',
                         "'auto' (cuda if available), 'cpu', 'cuda'")
    ap.add_argument('--steps', type=int, default=30, help='timed batches per pipeline')
    ap.add_argument('--warmup', type=int, default=5, help='untimed batches first')
    ap.add_argument('--workers', type=int, default=8, help='DataLoader workers of the reference-style pipeline')
    ap.add_argument('--test-batch', type=int, default=512, help='batch of our prediction pass')
    ap.add_argument('--compile', action='store_true', help='torch.compile our backbone')
    ap.add_argument('--mem-ids', type=int, nargs='*', default=[4, 8, 16, 32],
                    help='CUDA: identities per batch for the memory table')
    ap.add_argument('--counts', choices=['sysu', 'small'], default=None,
                    help="image counts: SYSU-MM01's (default) or 320 + 160 "
                         "(default with --quick; the epoch is then short)")
    args, device = model_args(ap)
    if args.quick:
        args.arch, args.size, args.steps, args.warmup, args.workers, args.mem_ids = \
            'resnet18', [32, 16], 2, 1, 1, [2, 4]
    if device.type == 'cuda' and not torch.cuda.is_available(): ap.error('--device cuda but no GPU is visible')
    name = device_name(device)
    counts = {'sysu': SYSU, 'small': QUICK}[args.counts or ('small' if args.quick else 'sysu')]
    print(f"torch {torch.__version__}, device {device} ({name}), {torch.get_num_threads()} torch threads, "
          f"{os.cpu_count()} CPUs, {args.arch} at {args.size[0]}x{args.size[1]}, batch 4x(8+8) = 64 images, "
          f"{counts['n_vis']:,} + {counts['n_ir']:,} images, {args.steps} timed batches, {args.workers} loader workers"
          + (", compiled" if args.compile else ''), flush=True)
    data = make_world(counts, tuple(args.size), device)
    t_ours, t_assign, t_otla, n_batches = bench_ours(args, data, device)
    print(f"ours:      {64 / t_ours:9.1f} img/s ({t_ours*1e3:.1f} ms/batch); OTLA step {t_assign:.2f} s "
          f"(of which Sinkhorn {t_otla*1e3:.1f} ms)", flush=True)
    data_np = (data.vis_images.cpu().numpy(), data.ir_images.cpu().numpy(), data.vis_labels, data.n_classes)
    if device.type == 'cuda':
        data.vis_images = data.ir_images = None
        torch.cuda.empty_cache()
    t_ref = bench_reference(args, data_np, device)
    print(f"reference: {64 / t_ref:9.1f} img/s ({t_ref*1e3:.1f} ms/batch)", flush=True)
    e_ours, e_ref = n_batches * t_ours + t_assign, n_batches * t_ref
    print(f"\n| pipeline | images/s | ms/batch | epoch of {n_batches} batches (s) |\n|---|---:|---:|---:|\n"
          f"| reference style (fp32, PIL per image, {args.workers} workers) "
          f"| {64/t_ref:.1f} | {t_ref*1e3:.1f} | {e_ref:.1f} |\n"
          f"| ours (train_epoch{', compiled' if args.compile else ''}) + OTLA step "
          f"| {64/t_ours:.1f} | {t_ours*1e3:.1f} | {e_ours:.1f} |\n"
          f"\nspeed-up: {t_ref/t_ours:.2f}x images/s, {e_ref/e_ours:.2f}x per epoch (ours including its OTLA step)")
    if counts is not SYSU:
        n_sysu = SYSU['n_vis'] // 32 + 1
        print(f"SYSU-sized epoch ({n_sysu} batches, training only, at these rates): reference {n_sysu*t_ref:.0f} s, "
              f"ours {n_sysu*t_ours:.0f} s")
    if device.type == 'cuda':
        data = make_world(counts, tuple(args.size), device)
        rows = peak_memory(args, data, device, args.mem_ids)
        print("\n| batch (images) | peak GPU memory of a training step (GiB, above the resident image cache) |\n"
              "|---:|---:|")
        for b, m in rows: print(f"| {b} | {m:.2f} |")


if __name__ == '__main__':
    main()
