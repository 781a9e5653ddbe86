"""The documentation site as a reader meets it. `otla docs --out DIR` builds it into a temporary folder; every page is
read for links, images, stylesheets, scripts and anchors that lead nowhere (`otla_nb.docs.site_problems`); then headless
Chromium (Debian's `chromium`, driven by Playwright, as in tests/test_browser.py) opens it from disk, with every request
that leaves the site refused and recorded: the landing page, the OTLA page (the `sinkhorn_assign` block with its source
link, the figure, the typeset equations), the source line that link leads to, a record with its figure, and a search.

The checks are shown to fail: each is run again on a copy of the site with a fault planted (a broken link, a missing
page, a missing figure) and must report it. The browser part skips, saying why, without Chromium or Playwright."""
import os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('OTLA_CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')
OTLA_PAGE, RECORD_PAGE = 'nbs/03_otla.html', 'records/label_accuracy.html'
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium executable (Debian: apt-get install -y "
                                   "chromium; or set OTLA_CHROMIUM): the site cannot be opened in a browser here")


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    "The project's site, built by the documented command into a temporary folder."
    out = tmp_path_factory.mktemp('site')/'site'
    r = subprocess.run([sys.executable, '-m', 'otla_nb.cli', 'docs', '--out', str(out)], cwd=ROOT, capture_output=True,
                       text=True, timeout=600, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, f'otla docs failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}'
    assert 'no broken links' in r.stdout, r.stdout
    return out


def _plant(site:Path, fault:str, dest:Path)->Path:
    "A copy of the site with one fault: a link to a page that is not there, a page removed, or the OTLA figure removed."
    shutil.copytree(site, dest)
    if fault == 'broken link':
        index = dest/'index.html'
        head, article = index.read_text().split('<article', 1)   # the page's own link, not the navigation's
        assert 'href="nbs/03_otla.html"' in article
        article = article.replace('href="nbs/03_otla.html"', 'href="nbs/03_otla_typo.html"', 1)
        index.write_text(head + '<article' + article)
    elif fault == 'missing page': (dest/RECORD_PAGE).unlink()
    elif fault == 'missing figure':
        figures = re.findall(r'<img[^>]+src="\.\./(_images/[^"]+)"', (dest/OTLA_PAGE).read_text())
        assert figures, 'the OTLA page has no figure to remove'
        for f in figures: (dest/f).unlink()
    return dest


def test_site_pages_and_links(site):
    "Every notebook, record and guide has its page; no link, image, script or anchor leads nowhere."
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        assert (site/('index.html' if nb.stem == 'index' else f'nbs/{nb.stem}.html')).is_file(), nb.name
    for rec in sorted((ROOT/'records').glob('*.ipynb')): assert (site/f'records/{rec.stem}.html').is_file(), rec.name
    for page in ['BENCHMARKS.html', 'search.html', 'otla_nb/otla.html', 'records/index.html']:
        assert (site/page).is_file(), page
    from otla_nb.docs import site_problems
    assert site_problems(site) == []


@pytest.mark.parametrize('fault', ['broken link', 'missing page', 'missing figure'])
def test_link_check_catches(site, tmp_path, fault):
    "The crawl reports each planted fault."
    from otla_nb.docs import site_problems
    problems = site_problems(_plant(site, fault, tmp_path/'site'))
    expected = {'broken link': '03_otla_typo.html -> no such file',
                'missing page': 'label_accuracy.html -> no such file', 'missing figure': '<img>'}[fault]
    assert any(expected in p for p in problems), problems


_LINE = """(id) => {
  const a = document.getElementById(id);
  if (!a) return null;
  let text = '', n = a.nextSibling;
  while (n && !text.includes('\\n')) { text += n.textContent; n = n.nextSibling; }
  return text;
}"""


def read_site(site:Path)->list:
    "What a reader of the site in Chromium would find wrong, one line each (empty: all is well)."
    pytest.importorskip('playwright.sync_api', reason='playwright is not installed (pip install playwright)')
    from playwright.sync_api import sync_playwright
    problems, outside, failed = [], [], []
    def route(r):
        if r.request.url.startswith('file://'): r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()
    def visit(page, rel:str)->bool:
        target = site/rel.split('#')[0].split('?')[0]
        if not target.is_file():
            problems.append(f'{rel}: no such page')
            return False
        page.goto(target.as_uri() + rel[len(rel.split('#')[0].split('?')[0]):])
        page.wait_for_load_state('load')
        page.wait_for_timeout(300)
        broken = page.evaluate("() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
                               ".map(i => i.getAttribute('src'))")
        problems.extend(f'{rel}: figure {src} did not render' for src in broken)
        return True
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=['--no-sandbox'])
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        page.route('**/*', route)
        page.on('requestfailed', lambda r: failed.append(f'{r.url} ({r.failure})') if r.url.startswith('file://')
                and r.resource_type not in ('fetch', 'xhr')          # the search's snippet fetches, refused on file:
                and 'ERR_ABORTED' not in (r.failure or '') else None)  # a load cut short by going to the next page
        if visit(page, 'index.html'):
            if page.locator('h1').first.inner_text().strip() != 'otla-nb': problems.append('index.html: no title')
            for href in ['arxiv.org/abs/2208.06221', 'github.com/wjm-wjm/OTLA-ReID']:
                if page.locator(f'a[href*="{href}"]').count() == 0: problems.append(f'index.html: no link to {href}')
            link = page.locator('article a', has_text=re.compile(r'^03_otla$')).first
            if link.count() == 0: problems.append('index.html: no link to the OTLA notebook')
            else:
                link.click()
                page.wait_for_load_state('load')
                if not page.url.endswith(OTLA_PAGE): problems.append(f'index.html: the OTLA link led to {page.url}')
        if visit(page, OTLA_PAGE):
            block = page.locator('#sinkhorn-assign')
            if block.count() == 0 or not block.is_visible(): problems.append(f'{OTLA_PAGE}: no sinkhorn_assign block')
            else:
                doc = page.locator('.tag_otla-doc', has=block)
                if 'log-stabilised' not in doc.inner_text(): problems.append(f'{OTLA_PAGE}: no docstring in the block')
            figures = page.locator('article img')
            if figures.count() == 0: problems.append(f'{OTLA_PAGE}: no figure')
            elif not figures.first.is_visible(): problems.append(f'{OTLA_PAGE}: the figure is not visible')
            try: page.wait_for_selector('mjx-container', timeout=15_000)
            except Exception: problems.append(f'{OTLA_PAGE}: the equations were not typeset')
            src = page.locator('.tag_otla-doc:has(#sinkhorn-assign) p.otla-source a')
            if src.count() == 0: problems.append(f'{OTLA_PAGE}: no source link in the sinkhorn_assign block')
            else:
                href = src.first.get_attribute('href')
                if visit(page, os.path.normpath('nbs/' + href.split('#')[0]) + '#' + href.split('#')[1]):
                    line = page.evaluate(_LINE, href.split('#')[1])
                    if 'def sinkhorn_assign(' not in (line or ''):
                        problems.append(f'{OTLA_PAGE}: the source link {href} leads to {line!r}')
        if visit(page, RECORD_PAGE):
            if page.locator('article img').count() == 0: problems.append(f'{RECORD_PAGE}: no figure')
            if 'Record' not in page.locator('h1').first.inner_text(): problems.append(f'{RECORD_PAGE}: no record title')
        if visit(page, 'search.html?q=sinkhorn_assign'):
            try: page.wait_for_selector('#search-results ul li a[href*="03_otla"]', timeout=15_000)
            except Exception: problems.append('search.html: sinkhorn_assign does not find the OTLA page')
        browser.close()
    problems += [f'requested outside the site: {u}' for u in outside] + [f'failed to load: {u}' for u in failed]
    return problems


@needs_browser
def test_site_in_chromium(site):
    "The pages a reader opens first show what they should, offline."
    assert read_site(site) == []


@needs_browser
@pytest.mark.parametrize('fault', ['broken link', 'missing page', 'missing figure'])
def test_chromium_check_catches(site, tmp_path, fault):
    "The browser check reports each planted fault."
    problems = read_site(_plant(site, fault, tmp_path/'site'))
    expected = {'broken link': 'the OTLA link led to', 'missing page': f'{RECORD_PAGE}: no such page',
                'missing figure': 'did not render'}[fault]
    assert any(expected in p for p in problems), problems
