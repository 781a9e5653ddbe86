"Package-level checks: the generated modules match the notebooks, and every public name is documented."
import importlib, inspect, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (ROOT/'otla_nb').glob('*.py') if not p.stem.startswith('_'))

def test_modules_in_sync_with_notebooks(tmp_path):
    "`nbdev_export` on a copy of the notebooks reproduces `otla_nb/` byte for byte."
    for name in ('nbs', 'otla_nb'): shutil.copytree(ROOT/name, tmp_path/name, ignore=shutil.ignore_patterns('__pycache__'))
    for name in ('settings.ini', 'setup.py', 'pyproject.toml'): shutil.copy(ROOT/name, tmp_path/name)
    exe = Path(sys.executable).with_name('nbdev_export')
    subprocess.run([str(exe) if exe.exists() else 'nbdev_export'], cwd=tmp_path, check=True, capture_output=True)
    stale = [p.name for p in (ROOT/'otla_nb').glob('*.py')
             if (tmp_path/'otla_nb'/p.name).read_text() != p.read_text()]
    assert not stale, f"otla_nb/ is out of sync with nbs/ for {stale}: run nbdev_export and commit"

@pytest.mark.parametrize('mod', MODULES)
def test_public_names_documented(mod):
    "Every name a module exports has a docstring."
    m = importlib.import_module(f'otla_nb.{mod}')
    names = getattr(m, '__all__', [])
    undocumented = [n for n in names if (inspect.isfunction(getattr(m, n)) or inspect.isclass(getattr(m, n)))
                    and not inspect.getdoc(getattr(m, n))]
    assert not undocumented, f"otla_nb.{mod}: no docstring for {undocumented}"
