"""Customer delivered value (Kotler): total customer value minus total customer cost."""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    as_float_array,
    broadcast,
)

# --------------------------------------------------------------------------- CDV
_VALUE_PARTS: Final = ("product", "service", "personnel", "image")
_COST_PARTS: Final = ("money", "time", "effort", "psychic")


def customer_delivered_value(
    *,
    product: ArrayLike = 0.0,
    service: ArrayLike = 0.0,
    personnel: ArrayLike = 0.0,
    image: ArrayLike = 0.0,
    money: ArrayLike = 0.0,
    time: ArrayLike = 0.0,
    effort: ArrayLike = 0.0,
    psychic: ArrayLike = 0.0,
) -> FloatArray:
    r"""Return customer delivered value (Kotler): total value - total cost.

    .. math::

        \mathrm{CDV} = (V_\text{product} + V_\text{service} + V_\text{personnel}
        + V_\text{image}) - (C_\text{money} + C_\text{time} + C_\text{effort}
        + C_\text{psychic})

    All eight parts must be expressed in one unit (a currency, or a common
    score scale) and be >= 0; parts left out count as 0. The result can be
    used as the *attraction* of :class:`RetentionModel` (declare its range).

    Parameters
    ----------
    product, service, personnel, image
        Value parts, each a scalar or array broadcastable to (N,); >= 0.
    money, time, effort, psychic
        Cost parts, each a scalar or array broadcastable to (N,); >= 0.

    Returns
    -------
    numpy.ndarray of float64
        The broadcast shape of the parts; any real value.

    Raises
    ------
    InvalidParameterError
        A negative, NaN or infinite part (named in the message).
    ShapeMismatchError
        Parts that do not broadcast.

    Examples
    --------
    >>> customer_delivered_value(product=[60.0, 40.0], service=20.0, money=[50.0, 70.0], time=5.0)
    array([ 25., -15.])
    """
    given = {
        "product": product,
        "service": service,
        "personnel": personnel,
        "image": image,
        "money": money,
        "time": time,
        "effort": effort,
        "psychic": psychic,
    }
    arrays = {k: as_float_array(v, k, domain=NONNEGATIVE) for k, v in given.items()}
    parts = dict(zip(arrays, broadcast(arrays), strict=True))
    value = parts["product"] + parts["service"] + parts["personnel"] + parts["image"]
    cost = parts["money"] + parts["time"] + parts["effort"] + parts["psychic"]
    return np.asarray(value - cost, dtype=np.float64)
