r"""The weighted multi-factor grading rubric.

Each factor f turns an account into a level :math:`\ell_f \in \{1..L_f\}`
(1 = best) and the level into points :math:`p_f(\ell)`; the score is the
weighted sum

.. math:: S = \sum_f w_f \, p_f(\ell_f), \qquad \sum_f w_f = 1,

and the grade is the first label whose minimum score :math:`S` reaches
(``GradeScale``: A >= 3.25, B >= 2.5, C >= 1.75, else D by default).

- *Band* factors (1-3: profit last year, sales last year, expected sales)
  read a money column and band it by cut-offs, largest first. The band edge
  rule is one choice of the rubric, ``edges``, applied to every band factor
  alike: with ``edges="lower"`` (the default) a value equal to a cut-off falls
  in the lower (worse) band, i.e. it must be strictly above a cut-off to reach
  the better band (300 000 exactly is level 2 of "> 300k"); with
  ``edges="upper"`` it falls in the upper (better) band ("300k or more").
- A band factor may declare the ``currency`` of its cut-offs (the default
  rubric's are yuan, ``CNY``). A portfolio money column in another currency is
  refused with :class:`~kamcore.errors.CurrencyMismatchError`, unless a rate
  table converts it: ``rates={"USD": 7.1}`` means one USD is worth 7.1 units
  of the band currency, so a USD amount is multiplied by 7.1 before banding.
  A column without a currency (plain numbers) is taken as already in the band
  currency; a factor without a currency does not check the column's.
- *Level* factors (4-13) read integer level codes 1..L (1 = best; 0 = not
  recorded), as :meth:`Portfolio.from_customers` stores them.

Everything is editable: factors, columns, bands, points, weights (directly,
normalised on request, or from an AHP pairwise matrix via :meth:`Rubric.with_ahp`)
and grade cut-offs; a rubric loads from and saves to plain dicts, TOML
(stdlib ``tomllib``) and JSON.

Missing values (NaN money, level code 0) are rejected with
``nan_policy="raise"`` (default); with ``"last"`` they score the factor's
lowest points (the account is ranked last on that factor).
"""

from __future__ import annotations

import importlib.resources
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import FloatArray, as_array, as_float_array, fail_where
from kamcore.domain import check_currency
from kamcore.domain._coerce import coerce_items, coerce_mapping, coerce_text, read_text_file
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    SchemaError,
    UnknownNameError,
)
from kamcore.scoring._ahp import ahp_weights
from kamcore.scoring._base import (
    DateLike,
    ScoreResult,
    check_nan_policy,
    check_portfolio,
    grade_codes_for,
    resolve_as_of,
)

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = ["Factor", "GradeScale", "Rubric", "RubricScorer", "rubric_scorer"]

_WEIGHT_TOL = 1e-9

#: The band edge rules: which band a value equal to a cut-off belongs to.
EDGES = ("lower", "upper")


def check_edges(value: Any) -> str:
    """Return ``value`` if it is a band edge rule (``"lower"`` or ``"upper"``), else raise."""
    if not isinstance(value, str) or value not in EDGES:
        raise InvalidParameterError(
            f"'edges' must be 'lower' (a value equal to a cut-off is in the lower band) or "
            f"'upper' (in the upper band); got {value!r}."
        )
    return value


def check_rates(rates: Mapping[str, float] | None) -> dict[str, float]:
    """Validate a rate table: ISO 4217 code -> units of the band currency per unit (> 0)."""
    if rates is None:
        return {}
    if not isinstance(rates, Mapping):
        raise InvalidParameterError(
            f"'rates' must be a mapping of currency to rate, e.g. {{'USD': 7.1}}; got {rates!r}."
        )
    out: dict[str, float] = {}
    for code, rate in rates.items():
        check_currency(code, "rates")
        ok = not isinstance(rate, bool) and isinstance(rate, (int, float))
        if not ok or not math.isfinite(float(rate)) or float(rate) <= 0:
            raise InvalidParameterError(
                f"'rates' must map {code!r} to a finite rate > 0; got {rate!r}."
            )
        out[code] = float(rate)
    return out


def _real_tuple(value: Any, name: str) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence | np.ndarray):
        raise SchemaError(f"{name!r} must be a list of numbers; got {value!r}.")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise SchemaError(f"{name!r} must be a list of numbers; got {v!r} in {value!r}.")
        if not math.isfinite(float(v)):
            raise InvalidParameterError(f"{name!r} must be finite; got {v!r}.")
        out.append(float(v))
    return tuple(out)


def _points(value: Any) -> tuple[float, ...]:
    return _real_tuple(value, "points")


def _cutoffs(value: Any) -> tuple[float, ...]:
    return _real_tuple(value, "cutoffs")


def _str_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidParameterError(f"labels must be a sequence of strings; got {value!r}.")
    return coerce_items(value, "labels", str)


def _factor_tuple(value: Any) -> tuple[Factor, ...]:
    return coerce_items(value, "factors", object)


def _float_tuple(value: Any) -> tuple[float, ...]:
    return _real_tuple(value, "weights")


@attrs.frozen
class Factor:
    """One rubric factor: a column, its level rule and the points per level.

    Parameters
    ----------
    name : str
        Factor name (unique within a rubric).
    points : sequence of float
        Points per level, best level first (L >= 2 levels).
    bands : sequence of float, optional
        For money factors: the L - 1 cut-offs between consecutive levels,
        strictly decreasing (currency units). None for level-code factors.
    column : str, optional
        Portfolio column to read; defaults to ``name``.
    currency : str, optional
        For band factors: the ISO 4217 currency of the cut-offs. A portfolio
        column in another currency is refused (or converted through a rate
        table, see :meth:`Rubric.evaluate`). None: the column's currency is
        not checked.

    Raises
    ------
    InvalidParameterError
        Bad name, fewer than two levels, bands of the wrong length or order.

    Examples
    --------
    >>> from kamcore.scoring import Rubric
    >>> f = Rubric.default().factor("profit_last_year")
    >>> f.name, f.points, f.bands
    ('profit_last_year', (4.0, 3.0, 2.0, 1.0), (300000.0, 100000.0, 30000.0))
    """

    name: str
    points: tuple[float, ...] = attrs.field(converter=_points)
    bands: tuple[float, ...] | None = attrs.field(default=None, kw_only=True)
    column: str = attrs.field(default="", kw_only=True)
    currency: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidParameterError(
                f"factor 'name' must be a non-blank string; got {self.name!r}."
            )
        if not isinstance(self.column, str):
            raise InvalidParameterError(
                f"factor {self.name!r}: 'column' must be a string; got {self.column!r}."
            )
        if not self.column:
            object.__setattr__(self, "column", self.name)
        if len(self.points) < 2:
            raise InvalidParameterError(
                f"factor {self.name!r}: 'points' must give at least 2 levels; got {self.points!r}."
            )
        if self.bands is not None:
            bands = _real_tuple(self.bands, "bands")
            if len(bands) != len(self.points) - 1:
                raise InvalidParameterError(
                    f"factor {self.name!r}: 'bands' must hold {len(self.points) - 1} cut-offs "
                    f"(one fewer than levels); got {bands!r}."
                )
            if any(b <= a for a, b in zip(bands[1:], bands[:-1], strict=True)):
                raise InvalidParameterError(
                    f"factor {self.name!r}: 'bands' must be strictly decreasing (best first); "
                    f"got {bands!r}."
                )
            object.__setattr__(self, "bands", bands)
        if self.currency is not None:
            if self.bands is None:
                raise InvalidParameterError(
                    f"factor {self.name!r}: 'currency' is for band factors only (cut-offs in "
                    f"money); got {self.currency!r} on a level-code factor."
                )
            check_currency(self.currency, f"currency of factor {self.name}")

    @property
    def n_levels(self) -> int:
        """Number of levels L."""
        return len(self.points)

    def levels(
        self, values: ArrayLike, *, nan_policy: str = "raise", edges: str = "lower"
    ) -> NDArray[np.int8]:
        """Return level codes 1..L (1 best; 0 = not recorded) of raw column values.

        Parameters
        ----------
        values : array-like, shape (N,)
            Money amounts (band factors) or integer level codes 0..L (level factors).
        nan_policy : {"raise", "last"}
            Whether a missing value (NaN / code 0) is an error.
        edges : {"lower", "upper"}
            Band factors: a value equal to a cut-off is in the lower (worse)
            or the upper (better) band. The rubric passes its own rule.

        Raises
        ------
        InvalidParameterError
            Codes outside 0..L, non-integer codes, missing values under "raise".
        SchemaError
            A text column.
        """
        check_nan_policy(nan_policy)
        check_edges(edges)
        arr = as_array(values, "values")
        label = f"column {self.column}"
        if arr.dtype.kind not in "biuf":
            raise SchemaError(f"{label!r} must be numeric; got dtype {arr.dtype}.")
        hint = "be recorded; pass nan_policy='last' to rank missing values last"
        if self.bands is not None:
            v = arr.astype(np.float64, copy=False)
            missing = np.isnan(v)
            fail_where(np.isinf(v), v, label, "be finite")
            cuts = np.asarray(self.bands[::-1])
            codes = (
                self.n_levels
                - np.searchsorted(cuts, v, side="left" if edges == "lower" else "right")
            ).astype(np.int8)
            if missing.any():
                if nan_policy == "raise":
                    fail_where(missing, v, label, hint + " (NaN = not recorded)")
                codes[missing] = 0
            return codes
        if arr.dtype.kind == "f":
            fail_where(
                ~np.isfinite(arr) | (arr != np.round(arr)),
                arr,
                label,
                f"be whole level codes 0..{self.n_levels}",
            )
        bad = (arr < 0) | (arr > self.n_levels)
        fail_where(bad, arr, label, f"be a level code 1..{self.n_levels} (0 = not recorded)")
        codes = arr.astype(np.int8)
        if nan_policy == "raise":
            fail_where(codes == 0, arr, label, hint + " (level code 0 = not recorded)")
        return codes

    def to_dict(self) -> dict[str, Any]:
        """Return the plain-dict form (as in a TOML/JSON rubric file)."""
        out: dict[str, Any] = {"name": self.name, "points": list(self.points)}
        if self.column != self.name:
            out["column"] = self.column
        if self.bands is not None:
            out["bands"] = list(self.bands)
        if self.currency is not None:
            out["currency"] = self.currency
        return out


def _grade_scores(scores: ArrayLike) -> FloatArray:
    """Scores to grade as float64: numbers, no NaN or +inf (-inf: a missing score, graded last)."""
    try:
        raw = np.asarray(scores)
    except (TypeError, ValueError):
        raw = np.asarray(None)
    if raw.dtype.kind not in "biuf":
        as_float_array(scores, "scores")  # raises the named error
    arr = raw.astype(np.float64)
    fail_where(
        np.isnan(arr) | np.isposinf(arr),
        arr,
        "scores",
        "be numbers, not NaN or +inf (-inf is a missing score, graded last)",
    )
    return arr


@attrs.frozen
class GradeScale:
    """Grade labels (best first) and the minimum score of each but the last.

    Parameters
    ----------
    labels : sequence of str
        Grade labels, best first, e.g. ``("A", "B", "C", "D")``.
    cutoffs : sequence of float
        ``len(labels) - 1`` strictly decreasing minimum scores; an account gets
        the first label whose cut-off its score reaches, else the last label.

    Examples
    --------
    >>> GradeScale(("A", "B", "C"), (2.0, 1.0)).grade([2.5, 2.0, 1.5, 0.0]).tolist()
    ['A', 'A', 'B', 'C']
    """

    labels: tuple[str, ...] = attrs.field(converter=_str_tuple)
    cutoffs: tuple[float, ...] = attrs.field(converter=_cutoffs)

    def __attrs_post_init__(self) -> None:
        labels = self.labels
        if (
            len(labels) < 2
            or len(set(labels)) != len(labels)
            or not all(isinstance(x, str) and x.strip() for x in labels)
        ):
            raise InvalidParameterError(
                f"grade 'labels' must be at least 2 distinct non-blank strings; got {labels!r}."
            )
        if len(self.cutoffs) != len(labels) - 1:
            raise InvalidParameterError(
                f"grade 'cutoffs' must hold {len(labels) - 1} values (one per label but the "
                f"last); got {self.cutoffs!r}."
            )
        if any(b >= a for a, b in zip(self.cutoffs[:-1], self.cutoffs[1:], strict=True)):
            raise InvalidParameterError(
                f"grade 'cutoffs' must be strictly decreasing; got {self.cutoffs!r}."
            )

    def codes(self, scores: ArrayLike) -> NDArray[np.int8]:
        """Grade index per score (0 = best).

        Raises
        ------
        InvalidParameterError
            Non-numeric or NaN scores (a score is never graded by accident;
            ``-inf`` is a missing value ranked last and gets the last grade).
        """
        return grade_codes_for(_grade_scores(scores), self.cutoffs)

    def grade(self, scores: ArrayLike) -> NDArray[np.str_]:
        """Grade label per score."""
        return np.asarray(self.labels)[self.codes(scores)]

    def to_dict(self) -> dict[str, Any]:
        """Return the plain-dict form."""
        return {"labels": list(self.labels), "cutoffs": list(self.cutoffs)}


_FACTOR_KEYS = frozenset({"name", "column", "points", "bands", "weight", "currency"})
_RUBRIC_KEYS = frozenset({"name", "grades", "factors", "edges"})


def _check_keys(data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise SchemaError(f"{where} must be a table/object; got {type(data).__name__}.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SchemaError(f"{where} has unknown keys {unknown}; allowed: {sorted(allowed)}.")


def _check_weights(
    weights: tuple[float, ...], names: Sequence[str], normalize: bool
) -> tuple[float, ...]:
    w = np.asarray(weights, dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(
            f"'weights' must be finite and >= 0; got {int(bad.sum())} bad values "
            f"(first: factor {names[i]!r}: {w[i]!r})."
        )
    total = float(w.sum())
    if normalize:
        if total <= 0:
            raise InvalidParameterError(
                "'weights' must have a positive sum to be normalised; got 0."
            )
        return tuple(float(x) for x in w / total)
    if abs(total - 1.0) > _WEIGHT_TOL:
        raise InvalidParameterError(
            f"'weights' must sum to 1; got {total!r} (pass normalize=True to rescale them)."
        )
    return tuple(float(x) for x in w)


def _check_edges_field(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance, attribute
    check_edges(value)


@attrs.frozen
class Rubric:
    """A weighted multi-factor grading rubric (see the module docstring).

    Build one with :meth:`create`, :meth:`default`, :meth:`from_dict`,
    :meth:`from_toml` or :meth:`from_file` (stored as JSON through
    :mod:`kamcore.io.json`); derive variants with
    :meth:`with_weights`, :meth:`with_ahp`, :meth:`with_columns`,
    :meth:`with_grades`.

    Parameters
    ----------
    factors : tuple of Factor
        Distinct factor names.
    weights : tuple of float
        One per factor, >= 0, summing to 1 (within 1e-9).
    grades : GradeScale
        Labels and cut-offs.
    name : str
        A label for the rubric.
    edges : {"lower", "upper"}, keyword-only
        The one band edge rule of every band factor: a value equal to a
        cut-off is in the lower band (default, "strictly above to reach the
        better band") or in the upper band ("at least").

    Examples
    --------
    >>> r = Rubric.default()
    >>> len(r.factors), r.grades.labels, round(r.weights[0] * 13, 12)
    (13, ('A', 'B', 'C', 'D'), 1.0)
    >>> r.with_weights([2.0] + [1.0] * 12, normalize=True).weight("profit_last_year")
    0.14285714285714285
    """

    factors: tuple[Factor, ...] = attrs.field(converter=_factor_tuple)
    weights: tuple[float, ...] = attrs.field(converter=_float_tuple)
    grades: GradeScale
    name: str = "rubric"
    edges: str = attrs.field(default="lower", kw_only=True, validator=_check_edges_field)

    def __attrs_post_init__(self) -> None:
        coerce_text(self.name, "name")
        if not isinstance(self.grades, GradeScale):
            raise InvalidParameterError(
                f"'grades' must be a GradeScale; got {type(self.grades).__name__} {self.grades!r}."
            )
        if not self.factors:
            raise InvalidParameterError("a rubric must have at least one factor.")
        for f in self.factors:
            if not isinstance(f, Factor):
                raise InvalidParameterError(f"'factors' must be Factor objects; got {f!r}.")
        names = [f.name for f in self.factors]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InvalidParameterError(f"factor names must be distinct; got duplicates {dup}.")
        if len(self.weights) != len(self.factors):
            raise InvalidParameterError(
                f"'weights' must hold one weight per factor ({len(self.factors)}); "
                f"got {len(self.weights)}."
            )
        object.__setattr__(self, "weights", _check_weights(self.weights, names, normalize=False))

    # ----------------------------------------------------------- constructors
    @classmethod
    def create(
        cls,
        factors: Sequence[Factor],
        weights: Sequence[float] | None = None,
        *,
        grades: GradeScale | None = None,
        name: str = "rubric",
        normalize: bool = False,
        edges: str = "lower",
    ) -> Rubric:
        """Build a rubric; equal weights when ``weights`` is None.

        Raises
        ------
        InvalidParameterError
            Weights that do not sum to 1 (unless ``normalize=True``), negative weights.
        """
        fs = coerce_items(factors, "factors", object)
        coerce_text(name, "name")
        if grades is not None and not isinstance(grades, GradeScale):
            raise InvalidParameterError(
                f"'grades' must be a GradeScale or None; got {type(grades).__name__} {grades!r}."
            )
        if weights is None:
            w: tuple[float, ...] = tuple(1.0 / len(fs) for _ in fs) if fs else ()
        else:
            w = _check_weights(_real_tuple(weights, "weights"), [f.name for f in fs], normalize)
        scale = (
            grades if grades is not None else GradeScale(("A", "B", "C", "D"), (3.25, 2.5, 1.75))
        )
        return cls(fs, w, scale, name, edges=edges)

    @classmethod
    def default(cls) -> Rubric:
        """Return the built-in 13-factor rubric (``default_rubric.toml``)."""
        text = importlib.resources.files("kamcore.scoring").joinpath("default_rubric.toml")
        return cls.from_toml_string(text.read_text(encoding="utf-8"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, normalize: bool = False) -> Rubric:
        """Build a rubric from its plain-dict form.

        The form is ``{"name": str, "grades": {"labels": [...], "cutoffs": [...]},
        "factors": [{"name", "points", "bands"?, "column"?, "weight"?}, ...]}``.
        Weights are all given or all omitted (equal weights).

        Raises
        ------
        SchemaError
            Unknown or missing keys, wrong types.
        InvalidParameterError
            Invalid values (see :class:`Factor`, :class:`GradeScale`).
        """
        _check_keys(data, _RUBRIC_KEYS, "rubric")
        raw_factors = data.get("factors")
        if not isinstance(raw_factors, Sequence) or isinstance(raw_factors, str) or not raw_factors:
            raise SchemaError("rubric must have a non-empty 'factors' list.")
        factors = []
        weights = []
        for i, fd in enumerate(raw_factors):
            _check_keys(fd, _FACTOR_KEYS, f"rubric factor {i}")
            if "name" not in fd or "points" not in fd:
                raise SchemaError(f"rubric factor {i} must have 'name' and 'points'.")
            bands = fd.get("bands")
            factors.append(
                Factor(
                    fd["name"],
                    fd["points"],
                    bands=None if bands is None else _real_tuple(bands, "bands"),
                    column=fd.get("column", ""),
                    currency=fd.get("currency"),
                )
            )
            weights.append(fd.get("weight"))
        given = [w is not None for w in weights]
        if any(given) and not all(given):
            missing = [f.name for f, g in zip(factors, given, strict=True) if not g]
            raise SchemaError(
                f"give a 'weight' for every factor or for none; missing for {missing}."
            )
        grades_d = data.get(
            "grades", {"labels": ["A", "B", "C", "D"], "cutoffs": [3.25, 2.5, 1.75]}
        )
        _check_keys(grades_d, frozenset({"labels", "cutoffs"}), "rubric grades")
        if "labels" not in grades_d or "cutoffs" not in grades_d:
            raise SchemaError("rubric 'grades' must have 'labels' and 'cutoffs'.")
        labels = grades_d["labels"]
        if isinstance(labels, str) or not isinstance(labels, Sequence):
            raise SchemaError(f"grade 'labels' must be a list of strings; got {labels!r}.")
        scale = GradeScale(tuple(labels), grades_d["cutoffs"])
        name = data.get("name", "rubric")
        if not isinstance(name, str):
            raise SchemaError(f"rubric 'name' must be a string; got {name!r}.")
        return cls.create(
            factors,
            _real_tuple(weights, "weight") if all(given) else None,
            grades=scale,
            name=name,
            normalize=normalize,
            edges=data.get("edges", "lower"),
        )

    @classmethod
    def from_toml_string(cls, text: str, *, normalize: bool = False) -> Rubric:
        """Build a rubric from TOML text (see :meth:`from_dict` for the layout)."""
        coerce_text(text, "text")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemaError(f"rubric TOML is not valid: {exc}.") from None
        return cls.from_dict(data, normalize=normalize)

    @classmethod
    def from_toml(cls, path: str | Path, *, normalize: bool = False) -> Rubric:
        """Load a rubric from a TOML file."""
        return cls.from_toml_string(read_text_file(path), normalize=normalize)

    @classmethod
    def from_file(cls, path: str | Path, *, normalize: bool = False) -> Rubric:
        """Load a rubric from a ``.toml`` file (the hand-written form).

        A rubric stored as JSON is a document of :mod:`kamcore.io.json`
        (``kamcore.io.json.loads(text, Rubric)``), the one JSON form.

        Raises
        ------
        SchemaError
            Another suffix.
        """
        given: Any = path
        if isinstance(given, bool) or not isinstance(given, (str, os.PathLike)):
            raise InvalidParameterError(
                f"'path' must be a file path (str or os.PathLike); got {type(given).__name__} "
                f"{given!r}."
            )
        suffix = Path(path).suffix.lower()
        if suffix == ".toml":
            return cls.from_toml(path, normalize=normalize)
        hint = " (read JSON rubrics with kamcore.io.json.loads)" if suffix == ".json" else ""
        raise SchemaError(f"rubric files must end in .toml; got {str(path)!r}{hint}.")

    def to_dict(self) -> dict[str, Any]:
        """Return the plain-dict form (weights included); round-trips via :meth:`from_dict`."""
        factors = []
        for f, w in zip(self.factors, self.weights, strict=True):
            d = f.to_dict()
            d["weight"] = w
            factors.append(d)
        out: dict[str, Any] = {
            "name": self.name,
            "grades": self.grades.to_dict(),
            "factors": factors,
        }
        if self.edges != "lower":
            out["edges"] = self.edges
        return out

    # ----------------------------------------------------------- variants
    @property
    def factor_names(self) -> tuple[str, ...]:
        """Factor names, in order."""
        return tuple(f.name for f in self.factors)

    def _index(self, name: str) -> int:
        names = self.factor_names
        if name not in names:
            raise UnknownNameError(
                f"rubric {self.name!r} has no factor {name!r}; known factors: "
                f"{', '.join(repr(n) for n in names)}."
            )
        return names.index(name)

    def factor(self, name: str) -> Factor:
        """Return the factor called ``name`` (:class:`UnknownNameError` if none)."""
        return self.factors[self._index(name)]

    def weight(self, name: str) -> float:
        """Return the weight of factor ``name``."""
        return self.weights[self._index(name)]

    def with_weights(
        self, weights: Mapping[str, float] | Sequence[float], *, normalize: bool = False
    ) -> Rubric:
        """Return a copy with new weights.

        Parameters
        ----------
        weights : mapping of factor name to weight, or sequence (one per factor)
            A mapping may name only some factors; the others keep their weight.
        normalize : bool
            Rescale the weights to sum to 1 instead of rejecting another sum.

        Raises
        ------
        UnknownNameError
            A name that is not a factor.
        InvalidParameterError
            Negative weights; a sum other than 1 without ``normalize``.
        """
        if isinstance(weights, Mapping):
            new = list(self.weights)
            for k, v in weights.items():
                new[self._index(k)] = _real_tuple([v], f"weight of {k}")[0]
            w = tuple(new)
        else:
            w = _real_tuple(weights, "weights")
            if len(w) != len(self.factors):
                raise InvalidParameterError(
                    f"'weights' must hold one weight per factor ({len(self.factors)}); "
                    f"got {len(w)}."
                )
        return attrs.evolve(self, weights=_check_weights(w, self.factor_names, normalize))

    def with_ahp(
        self, matrix: ArrayLike, *, max_cr: float | None = 0.1, ri: float | None = None
    ) -> Rubric:
        """Return a copy weighted by an AHP pairwise-comparison matrix (factor order).

        Raises
        ------
        ShapeMismatchError
            The matrix is not n x n for the n factors.
        InvalidParameterError
            Not a positive reciprocal matrix, or CR > ``max_cr`` (inconsistent).
        """
        from kamcore.errors import ShapeMismatchError

        n = len(self.factors)
        matrix = as_array(matrix, "matrix")
        if np.shape(matrix) != (n, n):
            raise ShapeMismatchError(
                f"the AHP 'matrix' must be {n} x {n} (one row per factor); got shape "
                f"{np.shape(matrix)}."
            )
        result = ahp_weights(matrix, max_cr=max_cr, ri=ri)
        return attrs.evolve(self, weights=tuple(float(x) for x in result.weights))

    def with_columns(self, columns: Mapping[str, str]) -> Rubric:
        """Return a copy reading factor ``name`` from column ``columns[name]``.

        Raises
        ------
        UnknownNameError
            A name that is not a factor.
        """
        fs = list(self.factors)
        for k, col in coerce_mapping(columns, "columns").items():
            i = self._index(k)
            fs[i] = attrs.evolve(fs[i], column=col)
        return attrs.evolve(self, factors=tuple(fs))

    def with_grades(self, labels: Sequence[str], cutoffs: Sequence[float]) -> Rubric:
        """Return a copy with another grade scale."""
        return attrs.evolve(self, grades=GradeScale(tuple(labels), cutoffs))

    # ----------------------------------------------------------- kernel
    def evaluate(
        self,
        columns: Mapping[str, ArrayLike],
        *,
        nan_policy: str = "raise",
        currencies: Mapping[str, str] | None = None,
        rates: Mapping[str, float] | None = None,
    ) -> tuple[FloatArray, NDArray[np.int8]]:
        r"""Score raw columns: :math:`S = \sum_f w_f p_f(\ell_f)`.

        Parameters
        ----------
        columns : mapping of column name to array-like, each shape (N,)
            Must hold every factor's column.
        nan_policy : {"raise", "last"}
            Missing values: reject, or give the factor's lowest points.
        currencies : mapping of column name to ISO 4217 code, optional
            The currency of each money column (``Portfolio.currencies``).
        rates : mapping of ISO 4217 code to float, optional
            Units of a band factor's currency per unit of another currency:
            ``{"USD": 7.1}`` converts a USD column for CNY bands (amount x 7.1).

        Returns
        -------
        scores : array of float64, shape (N,)
        levels : array of int8, shape (N, F)
            Level per account and factor (1 best; 0 = not recorded).

        Raises
        ------
        SchemaError
            A factor's column is absent.
        CurrencyMismatchError
            A band factor's column is in another currency than the factor's
            and ``rates`` has no rate for it.

        Examples
        --------
        >>> r = Rubric.create([Factor("sales", (2, 1), bands=(100.0,), currency="EUR")])
        >>> r.evaluate({"sales": [100.0, 101.0]})[1][:, 0].tolist()   # 100 is not > 100
        [2, 1]
        >>> attrs.evolve(r, edges="upper").evaluate({"sales": [100.0]})[1][:, 0].tolist()
        [1]
        >>> r.evaluate({"sales": [50.0]}, currencies={"sales": "USD"})
        Traceback (most recent call last):
        ...
        kamcore.errors.CurrencyMismatchError: rubric factor 'sales' has bands in EUR; ...
        >>> usd = {"currencies": {"sales": "USD"}, "rates": {"USD": 2.5}}  # 1 USD = 2.5 EUR
        >>> r.evaluate({"sales": [50.0]}, **usd)[1][:, 0].tolist()
        [1]
        """
        check_nan_policy(nan_policy)
        table_of_rates = check_rates(rates)
        coerce_mapping(columns, "columns")
        column_currencies = dict(coerce_mapping(currencies or {}, "currencies"))
        cols = {}
        for f in self.factors:
            if f.column not in columns:
                known = ", ".join(repr(c) for c in columns) or "none"
                raise SchemaError(
                    f"rubric factor {f.name!r} needs column {f.column!r}; known columns: {known}."
                )
            cols[f.name] = self._in_band_currency(
                f,
                as_array(columns[f.column], f.column),
                column_currencies.get(f.column),
                table_of_rates,
            )
        lengths = {np.shape(c)[0] if np.ndim(c) == 1 else -1 for c in cols.values()}
        if len(lengths) != 1 or -1 in lengths:
            from kamcore.errors import ShapeMismatchError

            raise ShapeMismatchError("rubric columns must be 1-D and of one length.")
        n = lengths.pop()
        scores = np.zeros(n, dtype=np.float64)
        levels = np.empty((n, len(self.factors)), dtype=np.int8, order="F")
        for j, (f, w) in enumerate(zip(self.factors, self.weights, strict=True)):
            codes = f.levels(cols[f.name], nan_policy=nan_policy, edges=self.edges)
            table = np.empty(f.n_levels + 1, dtype=np.float64)
            table[0] = min(f.points)
            table[1:] = f.points
            scores += w * table[codes]
            levels[:, j] = codes
        return scores, levels

    @staticmethod
    def _in_band_currency(
        factor: Factor, values: NDArray[Any], currency: str | None, rates: Mapping[str, float]
    ) -> NDArray[Any]:
        """Return a band factor's column in the factor's currency (converted or refused)."""
        if factor.bands is None or factor.currency is None or currency is None:
            return values
        if currency == factor.currency:
            return values
        if currency not in rates:
            raise CurrencyMismatchError(
                f"rubric factor {factor.name!r} has bands in {factor.currency}; column "
                f"{factor.column!r} is in {currency} (give rates={{{currency!r}: "
                f"<{factor.currency} per {currency}>}} to convert it)."
            )
        if values.dtype.kind not in "biuf":
            return values  # refused as non-numeric by Factor.levels
        return values.astype(np.float64) * rates[currency]


@attrs.frozen
class RubricScorer:
    """Scorer for a :class:`Rubric` (registry name ``"rubric"``).

    Parameters
    ----------
    rubric : Rubric
        Default: :meth:`Rubric.default` (the 13 factors of the KAM grading model).
    nan_policy : {"raise", "last"}
        Missing values: reject, or score the factor's lowest points.
    rates : mapping of str to float, optional
        Rate table for money columns in another currency than a band factor's
        (units of the band currency per unit; see :meth:`Rubric.evaluate`).

    Notes
    -----
    Scores are the weighted points, grades come from the rubric's grade scale.
    Extras: ``levels`` (int8, shape (N, F)) and ``factor_names``. Each account is
    scored on its own, so results are chunk-invariant as they stand.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore._portfolio import CUSTOMER_FACT_COLUMNS, Portfolio
    >>> cols = {"profit_last_year": [400_000.0, 20_000.0],
    ...         "sales_last_year": [2e6, 40_000.0], "expected_sales": [2e6, 60_000.0]}
    >>> cols.update({c: np.array([1, 4], dtype=np.int8) for c in CUSTOMER_FACT_COLUMNS})
    >>> r = RubricScorer().score(Portfolio.from_columns(["big", "small"], cols), as_of="2025-01-01")
    >>> r.scores.round(4).tolist(), r.grades.tolist()
    ([4.0, 1.0769], ['A', 'D'])
    """

    rubric: Rubric = attrs.field(factory=Rubric.default, kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)
    rates: Mapping[str, float] = attrs.field(factory=dict, kw_only=True, converter=check_rates)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.rubric, Rubric):
            raise InvalidParameterError(f"'rubric' must be a Rubric; got {self.rubric!r}.")
        check_nan_policy(self.nan_policy)

    @property
    def name(self) -> str:
        """Registry name: ``"rubric"``."""
        return "rubric"

    @property
    def params(self) -> Mapping[str, Any]:
        """The rubric (plain-dict form) and the NaN policy."""
        out: dict[str, Any] = {"rubric": self.rubric.to_dict(), "nan_policy": self.nan_policy}
        if self.rates:
            out["rates"] = dict(self.rates)
        return out

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Grade every account of ``portfolio``."""
        check_portfolio(portfolio)
        day = resolve_as_of(as_of)
        cols = {f.column: portfolio.column(f.column) for f in self.rubric.factors}
        scores, levels = self.rubric.evaluate(
            cols, nan_policy=self.nan_policy, currencies=portfolio.currencies, rates=self.rates
        )
        return ScoreResult(
            self.name,
            portfolio.ids,
            scores,
            grade_codes=self.rubric.grades.codes(scores),
            grade_levels=self.rubric.grades.labels,
            params=self.params,
            as_of=day,
            extras={"levels": levels, "factor_names": self.rubric.factor_names},
        )


def rubric_scorer(
    *,
    rubric: Rubric | Mapping[str, Any] | None = None,
    path: str | Path | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    ahp: ArrayLike | None = None,
    columns: Mapping[str, str] | None = None,
    grades: Mapping[str, Sequence[Any]] | None = None,
    normalize: bool = False,
    max_cr: float | None = 0.1,
    nan_policy: str = "raise",
    rates: Mapping[str, float] | None = None,
) -> RubricScorer:
    """Build a :class:`RubricScorer` from keyword options (the registry factory).

    Parameters
    ----------
    rubric : Rubric or mapping, optional
        A rubric or its dict form; default :meth:`Rubric.default`.
    path : str or Path, optional
        Load the rubric from a ``.toml`` file instead.
    weights : mapping or sequence, optional
        New weights (see :meth:`Rubric.with_weights`).
    ahp : array-like, shape (F, F), optional
        Pairwise-comparison matrix to derive the weights from (factor order).
    columns : mapping, optional
        Factor name -> column to read.
    grades : mapping, optional
        ``{"labels": [...], "cutoffs": [...]}``.
    normalize : bool
        Rescale weights that do not sum to 1.
    max_cr : float or None
        Largest accepted AHP consistency ratio.
    nan_policy : {"raise", "last"}
        Missing values policy.
    rates : mapping of str to float, optional
        Rate table for money columns in another currency (see :class:`RubricScorer`).

    Returns
    -------
    RubricScorer
        The scorer, registered as ``"rubric"``.

    Raises
    ------
    InvalidParameterError
        Both ``weights`` and ``ahp``, both ``rubric`` and ``path``, bad values.

    Examples
    --------
    >>> s = rubric_scorer(weights={"profit_last_year": 0.5, "sales_last_year": 0.5,
    ...                              **{f: 0.0 for f in Rubric.default().factor_names[2:]}})
    >>> s.rubric.weights[:3]
    (0.5, 0.5, 0.0)
    """
    if rubric is not None and path is not None:
        raise InvalidParameterError("give 'rubric' or 'path', not both.")
    if weights is not None and ahp is not None:
        raise InvalidParameterError("give 'weights' or 'ahp', not both.")
    if path is not None:
        r = Rubric.from_file(path, normalize=normalize)
    elif rubric is None:
        r = Rubric.default()
    elif isinstance(rubric, Rubric):
        r = rubric
    else:
        r = Rubric.from_dict(rubric, normalize=normalize)
    if columns:
        r = r.with_columns(columns)
    if weights is not None:
        r = r.with_weights(weights, normalize=normalize)
    if ahp is not None:
        r = r.with_ahp(ahp, max_cr=max_cr)
    if grades is not None:
        _check_keys(grades, frozenset({"labels", "cutoffs"}), "grades")
        r = r.with_grades(tuple(grades["labels"]), grades["cutoffs"])
    return RubricScorer(rubric=r, nan_policy=nan_policy, rates=check_rates(rates))
