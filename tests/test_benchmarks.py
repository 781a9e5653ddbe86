"Every benchmark runs in its CI-sized mode (`--quick`) and prints its table; nothing here checks a time."
import json, os, subprocess, sys
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
    assert list(parts) == ['otla', 'speed', 'evidence', 'precision', 'evaluate', 'memory']   # headline first
    assert not [p for p, v in parts.items() if 'error' in v]
    assert all(v.startswith('100.0000%') for k, v in parts['otla'].items() if 'equal labels' in k)
    ev = parts['evaluate']
    assert ev['device equals CPU (float32, TF32 off: metrics within 1e-4, or only near-ties differ)'] is True
    assert ev['queries whose nearest gallery image differs device/CPU (float32), of them near-ties'] == '0, 0'
    assert parts['precision']['compile'].startswith('skipped: on the CPU')   # a reason, never a failure
    assert all(v.startswith('True') for k, v in parts['precision'].items() if 'rel. diff' in k)
    assert parts['precision']['steps without a copy from the host or a sync'].startswith('clean')   # StepTrap held
    assert parts['evidence']['epochs run'] == 2 and len(parts['evidence']['per epoch']) == 2
    assert (tmp_path/'out'/'gpu_check.md').read_text().startswith('# gpu_check')
    # a bad device is refused before anything runs
    bad = subprocess.run([sys.executable, str(script), '--device', 'cuda:7' if not torch.cuda.is_available() else 'foo',
                          '--out', str(tmp_path/'bad')], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and '--device' in bad.stderr


def test_gpu_check_reuses_its_work_folder(tmp_path):
    "A second run into the same --work starts its evidence run afresh instead of refusing the folder."
    script = BENCH[0].parent/'gpu_check.py'
    for out in ('a', 'b'):
        r = subprocess.run([sys.executable, str(script), '--device', 'cpu', '--quick', '--parts', 'evidence',
                            '--out', str(tmp_path/out), '--work', str(tmp_path/'work')],
                           cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
        assert json.loads((tmp_path/out/'gpu_check.json').read_text())['parts']['evidence']['epochs run'] == 2


def test_gpu_check_sizes_what_a_bare_machine_lacks(tmp_path, monkeypatch):
    "Shared memory bounds the loader's workers; a missing compiler is a reason to skip, named."
    sys.path.insert(0, str(BENCH[0].parent))
    import gpu_check
    workers, free_mib = gpu_check.shm_workers(16, 1, path=str(tmp_path))
    assert workers == 16 and free_mib > 0
    assert gpu_check.shm_workers(16, 2 ** 60, path=str(tmp_path))[0] == 0          # nothing fits: load in-process
    assert gpu_check.shm_workers(16, 1, path=str(tmp_path/'absent')) == (16, None)  # no such folder: no limit
    monkeypatch.delenv('CC', raising=False)
    monkeypatch.setenv('PATH', str(tmp_path))
    assert 'no C compiler' in gpu_check.compile_blocker('cpu')
    assert 1 <= gpu_check.usable_cpus() <= (os.cpu_count() or 1)
