"""Work around PySide6 6.12 releasing ``None`` once too often on CPython 3.11.

Measured here (PySide6-Essentials 6.12, CPython 3.11.7): every call into Qt that returns
nothing (``painter.drawText``, ``processEvents``...), every one returning a bool, and every
Python ``data()`` override returning ``None`` to C++ drops one reference to ``None``, ``True``
or ``False`` that was never taken: the abi3 wheel treats them as immortal, which they only are
from CPython 3.12. After a few thousand calls (a second of scrolling) the process aborts with
"none_dealloc: deallocating None".

``None`` is never meant to be freed, so the fix gives it the effectively infinite reference
count it has on 3.12+. Only done when a probe shows the bug; a no-op on fixed versions.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QCoreApplication

# Far more releases than any session makes (10^12), far below Py_ssize_t's limit.
_RESERVE = 1 << 40


def _none_is_over_released() -> bool:
    if sys.version_info >= (3, 12):
        return False
    before = sys.getrefcount(None)
    for _ in range(32):
        QCoreApplication.processEvents()
    lost = before - sys.getrefcount(None)
    return lost >= 16


def protect_none() -> bool:
    """Call once after the QApplication exists; returns whether the workaround was needed."""
    if not _none_is_over_released():
        return False
    # The same happens to True and False (``isNull()``, ``eventFilter``...), also immortal on 3.12.
    for singleton in (None, True, False, NotImplemented, Ellipsis):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt comes first
        if refcount.value < _RESERVE:
            refcount.value += _RESERVE
    return True
