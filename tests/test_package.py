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

WINDOW = 3   # code cells after a definition in which its example or test should come

def _names_used(src:str)->set:
    "Names and attributes a code cell refers to, leaving out what it passes to `show_doc` (unparsable: its words)."
    lines = [l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))]
    try: tree = ast.parse('\n'.join(lines))
    except SyntaxError: return set(re.findall(r'\w+', src))
    skip = {id(n) for c in ast.walk(tree) if isinstance(c, ast.Call) and getattr(c.func, 'id', None) == 'show_doc'
            for n in ast.walk(c)}
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(tree)
            if isinstance(n, (ast.Name, ast.Attribute)) and id(n) not in skip}

def _public_definitions(src:str)->list:
    "Public functions, classes and module-level constants an `#| export` cell defines."
    out = []
    for node in ast.parse(src).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): out.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return [n for n in out if not n.startswith('_')]

def _is_show_doc_only(src:str)->bool:
    "A code cell whose every statement is a `show_doc(...)` call."
    try: body = ast.parse(src).body
    except SyntaxError: return False
    return bool(body) and all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                              and getattr(s.value.func, 'id', None) == 'show_doc' for s in body)

def rhythm(cells:list, window:int=WINDOW)->tuple:
    """(exercised, definitions) of a notebook, fastcore's rhythm (after each definition its example or test): each
    public name an `#| export` cell defines (a top-level function or class, or a module-level name it assigns, not
    starting with `_`), and whether one of the next `window` code cells after that cell refers to it (by name, or as an
    attribute) in a cell that is not itself an `#| export` cell. Cells holding only `show_doc(...)` calls are passed
    over without counting; every other code cell counts toward the window (an `#| export` cell counts but does not
    exercise; a `#| hide` test cell is a test like any other); a mention inside `show_doc(...)` does not count;
    markdown cells do not count."""
    code = [(''.join(c['source']), c) for c in cells if c['cell_type'] == 'code']
    code = [s for s, c in code if not _is_show_doc_only(s)]
    exported = [s.startswith('#| export') for s in code]
    seen, defs = [], []
    for i, s in enumerate(code):
        if not exported[i]: continue
        for name in _public_definitions(s):
            defs.append(name)
            after = [code[j] for j in range(i + 1, min(i + 1 + window, len(code))) if not exported[j]]
            if any(name in _names_used(a) for a in after): seen.append(name)
    return seen, defs

def rhythm_table()->dict:
    "{notebook name: (exercised, definitions, share)} for every module notebook."
    out = {}
    for p, srcs, cells in _module_notebooks():
        seen, defs = rhythm(cells)
        out[p.name] = (len(seen), len(defs), len(seen) / len(defs) if defs else 1.)
    return out

NOTEBOOK_NAMES = [p.stem for p in sorted((ROOT/'nbs').glob('*.ipynb')) if '#| default_exp' in p.read_text()]

@pytest.mark.parametrize('nb', NOTEBOOK_NAMES)
def test_rhythm(nb):
    "At least 80% of a module notebook's public names are exercised within `WINDOW` code cells of their definition."
    seen, defs = rhythm(json.loads((ROOT/'nbs'/f'{nb}.ipynb').read_text())['cells'])
    assert len(seen) >= 0.8 * len(defs), (f"{nb}: {len(seen)}/{len(defs)} public names exercised within {WINDOW} "
                                          f"cells of their definition; not: {[d for d in defs if d not in seen]}")

def test_rhythm_measures():
    "The measure sees an example two cells down, passes over show_doc, and misses one that comes too late."
    code, md = lambda s: {'cell_type': 'code', 'source': s}, {'cell_type': 'markdown', 'source': 'f'}
    cells = [code('#| export\ndef f(): pass\nA = 1\n_b = 2'), code('show_doc(f)'), md, code('x = 1'),
             code('f()'), code('y = 2'), code('z = 3'), code('A')]
    assert rhythm(cells) == (['f'], ['f', 'A'])
    assert rhythm(cells, window=5) == (['f', 'A'], ['f', 'A'])
    assert rhythm([code('#| export\ndef g(): pass'), code('show_doc(g)\nshow_doc(g)')]) == ([], ['g'])
    both = [code('#| export\ndef g(): pass'), code('#| export\ndef h(): g()'), code('h()')]
    assert rhythm(both) == (['h'], ['g', 'h'])                      # an export cell that calls g does not exercise it

DATE = re.compile(r'\b20\d\d-\d\d-\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? 20\d\d\b')
TIMING = re.compile(r'\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|seconds?|min|minutes?|h|hours?)\b(?![-/])'
                    r'|\d+(?:\.\d+)?\s?(?:×|x|times) (?:faster|slower|quicker)', re.I)

def dated_measurements(cells:list)->list:
    """What dates a notebook's markdown: a calendar date (2026-12-07, Dec 2026), a duration (a number and a time unit:
    4 ms, 1.5 minutes) or a speed ratio (10 times slower, 3× faster) in a markdown cell. Such numbers hold for one
    machine on one day: they belong in BENCHMARKS.md, with the machine and the date."""
    text = [''.join(c['source']) for c in cells if c['cell_type'] == 'markdown']
    return [m.group() for s in text for m in [*DATE.finditer(s), *TIMING.finditer(s)]]

@pytest.mark.parametrize('nb', NOTEBOOK_NAMES)
def test_no_dated_measurement_in_markdown(nb):
    "No markdown cell of a module notebook carries a timing or a date (BENCHMARKS.md measures, the notebooks explain)."
    found = dated_measurements(json.loads((ROOT/'nbs'/f'{nb}.ipynb').read_text())['cells'])
    assert not found, f"{nb}: dated measurements in markdown {found}: move them to BENCHMARKS.md"

def test_dated_measurements_found():
    "The rule finds a date, a timing and a ratio, and leaves sizes, epochs and code cells alone."
    md = lambda s: {'cell_type': 'markdown', 'source': s}
    assert dated_measurements([md('On 2026-12-07 a solve took 4-5 ms, 10 times slower; 1.5 minutes in Dec 2026.'),
                               {'cell_type': 'code', 'source': '# 3 ms'}]) == ['2026-12-07', 'Dec 2026', '5 ms',
                                                                                 '10 times slower', '1.5 minutes']
    assert dated_measurements([md('6 epochs of 22 batches × 8 identities at 64 × 32, 0.1× the rate, Eq. 4')]) == []

if __name__ == '__main__':   # `python tests/test_package.py`: the rhythm of each module notebook
    for k, (a, b, r) in rhythm_table().items(): print(f'{k:28} {a:3}/{b:3} {r:6.0%}')
