"""Atomic file writes (powermodel/_io.py): after an interruption, the old file or the new one.

Every writer is interrupted in the ways a write can fail: an exception in the
block, a failing ``os.replace`` or ``fsync``, Ctrl-C, and a process killed
with SIGKILL half way through. The previous file must be intact and, unless
the process died, no temporary file left behind.
"""

import ast
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import powermodel as pm
from powermodel import _io

OLD = "old content\n" * 100


def _leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text(OLD, encoding="utf-8")
    return path


def test_writes_and_creates_folders(tmp_path):
    path = tmp_path / "a" / "b" / "c" / "out.txt"
    assert _io.write_text(path, "hello\r\nworld") == path
    assert path.read_bytes() == b"hello\r\nworld"  # newlines are written as given
    _io.write_bytes(path.with_suffix(".bin"), b"\x00\x01")
    assert path.with_suffix(".bin").read_bytes() == b"\x00\x01"
    assert _leftovers(path.parent) == []


def test_new_file_has_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = _io.write_text(tmp_path / "f.txt", "x")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_exception_inside_the_block_keeps_the_old_file(target):
    with pytest.raises(RuntimeError):
        with _io.atomic_write(target) as fh:
            fh.write("new half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(target.parent) == []


def test_keyboard_interrupt_keeps_the_old_file(target):
    with pytest.raises(KeyboardInterrupt):
        with _io.atomic_write(target, "wb") as fh:
            fh.write(b"x" * 100000)
            raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(target.parent) == []


@pytest.mark.parametrize("fail", ["replace", "fsync", "write"])
def test_failing_system_call_keeps_the_old_file(target, monkeypatch, fail):
    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    if fail == "write":
        with pytest.raises(pm.InputError, match="No space left on device"):
            with _io.atomic_write(target) as fh:
                fh.write("new start ")
                monkeypatch.setattr(fh, "write", boom)
                fh.write("never")
    else:
        monkeypatch.setattr(os, fail, boom)
        with pytest.raises(pm.InputError, match="No space left on device"):
            _io.write_text(target, "new content")
        monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(target.parent) == []


def test_killed_process_keeps_the_old_file(target):
    # A child writes half of a big file and is killed by SIGKILL inside the block:
    # no cleanup runs, yet the destination still holds the old content.
    code = textwrap.dedent(f"""
        import os, signal
        from powermodel import _io
        with _io.atomic_write({str(target)!r}) as fh:
            fh.write("new " * 250000)
            fh.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == OLD
    # Only the hidden temporary file of the killed writer can remain.
    left = _leftovers(target.parent)
    assert len(left) == 1 and left[0].startswith(f".{target.name}.")
    assert (target.parent / left[0]).stat().st_size > 0  # it really was mid-write


def test_overwrite_false_refuses_an_existing_file(target):
    with pytest.raises(pm.InputError, match="exists"):
        _io.write_text(target, "new", overwrite=False)
    assert target.read_text(encoding="utf-8") == OLD
    new = target.with_name("new.csv")
    _io.write_text(new, "fresh", overwrite=False)
    assert new.read_text(encoding="utf-8") == "fresh"
    assert _leftovers(target.parent) == []


def test_overwrite_false_never_replaces_a_file_that_appeared_meanwhile(tmp_path):
    path = tmp_path / "race.txt"
    with pytest.raises(pm.InputError, match="exists"):
        with _io.atomic_write(path, overwrite=False) as fh:
            fh.write("mine")
            path.write_text("someone else's", encoding="utf-8")  # created during the write
    assert path.read_text(encoding="utf-8") == "someone else's"
    assert _leftovers(tmp_path) == []


def test_overwrite_true_replaces(target):
    _io.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"


def test_bad_destinations_are_input_errors(tmp_path):
    with pytest.raises(pm.InputError, match="folder"):
        _io.write_text(tmp_path, "x")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(pm.InputError, match="cannot write"):
        _io.write_text(f / "sub.txt", "x")


def test_unusable_destination_names_are_input_errors(tmp_path):
    # ENAMETOOLONG was a raw OSError; a parent that is a file said "File exists"
    with pytest.raises(pm.InputError, match=r"cannot write `.*\.\.\..*\.csv`: File name too long"):
        _io.write_text(tmp_path / ("a" * 300 + ".csv"), "x")
    (tmp_path / "file").write_text("x")
    with pytest.raises(pm.InputError, match=r"`.*file` is a file, not a folder"):
        _io.write_text(tmp_path / "file" / "sub" / "a.csv", "x")


def test_sweep_writers_are_atomic(target, monkeypatch):
    from powermodel import sweeps as sweep

    def boom(*a, **k):
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        sweep.dump_csv(target, ["a", "b"], [[1.0, 2.0]] * 1000)
    with pytest.raises(OSError):
        sweep.dump_json(target, {"a": list(range(1000))})
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(target.parent) == []
    sweep.dump_csv(target, ["a", "b"], [[1.0, 2.0]])
    assert target.read_text(encoding="utf-8") == "a,b\n1.0,2.0\n"


# ---------------------------------------------------------------------------
# Every file the package writes goes through _io (checked on the source)
# ---------------------------------------------------------------------------

PACKAGE = Path(pm.__file__).parent


def _writes_outside_io(tree):
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
        owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
            else None
        if name == "open" and owner in (None, "io", "os", "codecs"):
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            if owner == "os" or (isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+")):
                bad.append(f"{ast.unparse(node)[:60]} (line {node.lineno})")
        elif name in ("write_text", "write_bytes") and owner != "_io":
            bad.append(f"{ast.unparse(node)[:60]} (line {node.lineno})")
        elif name == "savefig":
            # only into an in-memory buffer, whose bytes then go to _io.write_bytes
            if not any(k.arg == "format" for k in node.keywords):
                bad.append(f"{ast.unparse(node)[:60]} (line {node.lineno})")
        elif name in ("save", "savez", "savetxt", "to_csv", "to_json", "dump") and \
                owner in ("np", "numpy", "json", "pickle", "df", "frame"):
            bad.append(f"{ast.unparse(node)[:60]} (line {node.lineno})")
    return bad


def test_no_module_writes_files_except_through_io():
    problems = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "_io.py":
            continue
        bad = _writes_outside_io(ast.parse(path.read_text(encoding="utf-8")))
        if bad:
            problems[path.name] = bad
    assert problems == {}


def test_the_source_check_catches_direct_writes():
    src = ("open(p, 'w').write(s)\nPath(p).write_text(s)\nfig.savefig('a.png')\n"
           "np.save('a.npy', a)\n_io.write_text(p, s)\nfig.savefig(buf, format='png')\n"
           "open(p).read()\n")
    assert len(_writes_outside_io(ast.parse(src))) == 4


def test_figure_csv_keeps_the_numbers(tmp_path):
    """A figure's CSV is its data: read back, every number agrees to 1e-11 relative
    (7 significant digits, as a spreadsheet default would write, loses 1e-7)."""
    import numpy as np

    from powermodel import figures as F

    rng = np.random.default_rng(3)
    x = 10.0 ** rng.uniform(-200, 200, 50)
    y = rng.standard_normal(50) / 3.0
    data = {"panel": np.array(["a"] * 50), "series": np.array(["s"] * 50), "x": x, "y": y}
    path = _io.write_text(tmp_path / "fig.csv", F.csv_text(data))
    back = F.read_csv(path)
    np.testing.assert_allclose(back["x"], x, rtol=1e-11)
    np.testing.assert_allclose(back["y"], y, rtol=1e-11)
    assert back["panel"].tolist() == ["a"] * 50


def test_a_path_that_is_no_name_is_refused_by_name():
    # out=b"dir" and a bytes or numeric file name raised TypeError from pathlib
    import powermodel as pm

    with pytest.raises(pm.InputError, match=r"`out` must be a folder name, got b'dir'"):
        pm.FIGURES["landscape"](out=b"dir")
    r = pm.sweep(pm.Model("power", c=1.0, k=2.0), N=[1.0, 2.0], P=10.0)
    for bad in (b"x.csv", 3, " "):
        with pytest.raises(pm.InputError, match=r"`path` must be a file name"):
            r.to_csv(bad)
