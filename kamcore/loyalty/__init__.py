"""Loyalty: share of wallet, cross-selling, delivered value, attraction-barrier retention.

Everything here is vectorised over accounts and takes plain array-likes (a
:class:`~kamcore.Portfolio` column works as is):

- :func:`share_of_wallet`, :func:`cross_sell_ratio`, :func:`repeat_ratio` -
  the quantitative loyalty indicators; :func:`cross_sell` sums a transaction
  log into main-business and cross-sold revenue per customer;
- :func:`customer_delivered_value` - Kotler's CDV = total customer value
  (product, service, personnel, image) - total customer cost (money, time,
  effort, psychic);
- :class:`RetentionModel` - the attraction-barrier retention model, a
  logistic curve that never decreases in attraction or barrier over its
  declared domain, with :meth:`RetentionModel.fit` (maximum likelihood);
  its output is a plain float64 array in [0, 1] that plugs straight into the
  CLP calculators as the retention input;
- :func:`attraction_barrier_matrix` (Jones & Sasser 1995) and
  :func:`attitude_behaviour_matrix` (Dick & Basu 1994) - the loyalty
  matrices, with configurable split points.

See ``docs/loyalty.md`` for the formulas and the reasons behind the defaults.
"""

from __future__ import annotations

from kamcore.loyalty._delivered_value import (
    customer_delivered_value,
)
from kamcore.loyalty._matrices import (
    DickBasu,
    JonesSasser,
    LoyaltyMatrix,
    attitude_behaviour_matrix,
    attraction_barrier_matrix,
)
from kamcore.loyalty._ratios import (
    CrossSell,
    cross_sell,
    cross_sell_ratio,
    repeat_ratio,
    share_of_wallet,
)
from kamcore.loyalty._retention_model import (
    RetentionModel,
)

__all__ = [
    "CrossSell",
    "DickBasu",
    "JonesSasser",
    "LoyaltyMatrix",
    "RetentionModel",
    "attitude_behaviour_matrix",
    "attraction_barrier_matrix",
    "cross_sell",
    "cross_sell_ratio",
    "customer_delivered_value",
    "repeat_ratio",
    "share_of_wallet",
]
