"""The modality gap on pixels, with no model: `otla_nb.render.modality_gap` for the world's defaults, each infrared
field moved alone, and the two controls (no gap; no shared brightness cue). The table of `01_render` and BENCHMARKS.md.

Each row renders `--ids` identities at one still pose by visible cameras 1, 2 and infrared cameras 3, 6 of a SYSU-MM01
layout and compares grey values by Pearson correlation over the pixels both persons cover: the same person's mean
correlation infrared->visible, another person's, and nearest-neighbour Rank-1 (%) infrared->visible,
visible->visible and infrared->infrared; the last column is infrared->visible Rank-1 on whole images.

    python benchmarks/bench_gap.py [--quick] [--ids 40] [--seed 0]

`--quick` runs three rows with 6 identities: it checks that the script runs, its numbers mean little.
"""
import time
from otla_nb.render import RenderOpts, make_opts, modality_gap
from benchkit import cpu_model, arguments   # the script's folder is on sys.path

ROWS = {   # name: (what the world changes from the defaults, RenderOpts overrides)
    'defaults': ('the defaults', {}),
    'no_gap': ('control: no gap (every share 1, no noise, blur or gain spread)',
               dict(ir_luma=1., ir_accessory=1., ir_hair=1., ir_skin=1., noise=0., blur=0., cast=0.)),
    'no_cue': ('control: no shared brightness (every share 0)', dict(ir_luma=0., ir_accessory=0., ir_hair=0.,
                                                                     ir_skin=0.)),
    'acc0_hair0': ('hat, bag, shoes and hair: own NIR term only', dict(ir_accessory=0., ir_hair=0.)),
    'acc0': ('hat, bag, shoes: own NIR term only (ir_accessory 0)', dict(ir_accessory=0.)),
    'hair0': ('natural hair: own NIR term only (ir_hair 0)', dict(ir_hair=0.)),
    'luma1': ('garments: a grey copy of luma (ir_luma 1)', dict(ir_luma=1.)),
    'skin': ('skin follows its tone (ir_skin 0.8)', dict(ir_skin=.8)),
    'gain0': ('no infrared gain spread (ir_gain 0)', dict(ir_gain=0.)),
    'gain3': ('3 x the infrared gain spread (ir_gain 3)', dict(ir_gain=3.)),
    'sharp': ('sharper infrared optics (ir_blur 0.5)', dict(ir_blur=.5)),
    'blurry': ('blurrier infrared optics (ir_blur 2)', dict(ir_blur=2.)),
    'noise0': ('no infrared noise (ir_noise 0)', dict(ir_noise=0.)),
    'noise3': ('3 x the infrared noise (ir_noise 3)', dict(ir_noise=3.)),
    'bg0': ('black infrared scenes (ir_background 0)', dict(ir_background=0.)),
    'bg2': ('brighter infrared scenes (ir_background 2)', dict(ir_background=2.)),
}


def main():
    ap = arguments(__doc__, 'three rows, 6 identities (CI)')
    ap.add_argument('--ids', type=int, default=40, help='identities per row')
    ap.add_argument('--seed', type=int, default=0, help='seeds identities, cameras and images')
    args = ap.parse_args()
    names, n = (['defaults', 'no_gap', 'no_cue'], 6) if args.quick else (list(ROWS), args.ids)
    t = time.perf_counter()
    print(f"{cpu_model()}; {n} identities, seed {args.seed}; defaults {RenderOpts()}\n")
    print("| world | r i->v same | r i->v other | Rank-1 i->v | Rank-1 v->v | Rank-1 i->i | Rank-1 i->v, whole image |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for k in names:
        o = make_opts(**ROWS[k][1])
        g, w = modality_gap(o, n, args.seed), modality_gap(o, n, args.seed, person=False)
        print(f"| {ROWS[k][0]} | {g['r_i2v']:.2f} | {g['r_i2v_other']:.2f} | {g['rank1_i2v']:.0f} | "
              f"{g['rank1_v2v']:.0f} | {g['rank1_i2i']:.0f} | {w['rank1_i2v']:.0f} |")
    print(f"\n{time.perf_counter() - t:.0f} s")


if __name__ == '__main__':
    main()
