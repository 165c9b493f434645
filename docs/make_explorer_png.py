"""Write docs/explorer.png: a strip of three explorer states (P moved, then overlap).

Run from the repository root: ``python docs/make_explorer_png.py``. It drives
:func:`powermodel.explore` through its sliders (headless, Agg) exactly as a
user would, snapshots each state and puts the snapshots side by side.
"""

import io
import os
import sys


def main(path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "explorer.png")):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt
    import numpy as np

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import powermodel as pm
    from powermodel._io import write_bytes

    e = pm.explore(pm.Model("overhead", F=100.0, s=0.1, c=1.0, k=2.0), N=(1, 1e6), P=1e5,
                   points=300)
    shots = []
    for name, value in ((None, None), ("P", 1e6), ("overlap", 0.002)):
        if name:
            e.sliders[name].set_val(value)
        buf = io.BytesIO()
        e.figure.savefig(buf, format="png", dpi=70)
        buf.seek(0)
        shots.append(mpimg.imread(buf))
    e.close()
    h = min(s.shape[0] for s in shots)
    strip = np.concatenate([s[:h] for s in shots], axis=1)
    buf = io.BytesIO()
    plt.imsave(buf, strip, format="png")
    write_bytes(path, buf.getvalue())
    return path


if __name__ == "__main__":
    print(main())
