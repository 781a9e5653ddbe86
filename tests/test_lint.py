"""The notebooks, the exported modules, the benchmarks and the tests pass ruff's checks as `pyproject.toml`
(`[tool.ruff]`) sets them."""
import subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def _ruff(*args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'ruff', 'check', '--no-cache', *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)

def test_ruff_clean():
    pytest.importorskip('ruff')
    r = _ruff('nbs', 'otla_nb', 'benchmarks', 'tests')
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]

@pytest.mark.parametrize('code, rule', [('import os\n', 'F401'), ('a = 1; b = 2\n', 'E702'),
                                        (f"a = '{'x' * 120}'\n", 'E501')])
def test_ruff_catches(tmp_path, code, rule):
    """The configuration is live: an unused import, statements joined with `;` or a line over 120 characters, in a file
    under the same settings, fail."""
    pytest.importorskip('ruff')
    (tmp_path/'bad.py').write_text(code)
    r = _ruff('--config', str(ROOT/'pyproject.toml'), str(tmp_path/'bad.py'), cwd=tmp_path)
    assert r.returncode != 0 and rule in r.stdout, r.stdout

def test_pre_commit_hooks_run_installed_commands():
    "`.pre-commit-config.yaml`'s local hooks: nbdev_clean, nbdev_export and ruff, commands the dev install provides."
    import shutil
    yaml = pytest.importorskip('yaml')
    repos = yaml.safe_load((ROOT/'.pre-commit-config.yaml').read_text())['repos']
    hooks = {h['id']: h for r in repos for h in r['hooks']}
    assert list(hooks) == ['nbdev_clean', 'nbdev_export', 'ruff']
    for h in hooks.values():
        assert h['language'] == 'system' and shutil.which(h['entry'].split()[0]), h
