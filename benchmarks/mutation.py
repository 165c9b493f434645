"""Mutation testing: does the test suite notice a small wrong change in a module?

A small stand-in for mutmut that runs anywhere: it parses a module, collects
the sites where a realistic slip could happen, samples some of them (seeded),
and for each sampled mutant writes the mutated module into a private copy of
the repository and runs a named test subset there with a time limit. A mutant
is *killed* when the tests fail (or time out), *survived* when they pass.

Mutations (one per mutant):

* operator swaps: ``+ <-> -``, ``* <-> /``, ``** -> *``, ``// -> /``, ``% -> *``
* comparison flips: ``< <-> <=``, ``> <-> >=``, ``== <-> !=``, ``< <-> >``,
  ``in <-> not in``, ``is <-> is not``
* constant tweaks: an int ``n -> n + 1``, a float ``c -> 1.5 c`` (``0.0 -> 1.0``),
  ``True <-> False``
* boolean operators: ``and <-> or``; ``not e -> e``
* dropped terms: ``a + b -> a``, ``a - b -> a``, ``a * b -> a``, ``a / b -> a``

Docstrings and f-strings (messages) are not mutated. Usage::

    python benchmarks/mutation.py powermodel/sensitivity/sobol_indices.py \\
        --tests tests/test_sensitivity.py --sample 15 --seed 0 --timeout 300

prints one line per mutant and a summary (kill rate, the survivors with their
line and change). ``--list`` prints the sites without running anything.
Run it from the repository root; the worktree itself is never modified.

With ``--select coverage`` (what mutmut 3 does) the tests are first run once
under ``coverage`` with one context per test; each mutant then runs only the
tests that execute the statement holding the mutated site, fastest first, and a
site that no test executes is reported as surviving without running anything.
Module-level statements (run at import) get every test. Tests that run the
package in a subprocess are not seen by this map, so the kill rate it gives is
a lower bound. It needs the ``coverage`` package (installed with mutmut)::

    python benchmarks/mutation.py powermodel/costs.py --tests tests \
        --select coverage --sample 40 --seed 1

For a run over every site on a small machine: ``--fork`` runs each mutant's
tests with ``pytest.main`` in a fork of a process that imported the heavy
libraries once; ``--budget S`` runs only the fastest covering tests, up to S
seconds of their unmutated durations (a mutant that survives them is reported
as "survived (budget)": killed stays killed, so the rate is a lower bound);
``--shard I/N`` splits one run over N processes; ``--coverage-from DIR``
reuses the coverage files an earlier run of the same modules and tests left
(copy ``.mutation-coverage*`` out of its private copy while it runs)::

    python benchmarks/mutation.py powermodel/costs.py --tests tests/test_costs.py ... \
        --select coverage --budget 6 --fork --shard 0/2 --sample 100000
"""

import argparse
import ast
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
               ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.Mult}
_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
             ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_CMP_REVERSE = {ast.Lt: ast.Gt, ast.Gt: ast.Lt}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
           ast.FloorDiv: "//", ast.Mod: "%", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
           ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in",
           ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or"}


def _skip_nodes(tree):
    """Ids of nodes not to mutate: docstrings, f-strings and everything inside them."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.update(id(n) for n in ast.walk(body[0]))
    return skip


def sites(tree):
    """Every mutation site: (index of the node in ast.walk order, kind, description)."""
    skip = _skip_nodes(tree)
    out = []
    for i, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAP:
            a, b = _SYMBOL[type(node.op)], _SYMBOL[_BINOP_SWAP[type(node.op)]]
            out.append((i, "binop", line, f"{a} -> {b}"))
            if type(node.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div):
                out.append((i, "drop", line, f"a {a} b -> a"))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            op = type(node.ops[0])
            if op in _CMP_SWAP:
                out.append((i, "compare", line, f"{_SYMBOL[op]} -> {_SYMBOL[_CMP_SWAP[op]]}"))
            if op in _CMP_REVERSE:
                out.append((i, "reverse", line, f"{_SYMBOL[op]} -> {_SYMBOL[_CMP_REVERSE[op]]}"))
        elif isinstance(node, ast.BoolOp):
            a = _SYMBOL[type(node.op)]
            out.append((i, "boolop", line, f"{a} -> {'or' if a == 'and' else 'and'}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((i, "not", line, "not e -> e"))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
            v = node.value
            new = (not v) if isinstance(v, bool) else (v + 1 if isinstance(v, int)
                                                     else (1.5 * v if v else 1.0))
            out.append((i, "constant", line, f"{v!r} -> {new!r}"))
    return out


class _Apply(ast.NodeTransformer):
    def __init__(self, index, kind):
        self.index, self.kind, self.count = index, kind, -1
        self.target = None

    def mutate(self, tree):
        nodes = list(ast.walk(tree))
        self.target = nodes[self.index]
        return self.visit(tree)

    def generic_visit(self, node):
        node = super().generic_visit(node)
        if node is not self.target:
            return node
        k = self.kind
        if k == "binop":
            node.op = _BINOP_SWAP[type(node.op)]()
        elif k == "drop":
            return node.left
        elif k == "compare":
            node.ops = [_CMP_SWAP[type(node.ops[0])]()]
        elif k == "reverse":
            node.ops = [_CMP_REVERSE[type(node.ops[0])]()]
        elif k == "boolop":
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif k == "not":
            return node.operand
        elif k == "constant":
            v = node.value
            node.value = (not v) if isinstance(v, bool) else (
                v + 1 if isinstance(v, int) else (1.5 * v if v else 1.0))
        return node


def mutant_source(tree, site):
    t = copy.deepcopy(tree)
    _Apply(site[0], site[1]).mutate(t)
    return ast.unparse(ast.fix_missing_locations(t))


def _copy_repo(dest):
    ignore = shutil.ignore_patterns(".git", "__pycache__", "out", "_build", ".hypothesis",
                                    "mutants", ".venv", "*.egg-info")
    for src in sorted(ROOT.iterdir()):  # (the tests read figures/, paper/, README.md, ...)
        name = src.name
        if name in (".git", ".venv", ".hypothesis", ".pytest_cache", "out", "mutants") \
                or name.endswith(".egg-info"):
            continue
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)


_PLUGIN = '''"""pytest plugin of benchmarks/mutation.py: per-test coverage, or a chosen subset."""
import json, os, time
import pytest

_cov = None
_durations = {}


def pytest_configure(config):
    global _cov
    if os.environ.get("PM_MUT_COVERAGE"):
        import coverage
        _cov = coverage.Coverage(data_file=os.environ["PM_MUT_COVERAGE"],
                                 include=os.environ["PM_MUT_TARGET"].split(","))
        _cov.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _cov is not None:
        _cov.switch_context(item.nodeid)
    t0 = time.perf_counter()
    yield
    _durations[item.nodeid] = time.perf_counter() - t0
    if _cov is not None:
        _cov.switch_context("")


def pytest_collection_modifyitems(config, items):
    path = os.environ.get("PM_MUT_SELECT")
    if not path:
        return
    with open(path, encoding="utf-8") as fh:
        order = {n: i for i, n in enumerate(json.load(fh))}
    keep = sorted((it for it in items if it.nodeid in order), key=lambda it: order[it.nodeid])
    dropped = [it for it in items if it.nodeid not in order]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


def pytest_unconfigure(config):
    if _cov is not None:
        _cov.stop()
        _cov.save()
        with open(os.environ["PM_MUT_COVERAGE"] + ".durations", "w", encoding="utf-8") as fh:
            json.dump(_durations, fh)
'''


def _statement_lines(tree):
    """Line -> (first, last) line of the innermost statement holding it, and the
    set of lines that belong to module- or class-level statements (run at import)."""
    span, toplevel = {}, set()

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                first, last = child.lineno, child.end_lineno or child.lineno
                for ln in range(first, last + 1):
                    span[ln] = (first, last)
                    if not in_function:
                        toplevel.add(ln)
                    else:
                        toplevel.discard(ln)
                inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                          ast.Lambda))
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    # decorators and defaults run at import, the body does not
                    for ln in range(first, child.body[0].lineno):
                        toplevel.add(ln)
                visit(child, inner)
            else:
                visit(child, in_function)

    visit(tree, False)
    return span, toplevel


def coverage_map(repo, targets, tests, timeout):
    """Run ``tests`` once under coverage.

    Returns (status, secs, {file: {line: node ids}}, {node id: seconds}).
    """
    import coverage

    data_file = str(repo / ".mutation-coverage")
    env = {"PM_MUT_COVERAGE": data_file, "PM_MUT_TARGET": ",".join(map(str, targets))}
    # (the whole run, once: allowed ten times the time of one mutant)
    status, secs = run_tests(repo, tests, 10 * timeout, env=env, stop_first=False)
    if status != "survived":
        return status, secs, {}, {}
    data = coverage.CoverageData(basename=data_file)
    data.read()
    by_file = {}
    for f in data.measured_files():
        by_line = by_file.setdefault(str(Path(f).resolve()), {})
        for ln, ctxs in data.contexts_by_lineno(f).items():
            by_line.setdefault(ln, set()).update(c for c in ctxs if c)
    with open(data_file + ".durations", encoding="utf-8") as fh:
        durations = json.load(fh)
    return status, secs, by_file, durations


def load_coverage(repo, src):
    """The map of :func:`coverage_map` from the data files of an earlier run, whose
    private copy had another path: files are matched by their path in the package."""
    import coverage

    data = coverage.CoverageData(basename=str(src / ".mutation-coverage"))
    data.read()
    by_file = {}
    for f in data.measured_files():
        rel = "powermodel/" + Path(f).as_posix().split("/powermodel/", 1)[1]
        by_line = by_file.setdefault(str((repo / rel).resolve()), {})
        for ln, ctxs in data.contexts_by_lineno(f).items():
            by_line.setdefault(ln, set()).update(c for c in ctxs if c)
    with open(src / ".mutation-coverage.durations", encoding="utf-8") as fh:
        durations = json.load(fh)
    return "survived", sum(durations.values()), by_file, durations


def _budget_survivors(path):
    """{(module, line, kind, change)} of the mutants an output file reports as
    'survived (budget)' (a line may hold several identical changes: all are taken)."""
    import re

    out = set()
    pat = re.compile(r"  (\S+?):(\d+)\s+(\w+)\s+(.*?)\s+survived \(budget\)")
    for line in path.read_text(encoding="utf-8").splitlines():
        m = pat.match(line)
        if m:
            out.add((m.group(1), int(m.group(2)), m.group(3), m.group(4).strip()))
    return out


def _within(order, durations, budget):
    """The fastest-first prefix of ``order`` that fits ``budget`` seconds (at least one)."""
    if budget is None:
        return order
    out, total = [], 0.0
    for n in order:
        total += durations.get(n, 1e9)
        if out and total > budget:
            break
        out.append(n)
    return out


_FORK = False  # --fork: run each mutant's tests in a fork of a warm process


def _warm_up():
    """Import the heavy third-party libraries once, before any fork (never powermodel)."""
    global _FORK
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.dont_write_bytecode = True  # (a mutant may keep its module's size and mtime)
    import importlib

    for name in ("numpy", "scipy", "scipy.optimize", "scipy.stats", "scipy.special",
                 "sympy", "matplotlib", "matplotlib.pyplot", "mpmath", "flint",
                 "hypothesis", "hypothesis.strategies", "hypothesis.extra.numpy",
                 "pytest", "_pytest.python", "_pytest.assertion.rewrite"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    _FORK = True


def _run_forked(repo, args, timeout, env):
    """pytest.main(args) in a forked child (own process group), cwd ``repo``.

    Returns the exit status, or None on timeout (the group is killed)."""
    import signal

    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.chdir(repo)
            os.environ.update(env)
            sys.path.insert(0, str(repo))
            import pytest

            code = pytest.main(list(args))
        except BaseException:
            code = 99
        os._exit(int(code) if int(code) < 256 else 99)
    deadline = time.perf_counter() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.perf_counter() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return None
        time.sleep(0.02)


def run_tests(repo, tests, timeout, env=None, stop_first=True):
    args = [*(["-x"] if stop_first else []), "-q", "-p", "no:cacheprovider",
            "-p", "no:randomly", "-p", "_pm_mutation_plugin", *tests]
    if _FORK and stop_first:
        t0 = time.perf_counter()
        code = _run_forked(repo, args, timeout, {"PYTHONDONTWRITEBYTECODE": "1",
                                                 **(env or {})})
        status = ("killed (timeout)" if code is None
                  else "survived" if code == 0 else "killed")
        return status, time.perf_counter() - t0
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1",
           **(env or {})}
    cmd = [sys.executable, "-m", "pytest", *args]
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, timeout=timeout)
        status = "survived" if r.returncode == 0 else "killed"
        if not stop_first and r.returncode:  # (the baseline: show why it failed)
            print(r.stdout.decode(errors="replace")[-3000:], file=sys.stderr)
    except subprocess.TimeoutExpired:
        status = "killed (timeout)"
    return status, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="+", metavar="module",
                    help="the modules to mutate, e.g. powermodel/sensitivity/sobol_indices.py")
    ap.add_argument("--tests", nargs="+", required=True,
                    help="test files, folders or node ids to run against each mutant")
    ap.add_argument("--sample", type=int, default=20,
                    help="mutants to run per module (default 20)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds per test run before the mutant counts as killed")
    ap.add_argument("--kinds", nargs="+", default=None,
                    help="only these kinds (binop drop compare reverse boolop not constant)")
    ap.add_argument("--lines", type=int, nargs="+", default=None,
                    help="only the sites on these lines (to re-run given mutants)")
    ap.add_argument("--list", action="store_true", help="list the sites and stop")
    ap.add_argument("--select", choices=("all", "coverage"), default="all",
                    help="run all --tests against each mutant (default), or only those "
                         "that execute the mutated statement")
    ap.add_argument("--fork", action="store_true",
                    help="run each mutant's tests with pytest.main in a fork of this "
                         "process, the heavy libraries imported once (POSIX; several "
                         "seconds faster a mutant)")
    ap.add_argument("--budget", type=float, default=None,
                    help="with --select coverage: run only the fastest covering tests whose "
                         "unmutated durations add up to at most this many seconds (at "
                         "least one); a mutant that survives them is reported as "
                         "'survived (budget)'. Killed stays killed: the rate is a lower bound")
    ap.add_argument("--shard", default=None, metavar="I/N",
                    help="run only every N-th sampled mutant, starting at the I-th (0-based), "
                         "to split one run over several processes")
    ap.add_argument("--coverage-from", default=None, metavar="DIR",
                    help="with --select coverage: reuse the .mutation-coverage files an "
                         "earlier run of the same modules and tests left in DIR (copied out "
                         "of its private copy) instead of running the suite under coverage")
    ap.add_argument("--rerun", default=None, metavar="FILE",
                    help="only the mutants FILE (the output of an earlier run) reports as "
                         "'survived (budget)': to run them again with every covering test")
    args = ap.parse_args(argv)

    mods = []
    for module in map(Path, args.modules):
        rel = (module if not module.is_absolute() else module.relative_to(ROOT)).as_posix()
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        all_sites = [s for s in sites(tree) if (args.kinds is None or s[1] in args.kinds)
                     and (args.lines is None or s[2] in args.lines)]
        if args.rerun:
            again = _budget_survivors(Path(args.rerun))
            all_sites = [s for s in all_sites if (rel, s[2], s[1], s[3]) in again]
        mods.append((rel, tree, all_sites))
    if args.list:
        for rel, _, all_sites in mods:
            for s in all_sites:
                print(f"{rel}:{s[2]}  {s[1]:<8} {s[3]}")
            print(f"{rel}: {len(all_sites)} sites")
        return 0
    # a SIGTERM ends like Ctrl-C, so that the private copy is removed
    import signal

    signal.signal(signal.SIGTERM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    rng = random.Random(args.seed)
    chosen = {rel: sorted(rng.sample(all_sites, min(args.sample, len(all_sites))),
                          key=lambda s: s[2]) for rel, _, all_sites in mods}
    if args.shard:
        i, n = (int(v) for v in args.shard.split("/"))
        chosen = {rel: c[i::n] for rel, c in chosen.items()}
    summary = []
    with tempfile.TemporaryDirectory(prefix="pm-mutation-") as tmp:
        repo = Path(tmp)
        _copy_repo(repo)
        (repo / "_pm_mutation_plugin.py").write_text(_PLUGIN, encoding="utf-8")
        # the baseline: the unmutated modules must pass the tests. Mutants are
        # unparsed ASTs, so line numbers are those of the unparsed text.
        bases = {rel: ast.unparse(tree) for rel, tree, _ in mods}
        for rel, base in bases.items():
            (repo / rel).write_text(base, encoding="utf-8")
        if args.select == "coverage" and args.coverage_from:
            status, secs, by_file, durations = load_coverage(repo, Path(args.coverage_from))
        elif args.select == "coverage":
            status, secs, by_file, durations = coverage_map(
                repo, [(repo / rel).resolve() for rel in bases], args.tests, args.timeout)
        else:
            status, secs = run_tests(repo, args.tests, args.timeout)
        base_secs = secs
        print(f"baseline (unmutated), tests {' '.join(args.tests)}: {status} "
              f"in {secs:.1f} s", flush=True)
        if status != "survived":
            print("the tests fail without any mutation: fix that first", file=sys.stderr)
            return 1
        if args.fork:
            _warm_up()
            status, secs = run_tests(repo, ["--co", *args.tests], args.timeout)
            if status != "survived":
                print("pytest in a forked child fails to collect: run without --fork",
                      file=sys.stderr)
                return 1
        sel = repo / ".mutation-select.json"
        for rel, tree, all_sites in mods:
            target = repo / rel
            print(f"{rel}: {len(all_sites)} sites, {len(chosen[rel])} sampled "
                  f"(seed {args.seed})", flush=True)
            if args.select == "coverage":
                base_tree = ast.parse(bases[rel])
                span, toplevel = _statement_lines(base_tree)
                # the same site in the unparsed module (ast.walk order is unchanged)
                base_line = {b[0]: b[2] for b in sites(base_tree)}
                by_line = by_file.get(str(target.resolve()), {})
            results = []
            for s in chosen[rel]:
                target.write_text(mutant_source(tree, s), encoding="utf-8")
                # (a time limit catches mutants that loop; it must not catch slow tests:
                # at least three times what the selected tests took unmutated)
                tests, env, limit, truncated = args.tests, None, args.timeout, False
                if args.select == "coverage":
                    ln = base_line[s[0]]
                    first, last = span.get(ln, (ln, ln))
                    if any(x in toplevel for x in range(first, last + 1)):
                        limit = max(limit, 3 * base_secs)  # (every test)
                        if args.budget is not None:
                            order = sorted(durations, key=durations.get)
                            cut = _within(order, durations, args.budget)
                            truncated = len(cut) < len(order)
                            sel.write_text(json.dumps(cut), encoding="utf-8")
                            tests = sorted({n.split("::")[0] for n in cut})
                            env = {"PM_MUT_SELECT": str(sel)}
                            limit = max(args.timeout, 3 * sum(durations[t] for t in cut))
                    else:
                        ids = set().union(*(by_line.get(x, set())
                                            for x in range(first, last + 1)))
                        if not ids:
                            results.append((s, "survived"))
                            print(f"  {rel}:{s[2]:<5} {s[1]:<8} {s[3]:<22} "
                                  f"{'survived (no test)':<17}", flush=True)
                            continue
                        order = sorted(ids, key=lambda n: durations.get(n, 1e9))
                        cut = _within(order, durations, args.budget)
                        truncated = len(cut) < len(order)
                        order = cut
                        sel.write_text(json.dumps(order), encoding="utf-8")
                        tests = sorted({n.split("::")[0] for n in order})
                        env = {"PM_MUT_SELECT": str(sel)}
                        limit = max(limit, 3 * sum(durations.get(t, 0.0) for t in order))
                status, secs = run_tests(repo, tests, limit, env=env)
                if status == "survived" and truncated:
                    status = "survived (budget)"
                results.append((s, status))
                print(f"  {rel}:{s[2]:<5} {s[1]:<8} {s[3]:<22} {status:<17} {secs:6.1f} s",
                      flush=True)
            target.write_text(bases[rel], encoding="utf-8")
            summary.append((rel, results))
    for rel, results in summary:
        killed = sum(st.startswith("killed") for _, st in results)
        n = len(results)
        print(f"{rel}: killed {killed} of {n} mutants ({100 * killed / max(n, 1):.0f}%)")
        for s, st in results:
            if st.startswith("survived"):
                print(f"  survivor: {rel}:{s[2]} {s[1]} {s[3]}" + (" (budget)" if "budget" in st
                                                                   else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
