"""fpdf2, imported without the optional packages the report never uses.

On import fpdf2 tries Pillow and numpy (images), cryptography and endesive (signing) and
uharfbuzz (text shaping); the report embeds no image, signs nothing and shapes no text, and
those attempts are about 40 % of fpdf2's import time. Those the process has not imported yet
are hidden while fpdf2 imports and put back straight after, so the rest of the process can
still import them. Where they are already loaded (the app has numpy and Pillow), nothing
changes.
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["FPDF", "Align", "FontFace", "TableBordersLayout", "XPos", "YPos"]

_UNUSED_OPTIONAL = ("PIL", "numpy", "cryptography", "endesive", "uharfbuzz")


def _import_without_unused_options() -> None:
    if "fpdf" in sys.modules:
        return
    hidden = [name for name in _UNUSED_OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        with warnings.catch_warnings():
            # fpdf2 warns that it "will not be able to add any image"; the report adds none.
            warnings.filterwarnings("ignore", message="Pillow could not be imported")
            import fpdf  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


_import_without_unused_options()

from fpdf import FPDF  # noqa: E402
from fpdf.enums import Align, TableBordersLayout, XPos, YPos  # noqa: E402
from fpdf.fonts import FontFace  # noqa: E402
