"Every benchmark runs in its CI-sized mode (`--quick`) and prints its table; nothing here checks a time."
import subprocess, sys
from pathlib import Path
import pytest

BENCH = sorted((Path(__file__).resolve().parents[1]/'benchmarks').glob('bench_*.py'))

@pytest.mark.parametrize('script', BENCH, ids=lambda p: p.stem)
def test_benchmark_quick(script, tmp_path):
    r = subprocess.run([sys.executable, str(script), '--quick'], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip(), f"{script.name} printed nothing"
