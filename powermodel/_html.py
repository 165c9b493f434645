"""HTML tables of result objects, for notebooks (``Result._repr_html_``).

Compact: one row per field with its unit; arrays summarised like NumPy's
repr (the first and last few items of a large array, with its shape);
results that have a ``table()`` (the sensitivity analyses) show that table,
long ones cut in the middle. Every piece of text is HTML-escaped.

>>> import powermodel as pm
>>> html = pm.Model("power", c=1.0, k=2.0).solve(N=100, P=1e6)._repr_html_()
>>> "<table" in html and "bits" in html and "interior" in html
True
"""

import html

import numpy as np

__all__ = ["result_table", "UNITS"]

#: Unit of each field, by name (fields not listed are shown without a unit).
UNITS = {
    "x": "bits", "value": "bits", "base_per_instance": "bits", "x_budget": "bits",
    "novel_value": "bits", "learned_share": "share of g*", "budget_share": "share of P",
    "compute_multiplier": "× P", "novel_ratio": "× g*", "N": "instances",
}

#: Arrays with more items than this are summarised (NumPy's repr uses 1000).
THRESHOLD = 12
#: Items shown at each end of a summarised array, rows at each end of a long table.
EDGE = 3
MAX_ROWS = 12

_STYLE = ("border-collapse:collapse;font-size:90%;text-align:left;"
          "font-family:ui-monospace,monospace")
_CELL = "text-align:left;vertical-align:top"


def _e(text):
    return html.escape(str(text), quote=False)


def _num(v):
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{float(v):.6g}"


def _array(v):
    if v.ndim == 0:
        return _value(v[()])
    if v.dtype.kind in "US" and v.size > THRESHOLD:
        vals, counts = np.unique(v, return_counts=True)
        top = ", ".join(f"{a}: {b}" for a, b in zip(vals[:6], counts[:6]))
        return _e(f"array(shape={v.shape}, counts {{{top}}})")
    with np.printoptions(threshold=THRESHOLD, edgeitems=EDGE, precision=6, linewidth=72):
        text = np.array2string(v, separator=", ")
    if v.size > THRESHOLD or v.ndim > 1:
        text += f"  shape={v.shape}"
    return f"<span style='white-space:pre'>{_e(text)}</span>"


def _is_result(v):
    """A :class:`~powermodel.result.Result` (by its interface: this module does not
    import powermodel.result, which imports it)."""
    t = type(v)
    return isinstance(getattr(t, "_fields", None), tuple) and all(
        callable(getattr(t, m, None)) for m in ("to_dict", "_repr_html_"))


def _value(v, depth=0):
    if _is_result(v) and depth == 0:
        return _fields_table(v, depth + 1)
    if isinstance(v, np.ndarray):
        return _array(v)
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, (int, float, np.number))
                                                    for x in v):
        return _array(np.asarray(v)) if len(v) > THRESHOLD else _e(
            "(" + ", ".join(_num(x) for x in v) + ("," if len(v) == 1 else "") + ")")
    if isinstance(v, dict):
        items = list(v.items())
        shown = items if len(items) <= MAX_ROWS else items[:EDGE] + [None] + items[-EDGE:]
        return "<br>".join("…" if kv is None else f"{_e(kv[0])}: {_value(kv[1], depth + 1)}"
                           for kv in shown)
    if isinstance(v, (float, int, np.number)) and not isinstance(v, bool):
        return _e(_num(v))
    if isinstance(v, str):
        return _e(v)
    text = repr(v)
    return _e(text if len(text) <= 80 else text[:77] + "...")


def _table(header, rows, caption):
    head = "".join(f"<th style='{_CELL}'>{_e(h)}</th>" for h in header)
    body = []
    for r in rows:
        if r is None:
            body.append(f"<tr><td colspan='{len(header)}'>…</td></tr>")
        else:
            body.append("<tr>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in r) + "</tr>")
    return (f"<table class='powermodel-result' style='{_STYLE}'>"
            f"<caption style='text-align:left;font-weight:bold'>{_e(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _fields_table(obj, depth=0):
    rows = [[_e(f), _value(getattr(obj, f), depth), _e(UNITS.get(f, ""))] for f in obj._fields]
    return _table(["field", "value", "unit"], rows, type(obj).__name__)


def _data_table(obj, header, rows):
    rows = list(rows)
    shown = rows if len(rows) <= MAX_ROWS else rows[:EDGE] + [None] + rows[-EDGE:]
    cells = [None if r is None else
             [_e(c) if isinstance(c, str) else _value(c, 1) for c in r] for r in shown]
    caption = f"{type(obj).__name__} ({len(rows)} rows)" if len(rows) > MAX_ROWS \
        else type(obj).__name__
    out = _table(header, cells, caption)
    rest = [f for f in obj._fields
            if not isinstance(getattr(obj, f), (dict, np.ndarray))
            and f not in ("names", "quantiles")]
    if rest:
        out += _table(["field", "value", "unit"],
                      [[_e(f), _value(getattr(obj, f), 1), _e(UNITS.get(f, ""))] for f in rest],
                      "")
    return out


def result_table(obj):
    """The HTML of a result object, or None for results shown as LaTeX.

    Results with a ``_repr_latex_`` (the symbolic engine's) keep it: a
    notebook prefers HTML, so returning None lets the LaTeX show.
    """
    if hasattr(type(obj), "_repr_latex_"):
        return None
    table = getattr(obj, "table", None)
    if callable(table):
        try:
            header, rows = table()
        except Exception:  # noqa: BLE001 - fall back to the field table
            return _fields_table(obj)
        return _data_table(obj, header, rows)
    return _fields_table(obj)
