"""Every typo gets a suggestion: parameters, inputs, scenario keys, CLI commands and options."""

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

import powermodel as pm
from powermodel.cli._argparse import ArgumentParser
from powermodel._validation import suggest
from powermodel.cli import main


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name, choices, expected", [
    ("xcap", ("c", "k", "x_cap"), " (did you mean `x_cap`?)"),
    ("--overlp", ("--overlap", "--N"), " (did you mean `--overlap`?)"),
    ("K", ("c", "k"), " (did you mean `k`?)"),          # case ignored
    ("x-cap", ("x_cap",), " (did you mean `x_cap`?)"),  # - and _ alike
    ("zebra", ("c", "k"), ""),
])
def test_suggest(name, choices, expected):
    assert suggest(name, choices) == expected


@pytest.mark.parametrize("kw, hint", [
    (dict(xcap=5.0), "`x_cap`"),
    (dict(overlp=0.1), "`overlap`"),
    (dict(runtime_penality=0.1), "`runtime_penalty`"),
    (dict(K=3.0), "`k`"),
    (dict(errros="nan"), "`errors`"),
])
def test_solve_suggests_parameters_and_solver_inputs(kw, hint):
    with pytest.raises(pm.InputError, match=f"did you mean {hint}"):
        pm.Model("power", c=1.0, k=2.0).solve(N=10, P=100, **kw)


def test_model_and_sweep_suggest():
    with pytest.raises(pm.InputError, match="did you mean `c`"):
        pm.Model("power", C=1.0)
    with pytest.raises(pm.InputError, match="did you mean `overlap`"):
        pm.sweep(pm.Model("power", c=1.0, k=2.0), N=[10, 100], P=1e4, overlapp=0.1)


def test_no_suggestion_when_nothing_is_close():
    with pytest.raises(pm.InputError) as exc:
        pm.Model("power", c=1.0, k=2.0).solve(N=10, P=100, zebra=1.0)
    assert "did you mean" not in str(exc.value)


def test_scenario_keys(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('cost = "power"\nparms = {c = 1}\n[analysis]\ntype = "sweep"\n')
    with pytest.raises(pm.ScenarioError, match="did you mean `params`"):
        pm.load_scenario(p)
    p.write_text('cost = "power"\nparams = {c = 1, kk = 2}\n[analysis]\ntype = "sweep"\n')
    with pytest.raises(pm.ScenarioError, match="did you mean `k`"):
        pm.load_scenario(p)


SOLVE = ["power", "--param", "c=1", "--param", "k=2", "--N", "100", "--P", "1e6"]


@pytest.mark.parametrize("argv, hint", [
    (["slove", *SOLVE], "`solve`"),
    (["solve", *SOLVE, "--xcap", "5"], "`--x-cap`"),
    (["solve", *SOLVE, "--overlp=0.1"], "`--overlap`"),
    (["solve", *SOLVE, "--runtime_penalty", "0.1"], "`--runtime-penalty`"),
    (["derive", "power", "--latx"], "`--latex`"),
    (["solve", "power", "--param", "c=1", "--param", "k=2", "--n", "100", "--P", "1"], "`--N`"),
    (["solve", "power", "--param", "c=1", "--param", "xcap=2", "--N", "1", "--P", "1"],
     "`x_cap`"),
])
def test_cli_suggests(argv, hint):
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert f"did you mean {hint}" in err


def test_parser_alone_exits_2_with_the_hint(capsys):
    p = ArgumentParser(prog="demo")
    p.add_argument("--x-cap")
    with pytest.raises(SystemExit) as exc:
        p.parse_args(["--xcap", "1"])
    assert exc.value.code == 2
    assert "did you mean `--x-cap`" in capsys.readouterr().err


def test_explore_suggests():
    with pytest.raises(pm.InputError, match="did you mean `overlap`"):
        pm.explore(pm.Model("power", c=1.0, k=2.0), P=1e4, ovrlap=0.1)
