"""JupyterLab in a real browser: the server started from the installed package on 127.0.0.1, two core notebooks opened
in headless Chromium (Debian's `chromium`, driven by Playwright's Python API), every cell run, and the test fails on
an error output, a cell left unexecuted, a figure that did not render, or nbdev's raw Quarto link markup. The server
gets its own settings and workspace folders with autosave off, so nothing is saved into the tracked notebooks.

Skipped, saying why, where Playwright or a Chromium executable cannot be had (`OTLA_CHROMIUM` names another one)."""
import json, os, secrets, shutil, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('OTLA_CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
NOTEBOOKS = {'03_otla.ipynb': 1, '01_render.ipynb': 1}   # notebook -> figures it must render at least

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium executable (Debian: apt-get install -y chromium; "
                                "or set OTLA_CHROMIUM): the JupyterLab browser test cannot run here")


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    "A JupyterLab server on 127.0.0.1 serving the repository, with private settings (autosave off, no windowing)."
    pytest.importorskip('playwright.sync_api', reason='playwright is not installed (pip install playwright)')
    tmp = tmp_path_factory.mktemp('lab')
    settings = tmp/'settings'
    for plugin, value in {'@jupyterlab/docmanager-extension/plugin': {'autosave': False},
                          '@jupyterlab/notebook-extension/tracker': {'windowingMode': 'none'}}.items():
        f = settings/f'{plugin}.jupyterlab-settings'
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp/'config'), JUPYTER_RUNTIME_DIR=str(tmp/'runtime'),
               MPLBACKEND='module://matplotlib_inline.backend_inline')
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}',
           f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={ROOT}',
           f'--LabApp.user_settings_dir={settings}', f'--LabApp.workspaces_dir={tmp/"workspaces"}',
           '--LabApp.expose_app_in_browser=True', '--allow-root']
    log = open(tmp/'lab.log', 'w')
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=2)
                break
            except OSError: time.sleep(0.5)
            if proc.poll() is not None: break
        else: pytest.fail(f'JupyterLab did not answer on {url}: {(tmp/"lab.log").read_text()[-2000:]}')
        if proc.poll() is not None: pytest.fail(f'JupyterLab exited: {(tmp/"lab.log").read_text()[-2000:]}')
        yield url, token
    finally:
        proc.terminate()
        try: proc.wait(30)
        except subprocess.TimeoutExpired: proc.kill()
        log.close()


_STATE = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  if (!nb || !nb.content || !nb.content.model) return null;
  const cells = [];
  for (let i = 0; i < nb.content.model.cells.length; i++) {
    const c = nb.content.model.cells.get(i);
    if (c.type !== 'code') continue;
    cells.push({n: c.executionCount, outputs: c.outputs.toJSON()});
  }
  return {cells: cells, kernel: nb.sessionContext.session ? nb.sessionContext.session.kernel.status : 'none'};
}"""


@pytest.mark.parametrize('name', list(NOTEBOOKS))
def test_notebook_runs_in_jupyterlab(lab, name):
    "Open the notebook, run all cells; no error, every code cell executed, the figures rendered, no raw link markup."
    from playwright.sync_api import sync_playwright
    url, token = lab
    before = (ROOT/'nbs'/name).read_bytes()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=['--no-sandbox'])
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        page.goto(f'{url}/lab/tree/nbs/{name}?token={token}&reset')
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget && "
                               "window.jupyterapp.shell.currentWidget.sessionContext && "
                               "window.jupyterapp.shell.currentWidget.sessionContext.session && "
                               "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel && "
                               "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                               timeout=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        deadline, state = time.time() + 600, None
        while time.time() < deadline:
            state = page.evaluate(_STATE)
            errors = [o for c in state['cells'] for o in c['outputs'] if o.get('output_type') == 'error']
            if errors: break
            if state['kernel'] == 'idle' and all(c['n'] is not None for c in state['cells']): break
            time.sleep(1)
        errors = [f"{o.get('ename')}: {o.get('evalue')}" for c in state['cells'] for o in c['outputs']
                  if o.get('output_type') == 'error']
        assert not errors, f'{name}: {errors}'
        assert all(c['n'] is not None for c in state['cells']), f'{name}: cells left unexecuted after 10 minutes'
        figures = sum('image/png' in o.get('data', {}) for c in state['cells'] for o in c['outputs'])
        assert figures >= NOTEBOOKS[name], f'{name}: {figures} figures, expected at least {NOTEBOOKS[name]}'
        page.wait_for_timeout(500)
        rendered = page.locator('.jp-Notebook .jp-RenderedImage img').count()
        assert rendered >= figures, f'{name}: {figures} figures in the outputs, {rendered} rendered'
        text = page.locator('.jp-Notebook').inner_text()
        assert 'target="_blank"' not in text and '{target=' not in text, f'{name}: raw link markup in the page'
        browser.close()
    assert (ROOT/'nbs'/name).read_bytes() == before, f'{name} was written to'
