"""The PDF's streams deflated at zlib's default level instead of its slowest.

WeasyPrint writes the PDF with pydyf, which deflates every stream (the
pages, the fonts, the structure tree) at zlib's level 9. For the full
default board paper (some 840 KB of streams) that took 53 ms, a twentieth of
the render, and level 6, zlib's default, takes 12 ms for a file 5 KB larger
(143 KB of streams instead of 138 KB).

``install()`` gives pydyf a zlib whose ``compressobj`` is capped at that
level; everything else is the real module. pydyf sets the level inside
``Stream.data``, so ``tests/test_pdf.py`` checks that its streams come out
deflated at this level.
"""

import zlib
from typing import Any

import pydyf

LEVEL = 6


class _Zlib:
    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(min(level, LEVEL), *args, **kwargs)


def install() -> None:
    if not isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = _Zlib()
