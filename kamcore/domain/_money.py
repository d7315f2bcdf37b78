"""Exact money: a :class:`~decimal.Decimal` amount in an ISO 4217 currency.

Decisions (see ``docs/domain.md``):

* The strict constructor ``Money(amount, currency)`` takes a ``Decimal`` or an
  ``int`` only; a ``float`` is refused because its binary value is not the
  decimal the user wrote. :meth:`Money.of` is the lenient door: it also takes
  a ``float`` (converted through its shortest ``repr``, so ``0.1`` becomes
  ``Decimal("0.1")``) and a decimal string.
* NaN and infinities are refused everywhere.
* Currencies must be three upper-case ASCII letters *and* appear in
  :data:`ISO_4217_CODES`, the built-in table of active ISO 4217 codes
  (including the X-codes for metals, SDR and testing).
* Arithmetic is exact: sums, differences and integer/Decimal multiples are
  computed in an unbounded-precision decimal context, so nothing is rounded.
  Combining two currencies raises :class:`~kamcore.errors.CurrencyMismatchError`.
"""

from __future__ import annotations

import decimal
import numbers
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

import attrs

from kamcore.errors import CurrencyMismatchError, InvalidParameterError

__all__ = ["ISO_4217_CODES", "Money", "check_currency"]

#: Active ISO 4217 alphabetic codes (list of 2025), including fund codes and
#: the X-codes (gold XAU, SDR XDR, testing XTS, "no currency" XXX ...).
ISO_4217_CODES: Final[frozenset[str]] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
    BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC
    CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
    GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
    KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
    MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU
    UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD
    XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905
)

# Unbounded precision: + - * of finite decimals are exact, never rounded.
_EXACT: Final = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.Inexact, decimal.DivisionByZero],
)


def check_currency(code: Any, name: str = "currency") -> str:
    """Return ``code`` if it is a valid ISO 4217 code, else raise.

    Parameters
    ----------
    code
        The candidate code, e.g. ``"USD"``.
    name
        Field name used in the error message.

    Returns
    -------
    str
        ``code`` unchanged.

    Raises
    ------
    InvalidParameterError
        If ``code`` is not three upper-case ASCII letters or not an active
        ISO 4217 code (no case folding, no stripping).

    Examples
    --------
    >>> check_currency("EUR")
    'EUR'
    """
    if not (
        isinstance(code, str)
        and len(code) == 3
        and code.isascii()
        and code.isupper()
        and code.isalpha()
    ):
        raise InvalidParameterError(
            f"{name!r} must be an ISO 4217 code of three upper-case letters; got {code!r}."
        )
    if code not in ISO_4217_CODES:
        raise InvalidParameterError(
            f"{name!r} must be an active ISO 4217 currency code; got {code!r}."
        )
    return code


def _finite(value: Decimal, name: str) -> Decimal:
    if not value.is_finite():
        raise InvalidParameterError(f"{name!r} must be a finite amount; got {value!r}.")
    return value


def _strict_amount(value: Decimal | int) -> Decimal:
    """Convert ``Money.amount``: Decimal or int only."""
    if isinstance(value, Decimal):
        return _finite(value, "amount")
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        raise InvalidParameterError(
            f"'amount' must be a Decimal or an int (use Money.of for floats and strings); "
            f"got {value!r}."
        )
    raise InvalidParameterError(f"'amount' must be a Decimal or an int; got {value!r}.")


def _lenient_amount(value: Any) -> Decimal:
    """Decimal from Decimal, int, float (shortest repr) or a decimal string."""
    if isinstance(value, bool):
        raise InvalidParameterError(f"'amount' must be a number; got {value!r}.")
    if isinstance(value, Decimal):
        return _finite(value, "amount")
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, float):
        # float.__repr__ is the shortest string that round-trips: 0.1 -> '0.1'.
        return _finite(Decimal(float.__repr__(value)), "amount")
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise InvalidParameterError(
                f"'amount' must be a decimal number; got {value!r}."
            ) from None
        return _finite(parsed, "amount")
    raise InvalidParameterError(
        f"'amount' must be a Decimal, int, float or decimal string; got {value!r}."
    )


def _exact(op: str, a: Decimal, b: Decimal | None = None) -> Decimal:
    """Run an exact context operation, turning decimal signals into kamcore errors."""
    try:
        if b is None:
            result: Decimal = getattr(_EXACT, op)(a)
        else:
            result = getattr(_EXACT, op)(a, b)
    except decimal.DecimalException as exc:
        raise InvalidParameterError(
            f"'amount' must stay within the decimal exponent range; {op} of {a!r} and {b!r} "
            f"failed ({type(exc).__name__})."
        ) from exc
    return result


def _check_currency(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    check_currency(value, attribute.name)


def _factor(value: Any) -> Decimal | None:
    """Return a multiplier as Decimal, None for unsupported types (-> NotImplemented)."""
    if isinstance(value, bool):
        raise InvalidParameterError(f"'factor' must be an int or a Decimal; got {value!r}.")
    if isinstance(value, Decimal):
        return _finite(value, "factor")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise InvalidParameterError(
            f"'factor' must be an int or a Decimal (a float would bring binary rounding); "
            f"got {value!r}."
        )
    return None


@attrs.frozen(order=False)
class Money:
    """An exact amount of money in one currency (value object).

    Parameters
    ----------
    amount : Decimal or int
        The amount, exact. Floats are refused here; use :meth:`Money.of`.
        NaN and infinities are refused.
    currency : str
        Active ISO 4217 code, three upper-case letters (``"USD"``).

    Notes
    -----
    Equality and hashing are by value: ``Money(Decimal("1.0"), "USD") ==
    Money(1, "USD")``. Amounts in different currencies are never equal, and
    adding, subtracting or ordering them raises
    :class:`~kamcore.errors.CurrencyMismatchError`. ``a + b``, ``a - b``,
    ``-a``, ``abs(a)``, ``a * k`` and ``k * a`` (``k`` an ``int`` or
    ``Decimal``) are exact. ``sum(moneys)`` works (the start value ``0`` is
    accepted); :meth:`Money.total` also handles an empty sequence.

    Examples
    --------
    >>> from decimal import Decimal
    >>> price = Money(Decimal("19.99"), "EUR")
    >>> price * 3
    Money(amount=Decimal('59.97'), currency='EUR')
    >>> Money.of(0.1, "USD") + Money.of(0.2, "USD") == Money.of("0.3", "USD")
    True
    >>> str(sum([Money(1, "JPY"), Money(2, "JPY")]))
    '3 JPY'
    """

    amount: Decimal = attrs.field(converter=_strict_amount)
    currency: str = attrs.field(validator=_check_currency)

    # ------------------------------------------------------------ constructors
    @classmethod
    def of(cls, amount: Decimal | int | float | str, currency: str) -> Money:
        """Build money from a Decimal, int, float or decimal string.

        A ``float`` is converted through its shortest round-trip ``repr``, so
        ``Money.of(0.1, "USD").amount == Decimal("0.1")`` (not
        ``0.1000000000000000055...``). Strings are parsed as decimals
        (surrounding whitespace allowed, ``"1e3"`` allowed).

        Parameters
        ----------
        amount
            The amount.
        currency
            ISO 4217 code.

        Returns
        -------
        Money

        Raises
        ------
        InvalidParameterError
            For NaN, infinities, booleans, unparsable strings or a bad currency.

        Examples
        --------
        >>> Money.of(0.1, "USD").amount
        Decimal('0.1')
        >>> Money.of("1250.50", "GBP")
        Money(amount=Decimal('1250.50'), currency='GBP')
        """
        return cls(_lenient_amount(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in ``currency``.

        Examples
        --------
        >>> Money.zero("CHF")
        Money(amount=Decimal('0'), currency='CHF')
        """
        return cls(Decimal(0), currency)

    @classmethod
    def total(cls, items: Iterable[Money], *, currency: str | None = None) -> Money:
        """Sum money amounts exactly.

        Parameters
        ----------
        items
            Money values, all in one currency.
        currency
            The expected currency. Required when ``items`` may be empty (the
            sum of nothing is ``Money.zero(currency)``); when given, every item
            must be in it.

        Returns
        -------
        Money

        Raises
        ------
        CurrencyMismatchError
            If the items (or ``currency``) disagree.
        InvalidParameterError
            If ``items`` is empty and ``currency`` is not given, or an item is
            not :class:`Money`.

        Examples
        --------
        >>> Money.total([], currency="USD")
        Money(amount=Decimal('0'), currency='USD')
        """
        acc: Money | None = cls.zero(currency) if currency is not None else None
        given: Any = items
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise InvalidParameterError(
                f"'items' must be an iterable of Money; got {type(given).__name__} {given!r}."
            )
        for index, item in enumerate(items):
            if not isinstance(item, Money):
                raise InvalidParameterError(
                    f"'items' must contain only Money values; got {item!r} at index {index}."
                )
            acc = item if acc is None else acc + item
        if acc is None:
            raise InvalidParameterError(
                "'currency' must be given to sum an empty sequence of Money; got None."
            )
        return acc

    # ------------------------------------------------------------- predicates
    def is_zero(self) -> bool:
        """Return True if the amount is zero."""
        return self.amount == 0

    def is_negative(self) -> bool:
        """Return True if the amount is below zero."""
        return self.amount < 0

    # ------------------------------------------------------------- arithmetic
    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot {op} {self.currency} and {other.currency} amounts: {self} vs {other}."
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(_exact("add", self.amount, other.amount), self.currency)

    def __radd__(self, other: int) -> Money:
        # Lets the built-in sum() start from 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(_exact("subtract", self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(_exact("minus", self.amount), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(_exact("abs", self.amount), self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        k = _factor(factor)
        if k is None:
            return NotImplemented
        return Money(_exact("multiply", self.amount, k), self.currency)

    __rmul__ = __mul__

    # ------------------------------------------------------------- ordering
    def _compare(self, other: Any, op: str) -> Decimal | None:
        if not isinstance(other, Money):
            return None
        self._same(other, f"compare ({op})")
        return other.amount

    def __lt__(self, other: Money) -> bool:
        amount = self._compare(other, "<")
        return NotImplemented if amount is None else self.amount < amount

    def __le__(self, other: Money) -> bool:
        amount = self._compare(other, "<=")
        return NotImplemented if amount is None else self.amount <= amount

    def __gt__(self, other: Money) -> bool:
        amount = self._compare(other, ">")
        return NotImplemented if amount is None else self.amount > amount

    def __ge__(self, other: Money) -> bool:
        amount = self._compare(other, ">=")
        return NotImplemented if amount is None else self.amount >= amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
