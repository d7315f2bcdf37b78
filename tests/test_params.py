"""The boundary validator and the error hierarchy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore import errors
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    PROBABILITY,
    UNIT_OPEN,
    Interval,
    as_float_array,
    as_float_scalar,
    as_int_array,
    broadcast,
    check_in,
    same_length,
)


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.InvalidParameterError, ValueError),
        (errors.ShapeMismatchError, ValueError),
        (errors.SchemaError, ValueError),
        (errors.InvalidTransitionError, ValueError),
        (errors.CurrencyMismatchError, ValueError),
        (errors.UnknownNameError, LookupError),
        (errors.ConvergenceError, RuntimeError),
        (errors.MissingOptionalDependencyError, ImportError),
    ],
)
def test_every_error_is_a_kamcore_error_and_the_builtin(cls, builtin):
    assert issubclass(cls, errors.KamcoreError)
    assert issubclass(cls, builtin)


def test_convergence_error_carries_the_optimizer_message():
    e = errors.ConvergenceError("fit failed", optimizer_message="ABNORMAL_TERMINATION")
    assert e.optimizer_message == "ABNORMAL_TERMINATION"


@given(
    values=hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-2, 3, allow_nan=False)),
)
def test_probability_message_counts_bad_values_and_shows_the_first(values):
    bad = (values < 0) | (values > 1)
    if not bad.any():
        assert as_float_array(values, "retention", domain=PROBABILITY) is not None
        return
    first = int(np.flatnonzero(bad)[0])
    with pytest.raises(errors.InvalidParameterError) as info:
        as_float_array(values, "retention", domain=PROBABILITY)
    msg = str(info.value)
    assert msg.startswith("'retention' must be in [0, 1]; got ")
    assert f"{int(bad.sum())} bad value" in msg
    assert f"first at index {first}: {float(values[first])!r}" in msg


def test_scalar_message_shows_the_value():
    with pytest.raises(errors.InvalidParameterError, match=r"^'d' must be > 0; got -0.5\.$"):
        as_float_array(-0.5, "d", domain=POSITIVE)


def test_nan_and_inf_are_rejected_with_index():
    with pytest.raises(errors.InvalidParameterError, match=r"first at index 2: nan"):
        as_float_array([1.0, 2.0, np.nan], "margin")
    with pytest.raises(errors.InvalidParameterError, match=r"first at index \(1, 0\): inf"):
        as_float_array([[1.0], [np.inf]], "m")


def test_non_numeric_and_shape():
    with pytest.raises(errors.InvalidParameterError, match="'x' must be numeric; got a string"):
        as_float_array(["a"], "x")
    with pytest.raises(errors.ShapeMismatchError, match="'x' must be 1-dimensional"):
        as_float_array([[1.0]], "x", ndim=1)
    with pytest.raises(errors.InvalidParameterError, match="must not be empty"):
        as_float_array([], "x", allow_empty=False)


def test_int_array_rejects_fractions_but_takes_whole_floats():
    assert as_int_array([1.0, 2.0], "n").tolist() == [1, 2]
    with pytest.raises(
        errors.InvalidParameterError,
        match=r"'n' must be a whole number; got 1 bad value \(first at index 1: 2.5\)",
    ):
        as_int_array([1.0, 2.5], "n")
    with pytest.raises(errors.InvalidParameterError, match="'n' must be >= 0"):
        as_int_array([-1], "n", domain=NONNEGATIVE)


def test_scalar_rejects_bools_and_strings():
    assert as_float_scalar(0.5, "r", domain=UNIT_OPEN) == 0.5
    with pytest.raises(errors.InvalidParameterError, match="real number; got bool"):
        as_float_scalar(True, "r")
    with pytest.raises(errors.InvalidParameterError, match="real number; got str"):
        as_float_scalar("0.5", "r")


def test_interval_descriptions():
    assert Interval(0, 1, low_closed=False).describe() == "be in (0, 1]"
    assert Interval(high=5, high_closed=False).describe() == "be < 5"
    assert Interval().describe() == "be finite"


def test_lengths_and_broadcasting_name_the_fields():
    assert same_length({"a": np.zeros(2), "b": np.zeros(2)}) == 2
    with pytest.raises(errors.ShapeMismatchError, match="a: 2, b: 3"):
        same_length({"a": np.zeros(2), "b": np.zeros(3)})
    _, y = broadcast({"x": np.zeros(3), "y": np.float64(1.0)})
    assert y.shape == (3,)
    with pytest.raises(errors.ShapeMismatchError, match=r"x: \(3,\), y: \(2,\)"):
        broadcast({"x": np.zeros(3), "y": np.zeros(2)})
    with pytest.raises(
        errors.InvalidParameterError, match="'timing' must be one of 'end', 'start'; got 'mid'"
    ):
        check_in("mid", "timing", ("start", "end"))


def test_import_kamcore_stays_light():
    code = (
        "import sys, kamcore, kamcore._portfolio, kamcore.transactions, kamcore.domain\n"
        "heavy = [m for m in ('pandas', 'polars', 'pyarrow', 'matplotlib', 'dask', 'cattrs', 'hypothesis') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
