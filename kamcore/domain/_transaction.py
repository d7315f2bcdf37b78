"""A single sale (or refund) to a customer: the :class:`Transaction` value object.

Decisions (see ``docs/domain.md``): ``amount`` is never negative; a refund or
return is a transaction with ``refund=True`` whose :attr:`signed_amount` is
negative, so the sum of signed amounts is net sales. A transaction may carry
its ``margin`` (any sign, at most the amount) or its ``cost`` (>= 0) or both,
in which case ``margin == amount - cost`` exactly.
"""

from __future__ import annotations

import datetime as dt

import attrs

from kamcore.domain._checks import check_id, check_optional_text, check_strict_bool
from kamcore.domain._coerce import date_converter, money_converter
from kamcore.domain._money import Money
from kamcore.errors import CurrencyMismatchError, InvalidParameterError

__all__ = ["Transaction"]


@attrs.frozen
class Transaction:
    """One purchase by a customer (value object: equal when all fields are equal).

    Parameters
    ----------
    customer_id : str
        The buyer's id.
    date : datetime.date
        Day of the transaction.
    amount : Money
        Sales amount, >= 0 (refunds are flagged, not negative).
    margin : Money or None, keyword-only
        Gross margin; may be negative; at most ``amount``; same currency.
    cost : Money or None, keyword-only
        Cost of the goods sold, >= 0; same currency. If both ``margin`` and
        ``cost`` are given, ``margin == amount - cost`` must hold exactly.
    product_line : str or None, keyword-only
        Product line label.
    main_business : bool, keyword-only
        True if the sale is in our main business (False = cross-selling).
    refund : bool, keyword-only
        True for a refund or return: :attr:`signed_amount` is then ``-amount``.

    Examples
    --------
    >>> import datetime as dt
    >>> t = Transaction("c-001", dt.date(2024, 5, 2), Money.of("1000", "EUR"),
    ...                 cost=Money.of("650", "EUR"))
    >>> t.gross_margin
    Money(amount=Decimal('350'), currency='EUR')
    """

    customer_id: str = attrs.field(validator=check_id)
    date: dt.date = attrs.field(converter=date_converter())  # type: ignore[misc]
    amount: Money = attrs.field(converter=money_converter())  # type: ignore[misc]
    margin: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    cost: Money | None = attrs.field(
        default=None,
        kw_only=True,
        converter=money_converter(optional=True),  # type: ignore[misc]
    )
    product_line: str | None = attrs.field(
        default=None, kw_only=True, validator=check_optional_text
    )
    main_business: bool = attrs.field(default=True, kw_only=True, validator=check_strict_bool)
    refund: bool = attrs.field(default=False, kw_only=True, validator=check_strict_bool)

    def __attrs_post_init__(self) -> None:
        if self.amount.is_negative():
            raise InvalidParameterError(
                f"'amount' must be >= 0 (flag refunds with refund=True); got {self.amount}."
            )
        for name in ("margin", "cost"):
            money: Money | None = getattr(self, name)
            if money is not None and money.currency != self.amount.currency:
                raise CurrencyMismatchError(
                    f"{name!r} must be in the amount's currency ({self.amount.currency}); "
                    f"got {money}."
                )
        if self.cost is not None and self.cost.is_negative():
            raise InvalidParameterError(f"'cost' must be >= 0; got {self.cost}.")
        if self.margin is not None and self.margin > self.amount:
            raise InvalidParameterError(
                f"'margin' must be <= the amount {self.amount} (cost cannot be negative); "
                f"got {self.margin}."
            )
        if (
            self.margin is not None
            and self.cost is not None
            and self.margin != self.amount - self.cost
        ):
            raise InvalidParameterError(
                f"'margin' must equal amount - cost = {self.amount - self.cost} when both are "
                f"given; got {self.margin}."
            )

    @property
    def currency(self) -> str:
        """Currency of the transaction."""
        return self.amount.currency

    @property
    def signed_amount(self) -> Money:
        """``amount``, negated for refunds (sum these for net sales)."""
        return -self.amount if self.refund else self.amount

    @property
    def gross_margin(self) -> Money | None:
        """The margin if given, else ``amount - cost`` if the cost is given, else None."""
        if self.margin is not None:
            return self.margin
        if self.cost is not None:
            return self.amount - self.cost
        return None
