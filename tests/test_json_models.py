"""Models (built from a paper's table or fitted) are stored as JSON and read back exactly."""

from __future__ import annotations

import numpy as np
import pytest

from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
)
from kamcore.errors import SchemaError
from kamcore.io import json as kjson
from tests.conftest import DATA

PUBLISHED = [
    BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ModifiedBetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669),
    BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),
    GammaGamma(p=6.25, q=3.74, gamma=15.44),
    ShiftedBetaGeometric(alpha=0.704, beta=1.182),
]


@pytest.mark.parametrize("model", PUBLISHED, ids=lambda m: type(m).__name__)
def test_published_models_round_trip(model):
    text = kjson.dumps(model)
    back = kjson.loads(text, type(model))
    assert back == model
    assert back.params == model.params
    assert kjson.dumps(back) == text


def test_a_fitted_model_keeps_its_fit_report():
    d = np.genfromtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", names=True)
    fitted = BetaGeo.fit(frequency=d["frequency"], recency=d["recency"], T=d["T"])
    back = kjson.loads(kjson.dumps(fitted), BetaGeo)
    assert back.params == fitted.params  # floats written with repr: exact
    assert back.fit_report == fitted.fit_report
    assert back.fit_report.log_likelihood == pytest.approx(-9582.4, abs=0.05)


def test_a_model_document_must_name_its_parameters():
    text = kjson.dumps(PUBLISHED[0]).replace('"alpha"', '"alfa"')
    with pytest.raises(SchemaError, match=r"alfa|alpha"):
        kjson.loads(text, BetaGeo)
    bad = kjson.dumps(PUBLISHED[0]).replace("4.414", "-4.414")
    with pytest.raises(SchemaError, match="alpha"):
        kjson.loads(bad, BetaGeo)
