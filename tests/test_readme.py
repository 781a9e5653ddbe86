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

def test_ci_runs_readme_test_command():
    ci = (ROOT/'.ci'/'run').read_text(encoding='utf-8')
    assert 'README.md' in ci and 'blocks[1]' in ci

if __name__ == '__main__' and '--write' in sys.argv:
    (ROOT/'README.md').write_text(index_markdown(), encoding='utf-8')
    print('README.md rewritten from nbs/index.ipynb')
