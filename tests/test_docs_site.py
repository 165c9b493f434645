"""The built documentation site, as a reader sees it (issue 21).

Static checks (always, given a built site): no page loads a script,
stylesheet, image or frame from another host, and every local script a page
loads exists (MathJax included). The gallery (``docs/gallery/``, notebooks
executed by myst-nb at build time): every recipe's page shows the output of
its execution (an image for each cell that draws, none from cells that do
not, no error and no stderr), the notebook page shows a result's HTML table,
the images of ``.plot()`` and the explorer's figure, and the recipes write
files only into a temporary folder. The Guarantees page replaced the
hardening page. Browser checks (headless Chromium, driven over the DevTools
protocol on a pipe, so no extra Python package and no network): the math of
every page that has math is typeset by MathJax (no raw ``\\(`` / ``\\[`` /
``$$`` left, no MathJax error), every image of the paper's figures and of the
gallery loads, and the search page finds ``certify``.

Which site: ``POWERMODEL_DOCS_HTML`` names a built site (CI sets it to the one
its ``sphinx-build -W`` just made, so the site is not built twice); without
it the site is built once per session into a temporary folder when Sphinx is
installed (the ``docs`` extra; about a minute, most of it running the
gallery's notebooks), and the tests skip when it is not. Such a build is also
checked to leave ``git status`` unchanged (CI checks its own build so). The
browser checks skip when no Chromium is installed (Debian's ``chromium``;
``POWERMODEL_CHROMIUM`` may name another binary).
"""

import ast
import base64
import html.parser
import json
import os
import pathlib
import re
import select
import shutil
import subprocess
import tempfile
import time
import urllib.parse

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
GALLERY = DOCS / "gallery"
#: The gallery's recipes (MyST markdown notebooks), by name.
RECIPES = sorted(p.stem for p in GALLERY.glob("*.md") if p.stem != "index")
#: Pages the issue named (they must show no raw TeX whether or not they have math).
NAMED_PAGES = ["walkthrough.html", "certification.html", "api/generated/powermodel.Model.html"]
BROWSER_TIMEOUT = 30.0  # seconds for any one browser step


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    given = os.environ.get("POWERMODEL_DOCS_HTML")
    if given:
        root = pathlib.Path(given).resolve()
        assert (root / "index.html").is_file(), f"POWERMODEL_DOCS_HTML={given!r} holds no built site"
        return root
    try:
        from sphinx.cmd.build import build_main
    except ImportError:
        pytest.skip("the documentation site is neither built (POWERMODEL_DOCS_HTML) nor "
                    "buildable here (Sphinx missing: pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("docs-html")
    before = _git_status()
    assert build_main(["-W", "-q", "-b", "html", str(DOCS), str(out)]) == 0
    _BUILT_HERE.update(before=before, after=_git_status())
    return out


#: ``git status`` before and after the build, when this session built the site.
_BUILT_HERE = {}


def _git_status():
    """``git status --porcelain`` of the repository, or None without git or a repository."""
    git = shutil.which("git")
    if git is None:
        return None
    p = subprocess.run([git, "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                       capture_output=True, text=True)
    return p.stdout if p.returncode == 0 else None


def _pages(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))


class _Refs(html.parser.HTMLParser):
    """Every resource a page loads: (tag, url) of scripts, stylesheets, images, frames."""

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(("script", a["src"]))
        elif tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.refs.append(("link", a["href"]))
        elif tag in ("img", "iframe", "embed", "source") and a.get("src"):
            self.refs.append((tag, a["src"]))


def _refs(path):
    p = _Refs()
    p.feed(path.read_text(encoding="utf-8"))
    return p.refs


def _is_external(url):
    u = urllib.parse.urlsplit(url)
    return bool(u.netloc) or u.scheme not in ("", "file")


def test_the_external_checker_knows_a_cdn_from_a_local_file(tmp_path):
    page = tmp_path / "p.html"
    page.write_text('<script src="https://cdn.example.org/mathjax.js"></script>'
                    '<script src="//cdn.example.org/x.js"></script>'
                    '<script src="_static/mathjax/tex-mml-chtml.js?v=1"></script>'
                    '<link rel="stylesheet" href="http://fonts.example.org/a.css">'
                    '<a href="https://www.sphinx-doc.org/">not loaded</a>')
    assert [_is_external(u) for _, u in _refs(page)] == [True, True, False, True]


def test_no_page_loads_anything_from_another_host(site):
    external = [(page, tag, url) for page in _pages(site)
                for tag, url in _refs(site / page) if _is_external(url)]
    assert external == []


def test_every_local_script_a_page_loads_exists(site):
    missing = []
    for page in _pages(site):
        for tag, url in _refs(site / page):
            if tag == "script" and not _is_external(url):
                target = (site / page).parent / urllib.parse.urlsplit(url).path
                if not target.is_file():
                    missing.append((page, url))
    assert missing == []


def test_math_pages_load_the_shipped_mathjax(site):
    model = site / "api/generated/powermodel.Model.html"
    text = model.read_text(encoding="utf-8")
    assert 'class="math' in text and r"\[" in text   # raw TeX until MathJax runs
    scripts = [url for tag, url in _refs(model) if tag == "script" and "mathjax" in url.lower()]
    assert len(scripts) == 1 and not _is_external(scripts[0])


# -- the gallery: notebooks executed at build time ---------------------------------------

def _code_cells(path):
    """The source of each ``{code-cell}`` of a MyST markdown notebook, in order."""
    return re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```$", path.read_text(encoding="utf-8"),
                      flags=re.M | re.S)


class _Cells(html.parser.HTMLParser):
    """The cells of a page rendered by myst-nb: per ``div.cell`` its input text, the
    ``src`` of its output images, the classes of its HTML tables and of its outputs,
    and the text of its outputs."""

    def __init__(self):
        super().__init__()
        self.cells, self._divs = [], []

    def _inside(self, name):
        return any(name in classes for classes in self._divs)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "div":
            if "cell" in classes and not self._inside("cell"):
                self.cells.append({"input": "", "images": [], "tables": [], "outputs": [],
                                   "text": ""})
            if "output" in classes and self._inside("cell_output"):
                self.cells[-1]["outputs"].append(classes)
            self._divs.append(classes)
        elif tag == "img" and self._inside("cell_output"):
            self.cells[-1]["images"].append(a.get("src"))
        elif tag == "table" and self._inside("cell_output"):
            self.cells[-1]["tables"].append(classes)

    def handle_endtag(self, tag):
        if tag == "div" and self._divs:
            self._divs.pop()

    def handle_data(self, data):
        if self._inside("cell_input"):
            self.cells[-1]["input"] += data
        elif self._inside("cell_output"):
            self.cells[-1]["text"] += f" {data}"


def _cells(page):
    p = _Cells()
    p.feed(page.read_text(encoding="utf-8"))
    for c in p.cells:
        c["text"] = " ".join(c["text"].split())
    return p.cells


#: A cell that draws (a figure made or shown) shows exactly one image; any other, none.
_DRAWS = re.compile(r"plt\.subplots\(|\.plot\(|pm\.explore\(|Image\(|^\w+\.figure\s*$", re.M)


def test_the_cell_parser_reads_a_rendered_notebook(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<div class="cell docutils container"><div class="cell_input docutils container">'
        '<pre>ax = r.plot()</pre></div><div class="cell_output docutils container">'
        '<div class="output text_html"><table class="powermodel-result"><tr><td>x</td></tr>'
        '</table></div><img src="../_images/a.png" /></div></div>'
        '<img src="logo.png" /><div class="cell docutils container">'
        '<div class="cell_input docutils container"><pre>1/0</pre></div>'
        '<div class="cell_output docutils container">'
        '<div class="output traceback highlight-ipythontb"><pre>ZeroDivisionError</pre></div>'
        '</div></div>')
    first, second = _cells(page)
    assert first == {"input": "ax = r.plot()", "images": ["../_images/a.png"],
                     "tables": [["powermodel-result"]], "outputs": [["output", "text_html"]],
                     "text": "x"}
    assert second["input"] == "1/0" and second["images"] == []
    assert second["outputs"] == [["output", "traceback", "highlight-ipythontb"]]
    assert [bool(_DRAWS.search(c)) for c in ("ax = r.plot()", "e = pm.explore(m, P=1)",
                                             "e.sliders['P'].set_val(2)\ne.figure", "r.figure.x",
                                             "print(r.seed)")] == [True, True, True, False, False]


def test_the_gallery_lists_every_recipe_and_each_is_a_notebook():
    assert len(RECIPES) >= 9
    index = (GALLERY / "index.md").read_text(encoding="utf-8")
    (toctree,) = re.findall(r"```\{toctree\}\n(.*?)```", index, flags=re.S)
    listed = [line.strip() for line in toctree.splitlines()
              if line.strip() and not line.startswith(":")]
    assert sorted(listed) == RECIPES
    assert re.search(r"^gallery/index$", (DOCS / "index.md").read_text(encoding="utf-8"), re.M)
    for name in RECIPES:
        text = (GALLERY / f"{name}.md").read_text(encoding="utf-8")
        assert re.match(r"---\njupytext:\n.*\nkernelspec:\n.*\n  name: python3\n---\n", text,
                        flags=re.S), name
        cells = _code_cells(GALLERY / f"{name}.md")
        assert cells and "import powermodel as pm" in cells[0], name
        # the public API only, as a user writes it
        assert not re.search(r"powermodel\._|pm\._|\b_[a-z]\w*\(", "".join(cells)), name


def test_the_build_ran_every_notebook_without_error(site):
    for name in RECIPES:
        page = site / "gallery" / f"{name}.html"
        cells = _cells(page)
        sources = _code_cells(GALLERY / f"{name}.md")
        assert [c["input"].strip() for c in cells] == [s.strip() for s in sources], name
        # outputs exist (a markdown notebook stores none: they come from running it)
        assert sum(len(c["outputs"]) + len(c["images"]) for c in cells) >= len(cells) // 2, name
        for c in cells:
            bad = [o for o in c["outputs"] if {"traceback", "stderr", "error"} & set(o)]
            assert bad == [], (name, c["input"][:60], bad)


def test_each_cell_that_draws_shows_its_figure(site):
    drawing = 0
    for name in RECIPES:
        for c in _cells(site / "gallery" / f"{name}.html"):
            expected = 1 if _DRAWS.search(c["input"]) else 0
            assert len(c["images"]) == expected, (name, c["input"][:80], c["images"])
            drawing += expected
            for src in c["images"]:
                image = (site / "gallery" / urllib.parse.urlsplit(src).path).resolve()
                assert image.is_relative_to(site.resolve()), src
                assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src
                assert image.stat().st_size > 5000, src   # a figure, not an empty canvas
    assert drawing >= 12


def test_the_notebook_shows_tables_plots_and_the_explorer(site):
    cells = _cells(site / "gallery" / "notebook.html")
    # results as HTML tables (their _repr_html_, captioned with the result's type)
    tables = [c["text"].split()[0] for c in cells if ["powermodel-result"] in c["tables"]]
    assert {"Solution", "SweepResult", "SobolResult"} <= set(tables)
    # the figures of .plot() (a sweep over N, one over N and P, Sobol' indices)
    plots = [c for c in cells if re.search(r"\w\.plot\(", c["input"])]
    assert len(plots) == 3 and all(len(c["images"]) == 1 for c in plots)
    # the explorer's figure
    (explorer,) = [c for c in cells if "pm.explore(" in c["input"]]
    assert len(explorer["images"]) == 1


# -- the recipes write only into temporary folders --------------------------------------

#: Methods that write the file or folder they are called on, and calls that write the
#: path they are given (first argument, or ``out=``/``path=``).
_WRITES_SELF = {"write_text", "write_bytes", "mkdir", "touch"}
_WRITES_ARG = {"savefig", "to_csv", "to_json", "reproduce", "imsave", "save"}


def _written(call):
    """The expression naming what ``call`` writes, a Constant(None) for a write to a default
    place, or None when the call writes nothing."""
    f = call.func
    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
    kw = {k.arg: k.value for k in call.keywords}
    if name in _WRITES_SELF and isinstance(f, ast.Attribute):
        return f.value
    if name == "open":
        mode = call.args[1] if len(call.args) > 1 else kw.get("mode")
        if mode is None or not re.search(r"[wax+]", ast.literal_eval(mode)):
            return None
        return call.args[0]
    is_figure = isinstance(f, ast.Subscript) and "FIGURES" in ast.unparse(f.value)
    if name in _WRITES_ARG or is_figure or "out" in kw:
        target = kw.get("out", kw.get("path", call.args[0] if call.args else None))
        if is_figure and target is None:
            return None          # a paper figure without a folder writes nothing
        return target if target is not None else ast.Constant(None)
    return None


def _writes(source):
    """``(call, into a temporary folder?)`` for every call in ``source`` that writes a file:
    into one when the call is inside ``with tempfile.TemporaryDirectory() as name:`` and
    its path derives from ``name``."""
    found = []

    def uses(expr, names):
        return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(expr))

    def visit(node, temp):
        if isinstance(node, ast.With):
            temp = set(temp)
            for item in node.items:
                if (ast.unparse(item.context_expr) == "tempfile.TemporaryDirectory()"
                        and isinstance(item.optional_vars, ast.Name)):
                    temp.add(item.optional_vars.id)
        elif isinstance(node, ast.Assign) and temp and uses(node.value, temp):
            temp.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Call):
            target = _written(node)
            if target is not None:
                found.append((ast.unparse(node), bool(temp) and uses(target, temp)))
        for child in ast.iter_child_nodes(node):
            visit(child, temp)

    visit(ast.parse(source), set())
    return found


def test_the_write_checker_knows_a_temporary_folder():
    inside = """
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "a.png"
    fig.savefig(path)
    r.to_csv(Path(tmp) / "a.csv")
    pm.reproduce(tmp, figures=["optimum"])
    pm.FIGURES["optimum"](tmp, P=1e5)
    (Path(tmp) / "b.txt").write_text("x")
    open(Path(tmp) / "c", "w")
"""
    assert [ok for _, ok in _writes(inside)] == [True] * 6
    outside = """
fig.savefig("a.png")
pm.reproduce()
pm.FIGURES["optimum"](out="figures")
Path("b.txt").write_text("x")
open("c", "w")
with tempfile.TemporaryDirectory() as tmp:
    r.to_csv("here.csv")
with open("d.txt") as fh:
    pm.FIGURES["optimum"](P=1e5)
"""
    assert [ok for _, ok in _writes(outside)] == [False] * 6


def test_recipes_write_only_into_a_temporary_folder():
    writes = [(name, call, ok) for name in RECIPES
              for cell in _code_cells(GALLERY / f"{name}.md") for call, ok in _writes(cell)]
    assert [w for w in writes if not w[2]] == []
    assert len(writes) >= 4      # savefig, to_csv, reproduce and a paper figure's out


def test_building_the_site_leaves_the_repository_unchanged(site):
    if not _BUILT_HERE:
        pytest.skip("the site was built outside this session (POWERMODEL_DOCS_HTML); "
                    ".ci/run compares git status around its own build")
    if _BUILT_HERE["before"] is None:
        pytest.skip("no git repository here to compare")
    assert _BUILT_HERE["after"] == _BUILT_HERE["before"]


# -- the Guarantees page -----------------------------------------------------------------

def test_the_guarantees_page_replaced_the_hardening_page(site):
    assert not (DOCS / "hardening.md").exists()
    assert not (site / "hardening.html").exists()
    text = (site / "guarantees.html").read_text(encoding="utf-8")
    for heading in ("Every input gets a result or a clear refusal", "Bounded time",
                    "Bounded memory", "Strings are data, never code",
                    "Files are written atomically", "Seeds", "Numbers and limits"):
        assert f">{heading}<" in text, heading
    assert 'href="certification.html' in text
    assert 'href="guarantees.html"' in (site / "index.html").read_text(encoding="utf-8")
    sources = [REPO / "README.md", *(p for p in DOCS.rglob("*.md") if "_build" not in p.parts),
               *(REPO / "tests").glob("*.py")]
    assert [p for p in sources if "hardening.md" in p.read_text(encoding="utf-8")
            and p.name != "test_docs_site.py"] == []


# -- the browser ---------------------------------------------------------------------------

def _chromium_binary():
    for name in (os.environ.get("POWERMODEL_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome", "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class _Chromium:
    """Headless Chromium over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, exe):
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="pm-chromium-")

        def fds():   # the protocol pipe is the child's fds 3 (read) and 4 (write)
            a, b = os.dup(to_child), os.dup(from_child)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--allow-file-access-from-files",
             f"--user-data-dir={self.profile}", "--window-size=1200,900", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, pass_fds=(3, 4))
        os.close(to_child)
        os.close(from_child)
        self._buf, self._id = b"", 0
        try:
            targets = self.call("Target.getTargets")["targetInfos"]
            page = next(t["targetId"] for t in targets if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", targetId=page,
                                     flatten=True)["sessionId"]
        except BaseException:
            self.close()
            raise

    def _message(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, *, session=None, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + BROWSER_TIMEOUT
        while True:
            m = self._message(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", session=self.session, expression=expression,
                      returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def open(self, url, ready="true"):
        """Load ``url`` and wait until the page is complete and ``ready`` (JS) holds."""
        self.call("Page.navigate", session=self.session, url=url)
        deadline = time.monotonic() + BROWSER_TIMEOUT
        check = (f"document.readyState === 'complete' && location.href === {json.dumps(url)}"
                 f" && !!({ready})")
        while not self.evaluate(check):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} was not ready within {BROWSER_TIMEOUT} s: {ready}")
            time.sleep(0.05)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", session=self.session, format="png")["data"]
        pathlib.Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(site):
    exe = _chromium_binary()
    if exe is None:
        pytest.skip("no Chromium installed (apt-get install chromium); the static checks ran")
    b = _Chromium(exe)
    yield b
    b.close()


def _url(site, page, query=""):
    return (site / page).as_uri() + query


#: Resources the page fetched that are not local files (none may be).
_FETCHED_ELSEWHERE = ("performance.getEntriesByType('resource').map(e => e.name)"
                      ".filter(n => !n.startsWith('file:'))")
_MATHJAX_DONE = ("window.MathJax && MathJax.startup && MathJax.startup.promise"
                 " && MathJax.startup.promise.then(() => true)")
#: Math elements, those MathJax typeset, its TeX errors, raw delimiters left in the
#: text, and its fonts by load status (fonts the page used and could not load: 'error').
_MATH_STATE = """document.fonts.ready.then(() => {
  const text = document.body.innerText;
  const math = Array.from(document.querySelectorAll('.math'));
  const fonts = Array.from(document.fonts).filter(f => f.family.startsWith('MJX'));
  return {math: math.length,
          typeset: math.filter(m => m.querySelector('mjx-container')).length,
          errors: document.querySelectorAll('mjx-merror').length,
          raw: ['\\\\(', '\\\\[', '$$'].filter(s => text.includes(s)),
          fonts_loaded: fonts.filter(f => f.status === 'loaded').length,
          fonts_failed: fonts.filter(f => f.status === 'error').map(f => f.family)};
})"""


#: An element MathJax typesets: class "math" among others (a notebook's LaTeX output
#: is ``class="output text_latex math ..."``).
_HAS_MATH = re.compile(r'class="[^"]*\bmath\b')


def test_every_page_with_math_shows_typeset_math(site, browser):
    with_math = [p for p in _pages(site) if _HAS_MATH.search((site / p).read_text(encoding="utf-8"))]
    assert "api/generated/powermodel.Model.html" in with_math
    assert "gallery/thresholds.html" in with_math    # the symbolic engine's LaTeX output
    for page in sorted(set(with_math) | set(NAMED_PAGES)):
        browser.open(_url(site, page), _MATHJAX_DONE if page in with_math else "true")
        state = browser.evaluate(_MATH_STATE)
        assert state["typeset"] == state["math"] and state["errors"] == 0, (page, state)
        assert state["raw"] == [] and state["fonts_failed"] == [], (page, state)
        assert state["fonts_loaded"] > 0 or page not in with_math, (page, state)
        assert browser.evaluate(_FETCHED_ELSEWHERE) == [], page


_IMAGES = "Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])"
_IMAGES_DONE = "Array.from(document.images).every(i => i.complete)"


def test_every_paper_figure_loads(site, browser):
    # As many images as the page's markdown shows figures.
    text = (DOCS / "paper_figures.md").read_text(encoding="utf-8")
    expected = len(re.findall(r"!\[[^\]]*\]\(", text))
    browser.open(_url(site, "paper_figures.html"), _IMAGES_DONE)
    images = browser.evaluate(_IMAGES)
    assert len(images) == expected > 0
    assert [src for src, width in images if width == 0] == []
    assert browser.evaluate(_FETCHED_ELSEWHERE) == []


def test_every_gallery_output_image_loads(site, browser):
    for name in RECIPES:
        page = f"gallery/{name}.html"
        expected = sum(len(c["images"]) for c in _cells(site / page))
        browser.open(_url(site, page), _IMAGES_DONE)
        images = browser.evaluate(_IMAGES)
        assert len(images) == expected, page
        assert [src for src, width in images if width < 100] == [], page
        assert browser.evaluate(_FETCHED_ELSEWHERE) == [], page


_SEARCH_DONE = ("document.querySelector('#search-results') && "
                "/Search finished|did not match/.test(document.querySelector('#search-results').innerText)")
_RESULT_LINKS = ("Array.from(document.querySelectorAll('#search-results ul.search li a'))"
                 ".map(a => a.getAttribute('href'))")


def test_search_finds_certify(site, browser):
    browser.open(_url(site, "search.html", "?q=certify"), _SEARCH_DONE)
    pages = {urllib.parse.urlsplit(h).path for h in browser.evaluate(_RESULT_LINKS)}
    assert "api/generated/powermodel.certify.certify_points.html" in pages
    assert "certification.html" in pages
    # ... and a word on no page finds nothing: the results are the search's.
    browser.open(_url(site, "search.html", "?q=zqxjvnonword"), _SEARCH_DONE)
    assert browser.evaluate(_RESULT_LINKS) == []
