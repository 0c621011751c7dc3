"""fpdf2, imported without the packages the report never uses.

On import fpdf2 tries Pillow and numpy (images), cryptography and endesive (signing) and
uharfbuzz (text shaping), and imports `unittest.mock` (and with it asyncio) for the one
`patch` its signing needs. The report embeds no image, signs nothing and shapes no text, and
those imports are about half of fpdf2's import time. So, while fpdf2 imports: the optional
packages the process has not loaded yet are hidden (fpdf2 then does without them), and
`unittest.mock`, if not loaded yet, is stood in for by a module whose `patch` imports the real
one when first called. Straight after, everything is put back: the rest of the process
imports the real packages as usual. Where they are already loaded (the app has numpy and
Pillow), nothing changes.

Only a single-threaded process (the command line) does this: with other threads running, as
in the app's server, one of them could import a hidden package in that moment, so fpdf2 is
imported as it is.
"""

from __future__ import annotations

import sys
import threading
import types
import warnings
from typing import Any

__all__ = ["FPDF", "Align", "XPos", "YPos", "color_from_hex_string"]

_UNUSED_OPTIONAL = ("PIL", "numpy", "cryptography", "endesive", "uharfbuzz")
_MOCK = "unittest.mock"


def _patch_on_first_use(*args: Any, **kwargs: Any) -> Any:
    """`unittest.mock.patch`, imported when fpdf2 signs a document (the report never does)."""
    from unittest import mock

    return mock.patch(*args, **kwargs)


def _import_without_unused_packages() -> None:
    if "fpdf" in sys.modules:
        return
    if threading.active_count() > 1:
        import fpdf  # noqa: F401

        return
    stand_ins: dict[str, types.ModuleType | None] = {
        name: None for name in _UNUSED_OPTIONAL if name not in sys.modules
    }
    if _MOCK not in sys.modules:
        mock = types.ModuleType(_MOCK, "Stand-in while fpdf2 imports; see fpdf_import.")
        mock.patch = _patch_on_first_use  # type: ignore[attr-defined]
        stand_ins[_MOCK] = mock
    sys.modules.update(stand_ins)  # a None entry makes `import name` fail
    try:
        with warnings.catch_warnings():
            # fpdf2 warns that it "will not be able to add any image"; the report adds none.
            warnings.filterwarnings("ignore", message="Pillow could not be imported")
            import fpdf  # noqa: F401
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_import_without_unused_packages()

from fpdf import FPDF  # noqa: E402
from fpdf.drawing_primitives import color_from_hex_string  # noqa: E402
from fpdf.enums import Align, XPos, YPos  # noqa: E402
