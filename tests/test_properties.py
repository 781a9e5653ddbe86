"""Property tests (hypothesis): OTLA's Sinkhorn on any shape, dtype and sharpness in range, and the visible-label reader.

The examples are derandomized (the same ones on every machine) and bounded in number, so the run is repeatable and
its time bounded; no assertion is on time.
"""
import math
import numpy as np
import pytest
import torch
from hypothesis import given, settings, HealthCheck, strategies as st
from otla_nb.otla import sinkhorn_assign, sinkhorn_reference
from otla_nb.train import load_visible_labels

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw, min_ratio:int=0):
    "Softmax predictions (N_r, N_p) of Gaussian logits at a drawn scale, a dtype and a sharpness δ; N_r >= min_ratio·N_p."
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
@given(problems(min_ratio=2))
def test_sinkhorn_matches_the_reference_loop(problem):
    "In float64, with at least two images a class, where both converge (and the reference has no NaN row): the reference's labels."
    P, delta = problem   # with fewer images than classes the uniform marginals make the plan's rows ties: any label is optimal
    P = P.double()
    ours, info = sinkhorn_assign(P, delta, return_info=True)
    ref, rinfo = sinkhorn_reference(P.numpy(), delta)
    if not info['converged'] or rinfo['error'] > 0.1 or (ref < 0).any(): return
    differ = int((ours.numpy() != ref).sum())
    assert differ <= max(1, len(ref) // 100), (differ, P.shape, delta)


@SETTINGS
@given(n=st.integers(1, 60), n_cls=st.integers(1, 12), seed=st.integers(0, 2**31 - 1))
def test_visible_labels_round_trip(n, n_cls, seed, tmp_path_factory):
    "A valid label file (outliers and gaps allowed) reads back as the same int64 labels."
    rng = np.random.default_rng(seed)
    lab = rng.integers(-1, n_cls, n)
    lab[rng.integers(n)] = rng.integers(0, n_cls)                     # at least one clustered image
    f = tmp_path_factory.mktemp('labels')/'labels.npy'
    np.save(f, lab.astype(rng.choice([np.int16, np.int32, np.int64])))
    got = load_visible_labels(f, n)
    assert got.dtype == np.int64 and np.array_equal(got, lab)


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
    with pytest.raises(ValueError) as e: load_visible_labels(f, n)
    assert str(f) in str(e.value), str(e.value)
