"""Property tests (hypothesis): OTLA's Sinkhorn on any shape, dtype and sharpness in range, and the visible-label
reader.

The examples are derandomized (the same ones on every machine) and bounded in number, so the run is repeatable and
its time bounded; no assertion is on time.
"""
import math, shutil
from pathlib import Path
import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, HealthCheck, strategies as st
from otla_nb.otla import sinkhorn_assign, sinkhorn_reference
from otla_nb.labels import load_labels

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw, min_ratio:int=0):
    """Softmax predictions (N_r, N_p) of Gaussian logits at a drawn scale, a dtype and a sharpness δ;
    N_r >= min_ratio·N_p."""
    n_p = draw(st.integers(1, 40))
    n_r = draw(st.integers(max(1, min_ratio * n_p), 160 if min_ratio * n_p <= 160 else min_ratio * n_p))
    scale = draw(st.floats(1e-2, 8.))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    delta = 10 ** draw(st.floats(-2., 2.))
    seed = draw(st.integers(0, 2**31 - 1))
    z = torch.randn(n_r, n_p, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * scale
    return z.softmax(1).to(dtype), delta


@SETTINGS
@given(problems())
def test_sinkhorn_labels_in_range(problem):
    "Any shape, dtype and δ in range: (N_r,) int64 labels in [0, N_p), a finite error, and a stated convergence."
    P, delta = problem
    labels, info = sinkhorn_assign(P, delta, return_info=True)
    assert labels.shape == (P.shape[0],) and labels.dtype == torch.int64
    assert int(labels.min()) >= 0 and int(labels.max()) < P.shape[1]
    assert math.isfinite(info['error']) and isinstance(info['converged'], bool)
    assert torch.isfinite(info['log_beta']).all() and torch.isfinite(info['log_alpha']).all()


@SETTINGS
@given(problems(min_ratio=2), st.sampled_from([0, 5]))
def test_sinkhorn_matches_the_reference_loop(problem, anderson):
    """In float64, with at least two images a class, where both converge (and the reference has no NaN row): the
    reference's labels, from the plain sweeps (the reference's iterates) and from the accelerated ones."""
    # with fewer images than classes the uniform marginals make the plan's rows ties: any label is optimal
    P, delta = problem
    P = P.double()
    ours, info = sinkhorn_assign(P, delta, return_info=True, anderson=anderson)
    ref, rinfo = sinkhorn_reference(P.numpy(), delta)
    if not info['converged'] or rinfo['error'] > 0.1 or (ref < 0).any(): return
    differ = int((ours.numpy() != ref).sum())
    assert differ <= max(1, len(ref) // 100), (differ, P.shape, delta)


@SETTINGS
@given(n=st.integers(1, 60), n_cls=st.integers(1, 12), seed=st.integers(0, 2**31 - 1))
def test_visible_labels_round_trip(n, n_cls, seed, tmp_path_factory):
    """A valid label file (outliers, gaps, singletons allowed) reads back as the same partition of its clusters of >= 2
    images, numbered 0..K-1 in the order of the old numbers, the rest -1."""
    import warnings
    rng = np.random.default_rng(seed)
    lab = rng.integers(-1, n_cls, n)
    lab[rng.integers(n)] = rng.integers(0, n_cls)                     # at least one clustered image
    f = tmp_path_factory.mktemp('labels')/'labels.npy'
    np.save(f, lab.astype(rng.choice([np.int16, np.int32, np.int64])))
    kept = sorted(c for c in set(lab.tolist()) if c >= 0 and (lab == c).sum() >= 2)
    if not kept:
        with pytest.raises(ValueError, match='single image'): load_labels(f, n)
        return
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        got = load_labels(f, n)
    want = np.array([kept.index(c) if c in kept else -1 for c in lab.tolist()])
    assert got.dtype == np.int64 and np.array_equal(got, want)
    changed = kept != list(range(len(kept))) or any((lab == c).sum() == 1 for c in set(lab.tolist()) if c >= 0)
    assert bool(w) == changed and all(str(f) in str(x.message) for x in w)


@SETTINGS
@given(n=st.integers(2, 60), fault=st.sampled_from(['short', 'long', 'float', 'negative', 'all_outliers', '2d']),
       seed=st.integers(0, 2**31 - 1))
def test_visible_labels_bad_files_name_the_file(n, fault, seed, tmp_path_factory):
    "A wrong length, dtype, value or shape is a ValueError that names the file and says what was expected."
    rng = np.random.default_rng(seed)
    lab = {'short': rng.integers(0, 5, n - 1), 'long': rng.integers(0, 5, n + 1), 'float': rng.random(n),
           'negative': np.r_[rng.integers(0, 5, n - 1), -2 - rng.integers(0, 5)], 'all_outliers': np.full(n, -1),
           '2d': rng.integers(0, 5, (n, 2))}[fault]
    f = tmp_path_factory.mktemp('bad')/f'{fault}.npy'
    np.save(f, lab)
    with pytest.raises(ValueError) as e: load_labels(f, n)
    assert str(f) in str(e.value), str(e.value)


# ---------------------------------------------------------------- readers on valid and corrupted layouts
from otla_nb import synthetic
from otla_nb.cache import _load_resized
from otla_nb.data import load_dataset

WRITERS = {   # reader name -> (writer, its arguments): layouts of a few KB, rendered once per test session
    'sysu': (synthetic.write_sysu, dict(n_ids=6, n_rgb=1, n_ir=1)),
    'regdb': (synthetic.write_regdb, dict(n_ids=4, n_per_id=2, n_trials=2)),
    'market1501': (synthetic.write_market1501, dict(n_ids=4, n_per_cam=1, cams_per_id=2)),
    'dukemtmc': (synthetic.write_dukemtmc, dict(n_ids=4, n_per_cam=1, cams_per_id=2)),
    'msmt17': (synthetic.write_msmt17, dict(n_ids=4, n_per_cam=1, cams_per_id=2)),
}
FAULTS = ['none', 'delete_file', 'empty_file', 'garbage_file', 'delete_dir', 'bad_line']


@pytest.fixture(scope='module')
def layouts(tmp_path_factory):
    root = tmp_path_factory.mktemp('layouts')
    for name, (write, kw) in WRITERS.items(): write(root/name, size=(16, 8), workers=1, **kw)
    return root


def _read(name, root):
    "Every split's records as (path relative to root, pid, camid, modality), after decoding every image."
    ds = load_dataset(name, root)
    out = {}
    for split in ('train', 'query', 'gallery'):
        recs = ds.records(split)
        for r in recs: _load_resized(r.path, (16, 8))
        out[split] = sorted((str(Path(r.path).relative_to(root)), r.pid, r.camid, r.modality) for r in recs)
    return out


@settings(derandomize=True, max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(WRITERS)), fault=st.sampled_from(FAULTS), pick=st.integers(0, 10**6))
def test_readers_give_the_data_set_or_name_a_path(name, fault, pick, layouts, tmp_path_factory):
    "A valid layout reads back exactly; a corrupted one either reads as the files that remain or raises naming a path."
    root = tmp_path_factory.mktemp('case')/name
    shutil.copytree(layouts/name, root)
    files = sorted(p for p in root.rglob('*') if p.is_file() and p.name != 'synthetic.json')
    dirs = sorted(p for p in root.rglob('*') if p.is_dir())
    lists = [p for p in files if p.suffix == '.txt']
    target = {'delete_dir': dirs, 'bad_line': lists}.get(fault, files)
    assume(fault == 'none' or target)            # no list file in the Market-1501 / DukeMTMC-reID layouts
    target = target[pick % len(target)] if fault != 'none' else None
    removed = set()
    if fault in ('delete_file',):
        target.unlink()
        removed = {target}
    elif fault == 'delete_dir':
        removed = {p for p in target.rglob('*') if p.is_file()}
        shutil.rmtree(target)
    elif fault == 'empty_file': target.write_bytes(b'')
    elif fault == 'garbage_file': target.write_bytes(np.random.default_rng(pick).bytes(64))
    elif fault == 'bad_line': target.write_text(target.read_text() + 'no-such-image.jpg x y\n')
    expected = _read(name, layouts/name)
    try: got = _read(name, root)
    except (FileNotFoundError, ValueError) as e:
        assert fault != 'none', e
        assert str(root) in str(e) or str(target) in str(e), f"{fault} {target}: {e}"
        return
    gone = {str(p.relative_to(root)) for p in removed}
    for split in expected:   # what remains, with the same identities and cameras
        want = [r for r in expected[split] if r[0] not in gone]
        assert [r[0] for r in got[split]] == [r[0] for r in want], (fault, target, split)
    if fault in ('empty_file', 'garbage_file', 'bad_line'):
        assert got == expected, (fault, target)   # only a file the reader does not use may be damaged silently
