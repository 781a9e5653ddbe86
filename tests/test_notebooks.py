"""The experiment notebooks as papermill runs them: every one opens with `setup_experiment`, which checks its
parameters, and a mistyped `-p` name stops the run at that check, naming the closest parameter, before any data is read
or a run is trained."""
import ast, json, os, subprocess, sys
from pathlib import Path
import pytest

NBS = Path(__file__).resolve().parents[1]/'nbs'
EXPERIMENTS = sorted(p for p in NBS.glob('*.ipynb') if not p.name[0].isdigit() and p.name != 'index.ipynb')


def _cells(path): return [c for c in json.loads(path.read_text())['cells'] if c['cell_type'] == 'code']


def _parameter_names(path):
    "Names the `parameters` cell assigns, in order."
    cell = next(c for c in _cells(path) if 'parameters' in c['metadata'].get('tags', []))
    return [t.id for n in ast.parse(''.join(cell['source'])).body if isinstance(n, ast.Assign) for t in n.targets]


def test_there_are_experiment_notebooks():
    assert {'ablation.ipynb', 'main_results.ipynb'} <= {p.name for p in EXPERIMENTS}


@pytest.mark.parametrize('path', EXPERIMENTS, ids=lambda p: p.stem)
def test_each_experiment_checks_exactly_its_parameters(path):
    """The cell after `parameters` opens the notebook with `setup_experiment(globals())`, which takes as the notebook's
    parameters exactly the parameters cell's names (read from the kernel's history as papermill leaves it, its injected
    cell between), and has a check for each."""
    from otla_nb.experiments import notebook_parameters, PARAMETER_CHECKS
    cells = _cells(path)
    i = next(k for k, c in enumerate(cells) if 'parameters' in c['metadata'].get('tags', []))
    params, opening = ''.join(cells[i]['source']), ''.join(cells[i + 1]['source'])
    call = next(n for n in ast.walk(ast.parse(opening))
                if isinstance(n, ast.Call) and getattr(n.func, 'id', '') == 'setup_experiment')
    assert getattr(call.args[0].func, 'id', '') == 'globals'
    history = ['', params, '# Parameters\nepochs = 3\n', opening]
    assert notebook_parameters({'In': history}) == _parameter_names(path)
    assert not params.lstrip().startswith('# Parameters')     # papermill's injected cell opens so
    assert set(_parameter_names(path)) <= set(PARAMETER_CHECKS), set(_parameter_names(path)) - set(PARAMETER_CHECKS)


@pytest.mark.parametrize('path', EXPERIMENTS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter(path):
    """papermill's own parser sees every parameter (a quote in a comment makes it skip the line, and `--help-notebook`
    omit it)."""
    papermill = pytest.importorskip('papermill')
    assert list(papermill.inspect_notebook(str(path))) == _parameter_names(path)


def test_regdb_found_in_the_conventional_place(tmp_path):
    """`papermill nbs/ablation.ipynb out.ipynb -p dataset regdb`, no data_root: RegDB is found under $OTLA_DATA and
    trained on (tiny parameters under IN_TEST: a random-weight ResNet-18, 2 epochs of 2 batches)."""
    pytest.importorskip('papermill')
    from otla_nb.synthetic import write_regdb
    write_regdb(tmp_path/'data'/'RegDB', 8, n_per_id=4, n_trials=1, size=(32, 16), workers=1)
    env = dict(os.environ, IN_TEST='1', OTLA_DATA=str(tmp_path/'data'), OTLA_NB_HOME=str(tmp_path/'home'),
               MPLBACKEND='Agg')
    out = tmp_path/'out.ipynb'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(NBS/'ablation.ipynb'), str(out), '-p', 'dataset',
                        'regdb', '-p', 'seed', '3', '--cwd', str(NBS)], capture_output=True, text=True, timeout=900,
                       env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    text = out.read_text()
    assert 'regdb: 2 epochs per run' in text and 'epoch   2 |' in text and 'Rank-1' in text
    assert 'seeds [3]' in text                     # `-p seed 3` trains seed 3


def test_papermill_typo_stops_the_run(tmp_path):
    "`-p epoch 3` (for `epochs`) fails at the check with a message naming both; nothing is trained."
    pytest.importorskip('papermill')
    out = tmp_path/'out.ipynb'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(NBS/'ablation.ipynb'), str(out), '-p', 'epoch', '3',
                        '-p', 'out_dir', str(tmp_path/'runs'), '--cwd', str(NBS.parent)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode != 0
    assert "unknown notebook parameter(s) 'epoch' (did you mean 'epochs'?)" in r.stdout + r.stderr
    assert not (tmp_path/'runs').exists()


def _papermill_fails(tmp_path, path, *params):
    "Run `path` under papermill with `params`; its output (the run must fail) and whether it made its out_dir."
    out = tmp_path/'out.ipynb'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(path), str(out), *params, '-p', 'out_dir',
                        str(tmp_path/'runs'), '--cwd', str(NBS.parent)], capture_output=True, text=True, timeout=600)
    assert r.returncode != 0
    return r.stdout + r.stderr, (tmp_path/'runs').exists()


def test_seed_and_seeds_that_disagree_stop_the_run(tmp_path):
    "`-p seed 3 -y 'seeds: [0, 1]'` names both and trains nothing (before, `seeds` won and `seed` was ignored)."
    pytest.importorskip('papermill')
    for name in ('ablation.ipynb', 'supervised_ablation.ipynb'):
        text, made = _papermill_fails(tmp_path, NBS/name, '-p', 'seed', '3', '-y', 'seeds: [0, 1]')
        assert 'seed=3 and seeds=[0, 1] disagree' in text, text[-2000:]
        assert not made


@pytest.mark.parametrize('path', [p for p in EXPERIMENTS if 'seed' in _parameter_names(p)], ids=lambda p: p.stem)
def test_a_negative_seed_stops_the_run(tmp_path, path):
    "`-p seed -1` is refused by name at the start of every notebook that takes a seed; nothing is trained."
    pytest.importorskip('papermill')
    text, made = _papermill_fails(tmp_path, path, '-p', 'seed', '-1')
    assert 'seed=-1: expected a non-negative integer' in text, text[-2000:]
    assert not made


def test_failed_quick_run_leaves_no_quick_folder(tmp_path):
    """A quick (test-mode) notebook that fails before its last cell (`cleanup_quick()`) still removes its scratch folder
    `otla-quick-*`: papermill stops at the failing cell and shuts the kernel down, and the folder goes as it exits."""
    pytest.importorskip('papermill')
    cells = ["dataset = 'synthetic'",
             "from otla_nb.experiments import setup_experiment\nbase, out = setup_experiment(globals())\nprint(out)",
             "raise RuntimeError('a cell fails')",
             "from otla_nb.experiments import cleanup_quick\ncleanup_quick()"]
    nb = {'cells': [{'cell_type': 'code', 'metadata': {}, 'execution_count': None, 'outputs': [], 'source': s}
                    for s in cells],
          'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}},
          'nbformat': 4, 'nbformat_minor': 5}
    src, out, tmpdir = tmp_path/'fails.ipynb', tmp_path/'out.ipynb', tmp_path/'tmp'
    src.write_text(json.dumps(nb))
    tmpdir.mkdir()
    r = subprocess.run([sys.executable, '-m', 'papermill', str(src), str(out)], capture_output=True, text=True,
                       timeout=600, env=dict(os.environ, TMPDIR=str(tmpdir), IN_TEST='1'))
    assert r.returncode != 0 and 'a cell fails' in r.stdout + r.stderr, r.stdout[-3000:] + r.stderr[-3000:]
    first = next(c for c in json.loads(out.read_text())['cells'] if 'setup_experiment' in ''.join(c['source']))
    made = Path(''.join(first['outputs'][0]['text']).strip()).parent       # out_dir is `<scratch>/runs`
    assert made.parent == tmpdir and made.name.startswith('otla-quick-')    # made where TMPDIR says...
    assert not list(tmpdir.glob('otla-quick-*'))                              # ...and gone
