"""``python -m powermodel``: the same as the ``powermodel`` command."""

import sys

from .cli import main

sys.exit(main())
