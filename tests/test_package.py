"Package-level checks: the generated modules match the notebooks, and every public name is documented."
import ast, importlib, inspect, json, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (ROOT/'otla_nb').glob('*.py') if not p.stem.startswith('_'))

def test_modules_in_sync_with_notebooks(tmp_path):
    "`nbdev_export` on a copy of the notebooks reproduces `otla_nb/` byte for byte."
    for name in ('nbs', 'otla_nb'):
        shutil.copytree(ROOT/name, tmp_path/name, ignore=shutil.ignore_patterns('__pycache__'))
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

def _notebook_of(mod:str)->str:
    "The notebook a generated module comes from (its 'File to edit' header)."
    head = (ROOT/'otla_nb'/f'{mod}.py').read_text().split('\n', 4)
    return next(l.split('../nbs/')[1].rstrip('.') for l in head if 'File to edit' in l)

def _package_imports(mod:str)->set:
    "The otla_nb modules that `mod` imports anywhere in its code (at the top or inside a function)."
    tree = ast.parse((ROOT/'otla_nb'/f'{mod}.py').read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level == 1 or base == 'otla_nb':
                out |= {a.name for a in node.names} if not base or base == 'otla_nb' else {base}
            elif base.startswith('otla_nb.'): out.add(base.split('.')[1])
        elif isinstance(node, ast.Import):
            out |= {a.name.split('.')[1] for a in node.names if a.name.startswith('otla_nb.')}
    return (out & set(MODULES)) - {mod}

def test_imports_follow_notebook_order():
    "Each module imports only modules of notebooks that come before its own: the notebooks read in import order."
    backwards = [(m, d) for m in MODULES for d in sorted(_package_imports(m)) if _notebook_of(d) >= _notebook_of(m)]
    assert not backwards, f"imports against the notebook order (module, imported): {backwards}"
    seen = _package_imports('train')
    assert {"data", "runs", "distributed"} <= seen, seen    # the parser sees relative imports

def _module_notebooks():
    "(notebook path, its cells' sources, its cells) of every notebook that exports a module."
    from otla_nb.showdoc import module_notebooks
    for p in module_notebooks(ROOT/'nbs'):
        cells = json.loads(p.read_text())['cells']
        yield p, [''.join(c['source']) for c in cells], cells

def test_show_doc_under_each_definition():
    "Every public function and class has its `show_doc` in its own section, after the cell that defines it."
    missing = []
    for p, srcs, cells in _module_notebooks():
        for i, (c, s) in enumerate(zip(cells, srcs)):
            if c['cell_type'] != 'code' or not s.startswith('#| export'): continue
            for node in ast.parse(s).body:
                if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name.startswith('_'): continue
                j = i + 1
                while j < len(cells) and not (cells[j]['cell_type'] == 'markdown' and re.match(r'#{1,2} ', srcs[j])):
                    if cells[j]['cell_type'] == 'code' and re.search(rf'\bshow_doc\({node.name}\b', srcs[j]): break
                    j += 1
                else: missing.append(f'{p.name}: {node.name}')
    assert not missing, f"no show_doc in the defining section for {missing}"

def test_module_notebooks_show_outputs():
    "The module notebooks are stored executed (`otla-outputs`), with no error among their outputs."
    for p, srcs, cells in _module_notebooks():
        outs = [o for c in cells if c['cell_type'] == 'code' for o in c.get('outputs', [])]
        assert outs, f"{p.name} holds no outputs: run `otla-outputs --paths {p.relative_to(ROOT)}`"
        errors = [o.get('ename') for o in outs if o.get('output_type') == 'error']
        assert not errors, f"{p.name} holds error outputs {errors}"
