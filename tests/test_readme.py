"README.md is the landing notebook `nbs/index.ipynb`'s markdown, and opens with the two commands a new user copies."
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def index_markdown(nb=ROOT/'nbs'/'index.ipynb'):
    "The markdown cells of the landing notebook, joined as README.md holds them."
    cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
    return '\n\n'.join(''.join(c['source']).strip('\n') for c in cells if c['cell_type'] == 'markdown') + '\n'

def readme_commands(text):
    "The shell code blocks of README, in order."
    return [b.strip() for b in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S)]

def test_readme_is_index():
    assert (ROOT/'README.md').read_text(encoding='utf-8') == index_markdown(), \
        "README.md differs from nbs/index.ipynb: run `python tests/test_readme.py --write`"

def test_readme_opens_with_two_commands():
    text = (ROOT/'README.md').read_text(encoding='utf-8')
    cmds = readme_commands(text)
    assert len(cmds) >= 2
    first_block = text.index('```')
    assert text[:first_block].count('\n#') <= 1, "README must open with the two commands"
    install = 'pip install -e ".[dev]"'
    assert install in cmds[0] and 'papermill nbs/' in cmds[0], cmds[0]
    assert install in cmds[1] and 'nbdev_test' in cmds[1] and 'pytest' in cmds[1], cmds[1]

def test_ci_runs_readme_test_command(tmp_path):
    "`.ci/run`, run on a README of two shell blocks, runs the second block in the clone's root and not the first."
    import os, shutil, subprocess
    (tmp_path/'.ci').mkdir()
    shutil.copy(ROOT/'.ci'/'run', tmp_path/'.ci'/'run')
    (tmp_path/'README.md').write_text("# x\n\n```bash\necho first > ran-first\n```\n\n"
                                      "```bash\necho second > ran-second\n```\n")
    fake = tmp_path/'bin'
    fake.mkdir()
    (fake/'chromium').write_text('#!/bin/sh\n')
    (fake/'chromium').chmod(0o755)   # present: no apt-get install here
    env = dict(os.environ, PATH=f"{fake}{os.pathsep}{os.environ['PATH']}")
    r = subprocess.run(['bash', str(tmp_path/'.ci'/'run')], cwd='/', env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'ran-second').read_text().strip() == 'second' and not (tmp_path/'ran-first').exists()
    assert '+ echo second > ran-second' in r.stdout
    # a failing test command fails CI
    (tmp_path/'README.md').write_text("# x\n\n```bash\ntrue\n```\n\n```bash\nfalse\n```\n")
    assert subprocess.run(['bash', str(tmp_path/'.ci'/'run')], env=env, capture_output=True, timeout=60).returncode != 0

if __name__ == '__main__' and '--write' in sys.argv:
    (ROOT/'README.md').write_text(index_markdown(), encoding='utf-8')
    print('README.md rewritten from nbs/index.ipynb')
