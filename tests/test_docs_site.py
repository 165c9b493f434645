"""The built documentation site, as a reader sees it (issue 21).

Static checks (always, given a built site): no page loads a script,
stylesheet, image or frame from another host, and every local script a page
loads exists (MathJax included). Browser checks (headless Chromium, driven
over the DevTools protocol on a pipe, so no extra Python package and no
network): the math of every page that has math is typeset by MathJax (no raw
``\\(`` / ``\\[`` / ``$$`` left, no MathJax error), every gallery image
loads, and the search page finds ``certify``.

Which site: ``POWERMODEL_DOCS_HTML`` names a built site (CI sets it to the one
its ``sphinx-build -W`` just made, so the site is not built twice); without
it the site is built once per session into a temporary folder when Sphinx is
installed (the ``docs`` extra, ~15 s), and the tests skip when it is not. The
browser checks skip when no Chromium is installed (Debian's ``chromium``;
``POWERMODEL_CHROMIUM`` may name another binary).
"""

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

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
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
    assert build_main(["-W", "-q", "-b", "html", str(DOCS), str(out)]) == 0
    return out


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


def test_every_page_with_math_shows_typeset_math(site, browser):
    with_math = [p for p in _pages(site) if 'class="math' in (site / p).read_text(encoding="utf-8")]
    assert "api/generated/powermodel.Model.html" in with_math
    for page in sorted(set(with_math) | set(NAMED_PAGES)):
        browser.open(_url(site, page), _MATHJAX_DONE if page in with_math else "true")
        state = browser.evaluate(_MATH_STATE)
        assert state["typeset"] == state["math"] and state["errors"] == 0, (page, state)
        assert state["raw"] == [] and state["fonts_failed"] == [], (page, state)
        assert state["fonts_loaded"] > 0 or page not in with_math, (page, state)
        assert browser.evaluate(_FETCHED_ELSEWHERE) == [], page


def test_every_gallery_image_loads(site, browser):
    # As many images as the gallery's markdown shows figures.
    expected = len(re.findall(r"!\[[^\]]*\]\(", (DOCS / "gallery.md").read_text(encoding="utf-8")))
    browser.open(_url(site, "gallery.html"),
                 "Array.from(document.images).every(i => i.complete)")
    images = browser.evaluate(
        "Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert len(images) == expected > 0
    assert [src for src, width in images if width == 0] == []
    assert browser.evaluate(_FETCHED_ELSEWHERE) == []


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
