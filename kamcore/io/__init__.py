"""Edges of kamcore: JSON documents (:mod:`kamcore.io.json`) and frames (:mod:`kamcore.io.frames`).

Heavy optional libraries (cattrs, pandas, polars, pyarrow) are imported only by
these modules; importing :mod:`kamcore.io` itself is cheap.
"""

from __future__ import annotations

__all__: list[str] = []
