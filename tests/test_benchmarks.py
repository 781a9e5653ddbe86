"Every benchmark runs in its CI-sized mode (`--quick`) and prints its table; nothing here checks a time."
import json, subprocess, sys
from pathlib import Path
import pytest
import torch

BENCH = sorted((Path(__file__).resolve().parents[1]/'benchmarks').glob('bench_*.py'))

@pytest.mark.parametrize('script', BENCH, ids=lambda p: p.stem)
def test_benchmark_quick(script, tmp_path):
    r = subprocess.run([sys.executable, str(script), '--quick'], cwd=tmp_path, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip(), f"{script.name} printed nothing"


def test_gpu_check_quick(tmp_path):
    "The prepared GPU check in its CPU quick mode: every part runs and reports, nothing errs, the checks hold."
    script = BENCH[0].parent/'gpu_check.py'
    r = subprocess.run([sys.executable, str(script), '--device', 'cpu', '--quick', '--out', str(tmp_path/'out'),
                        '--work', str(tmp_path/'work')], cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rep = json.loads((tmp_path/'out'/'gpu_check.json').read_text())
    parts = rep['parts']
    assert list(parts) == ['otla', 'precision', 'evaluate', 'speed', 'memory', 'evidence']
    assert not [p for p, v in parts.items() if 'error' in v]
    assert all(v.startswith('100.0000%') for k, v in parts['otla'].items() if 'equal labels' in k)
    assert parts['evaluate']['device equals CPU within 1e-4 (float32, TF32 off)'] is True
    assert all(v.startswith('True') for k, v in parts['precision'].items() if 'rel. diff' in k)
    assert parts['evidence']['epochs run'] == 2 and len(parts['evidence']['per epoch']) == 2
    assert (tmp_path/'out'/'gpu_check.md').read_text().startswith('# gpu_check')
    # a bad device is refused before anything runs
    bad = subprocess.run([sys.executable, str(script), '--device', 'cuda:7' if not torch.cuda.is_available() else 'foo',
                          '--out', str(tmp_path/'bad')], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and '--device' in bad.stderr
