r"""The generated demo data set: a few hundred accounts of an industrial supplier.

:func:`demo` builds, from one seed, everything a key-account report reads:

- **accounts** - one row per account: the 13 rubric facts (three money
  figures in CNY and ten level codes, 1 best .. 4 worst), the relationship
  type, the lifecycle stage at the end of the observation, the relationship's
  start date, the account manager, the churn date and churn type of lost
  accounts, and three warning-signal columns of the churn-risk scorer
  (``order_volume_change``, ``sow_change``, ``days_late``);
- **transactions** - the order log 2019-01-01 .. 2024-12-31 (``customer_id``,
  ``date``, ``amount`` in CNY);
- **surveys** - SERVQUAL answers (22 items, 1..7, perception ``p_q1..p_q22``
  and expectation ``e_q1..e_q22``) of one to three respondents at most live
  accounts, dated 2024-11-30;
- **contacts** - two to five people per account with their buying roles;
- **switching** - switching-cost components per account in long form (facet,
  dependence lever, strength in [0, 1], money in CNY for the monetary facets);
- **complaints** - 2023-2024 complaints with channel, severity and the day
  they were resolved (empty when still open);
- **grade_history** - the year-end grades of 2022 and 2023;
- **stage_history** - every dated lifecycle move, with the churn type of the
  final move of a lost account.

The generator
-------------
Everything is drawn from one ``numpy.random.Generator`` (PCG64) seeded with
``seed``, in a fixed order, using only ``random``, ``integers``, ``normal``,
``gamma`` and ``poisson``; money is rounded to cents and dates are whole
days. For the default seed the output is pinned by a digest in the test
suite, so it stays the same across kamcore versions.

1. Account size: yearly sales potential :math:`s_i = \\exp(12.4 + 1.25 z_i)`
   CNY (a log-normal, so a few large accounts bring most of the sales);
   a latent quality :math:`q_i \\sim N(0, 1)` drives the rubric levels
   (level :math:`= \\mathrm{clip}(\\mathrm{round}(2.5 - 0.7 q_i + 0.8 e), 1, 4)`).
2. Relationship start uniform over 2012-01-01 .. 2024-06-30; about 18 % of the
   accounts that started before 2023 are lost on a day in 2020 .. 2024-10-31,
   with a churn type (natural 35 %, competitive 35 %, negligent 20 %,
   malicious 10 %). Lifecycle: exploration at the start, formation after 3-18
   months, stability 6-30 months later; a decline 2-10 months before a loss,
   and a decline in 2024 for about 10 % of the live accounts.
3. Orders: :math:`\\lambda_i \\sim 1 + \\mathrm{Gamma}(2, 6)` orders a year,
   Poisson counts over the active window, dates uniform in it, amounts
   Gamma(4) with mean :math:`s_i / \\lambda_i`; the rate halves after a decline.
4. Money facts: ``sales_last_year`` is the 2024 order total, profit a margin of
   4-30 % of it, ``expected_sales`` the sales grown by :math:`N(5\\%, 15\\%)`.

Examples
--------
>>> from kamcore.data import demo
>>> d = demo()
>>> len(d.accounts), d.accounts.currency("sales_last_year")
(300, 'CNY')
>>> sorted(d.tables())[:3]
['accounts', 'complaints', 'contacts']
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._columns import FrozenArrays
from kamcore._optional import require
from kamcore._portfolio import Portfolio
from kamcore.errors import InvalidParameterError

__all__ = ["DEFAULT_SEED", "DemoData", "demo"]

#: The seed of the shipped demo (its output is pinned by a digest in the tests).
DEFAULT_SEED: Final = 20240601

_N: Final = 300
_START: Final = np.datetime64("2019-01-01", "D")
_END: Final = np.datetime64("2024-12-31", "D")
_SURVEY_DAY: Final = "2024-11-30"
_FACTS: Final = (
    "credit_record",
    "loyalty",
    "product_importance",
    "industry_standing",
    "cooperation",
    "supply_share",
    "relationship_depth",
    "prospects",
    "loss_impact",
    "strategic_fit",
)
_PREFIX: Final = (
    "Hua", "Jin", "Tian", "Long", "Xin", "Hong", "Bao", "Feng", "Sheng", "Yong",
    "Da", "Heng", "Kai", "Ming", "Rui", "Tai", "Wei", "Yuan", "Zhong", "Guo",
)  # fmt: skip
_STEM: Final = (
    "Motors", "Tools", "Precision", "Electric", "Steel", "Pumps", "Valves",
    "Machinery", "Plastics", "Cables", "Hydraulics", "Bearings", "Castings",
    "Robotics", "Packaging",
)  # fmt: skip
_INDUSTRIES: Final = (
    "automotive", "chemicals", "logistics", "retail", "machinery", "energy",
    "construction", "electronics",
)  # fmt: skip
_REGIONS: Final = ("north", "east", "south", "west", "central")
_MANAGERS: Final = (
    "li.wei", "zhang.min", "wang.fang", "chen.jie", "liu.yang", "zhao.lei",
    "sun.li", "zhou.hui",
)  # fmt: skip
_FIRST: Final = ("Wei", "Min", "Fang", "Jie", "Yang", "Lei", "Li", "Hui", "Jun", "Na", "Tao")
_LAST: Final = ("Li", "Zhang", "Wang", "Chen", "Liu", "Zhao", "Sun", "Zhou", "Wu", "Xu")
_ROLES: Final = (
    "decision_maker", "economic_buyer", "technical_evaluator", "user", "influencer",
    "gatekeeper", "coach",
)  # fmt: skip
_STANCES: Final = ("supporter", "neutral", "opponent")
_CHURN_TYPES: Final = ("natural", "competitive", "negligent", "malicious")
_CHURN_P: Final = (0.35, 0.35, 0.2, 0.1)
_FACETS: Final = (
    "economic_risk", "evaluation", "learning", "setup", "benefit_loss", "monetary_loss",
    "personal_relationship_loss", "brand_relationship_loss",
)  # fmt: skip
_MONEY_FACETS: Final = frozenset({"learning", "setup", "monetary_loss"})
_LEVERS: Final = ("product_technology", "service", "process", "dedicated_assets", "emotional_brand")
_CHANNELS: Final = ("phone", "email", "visit", "web")
_SEVERITIES: Final = ("critical", "high", "medium", "low")
_TOPICS: Final = ("late delivery", "quality defect", "invoice error", "slow response", "packaging")
#: SERVQUAL dimension offsets of the perceived minus expected score (responsiveness weakest)
_DIM_OFFSET: Final = {
    "tangibles": 0.25,
    "reliability": -0.3,
    "responsiveness": -0.65,
    "assurance": 0.1,
    "empathy": -0.1,
}
_ITEM_DIMS: Final = (
    ("tangibles",) * 4
    + ("reliability",) * 5
    + ("responsiveness",) * 4
    + ("assurance",) * 4
    + ("empathy",) * 5
)

Columns = dict[str, NDArray[Any]]


def _days(values: NDArray[Any]) -> NDArray[np.datetime64]:
    return np.asarray(values, dtype="datetime64[D]")


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> NDArray[np.str_]:
    return np.asarray(options, dtype=str)[rng.integers(0, len(options), n)]


def _pick_p(
    rng: np.random.Generator, options: tuple[str, ...], p: tuple[float, ...], n: int
) -> NDArray[np.str_]:
    cut = np.cumsum(p)
    idx = np.minimum(np.searchsorted(cut, rng.random(n) * cut[-1], side="right"), len(p) - 1)
    out: NDArray[np.str_] = np.asarray(options, dtype=str)[idx]
    return out


def _cents(values: NDArray[Any]) -> NDArray[np.float64]:
    return np.round(values, 2)


@attrs.frozen(eq=False, repr=False)
class DemoData(FrozenArrays):
    """The generated demo data set: plain column tables keyed by customer id.

    Made by :func:`demo`; ``kamcore report`` without input files reports on it.

    Parameters
    ----------
    seed : int
        The generator's seed.
    columns : mapping of str to mapping of str to ndarray
        The tables by name (``accounts``, ``transactions``, ``surveys``,
        ``contacts``, ``switching``, ``complaints``, ``grade_history``,
        ``stage_history``), each a mapping of column name to a read-only
        1-D array. Use :meth:`tables` for copies, :meth:`frames` for data
        frames and the properties for kamcore objects.

    Examples
    --------
    >>> from kamcore.data import demo
    >>> d = demo()
    >>> d.seed, sorted(d.columns)[:4]
    (20240601, ['accounts', 'complaints', 'contacts', 'grade_history'])
    >>> list(d.columns["accounts"])[:3]
    ['id', 'name', 'industry']
    >>> len(d.accounts), d.digest() == demo().digest()
    (300, True)
    """

    seed: int
    columns: Mapping[str, Mapping[str, NDArray[Any]]] = attrs.field(repr=False)

    # ------------------------------------------------------------ plain data
    def tables(self) -> dict[str, Columns]:
        """Return every table as a dict of column name to a (writeable) array copy."""
        return {t: {c: v.copy() for c, v in cols.items()} for t, cols in self.columns.items()}

    def frames(self, backend: str = "pandas") -> dict[str, Any]:
        """Return every table as a pandas (default) or polars DataFrame.

        Raises
        ------
        InvalidParameterError
            ``backend`` is not ``"pandas"`` or ``"polars"``.
        MissingOptionalDependencyError
            The library of ``backend`` is not installed.
        """
        if backend not in ("pandas", "polars"):
            raise InvalidParameterError(f"'backend' must be 'pandas' or 'polars'; got {backend!r}.")
        lib = require(backend)
        return {name: lib.DataFrame(cols) for name, cols in self.tables().items()}

    def digest(self) -> str:
        """Return a SHA-256 over every table (names, dtypes and values, in order)."""
        h = hashlib.sha256()
        for name in sorted(self.columns):
            for col, arr in self.columns[name].items():
                h.update(f"{name}.{col}:{arr.dtype.str}:{arr.shape[0]}\n".encode())
                if arr.dtype.kind == "U":
                    h.update("\x1f".join(arr.tolist()).encode())
                else:
                    h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()

    # ------------------------------------------------------------ kamcore objects
    @property
    def accounts(self) -> Portfolio:
        """The accounts as a :class:`~kamcore.Portfolio` (money columns in CNY)."""
        return _portfolio(self.columns["accounts"])

    @property
    def transactions(self) -> Any:
        """The order log as a :class:`~kamcore.transactions.TransactionLog`."""
        from kamcore.transactions import TransactionLog

        t = self.columns["transactions"]
        return TransactionLog(t["customer_id"], t["date"], t["amount"])

    @property
    def surveys(self) -> Any:
        """The SERVQUAL answers as :class:`~kamcore.satisfaction.SurveyResponses`."""
        return survey_responses(self.columns["surveys"])

    @property
    def grade_history(self) -> Any:
        """The year-end gradings as a :class:`~kamcore.scoring.GradeHistory`."""
        from kamcore.scoring import GradeHistory, Grading

        g = self.columns["grade_history"]
        gradings = []
        for day in np.unique(g["as_of"]).tolist():
            at = g["as_of"] == np.datetime64(day, "D")
            gradings.append(
                Grading(day, g["customer_id"][at], g["grade"][at], levels=("A", "B", "C", "D"))
            )
        return GradeHistory(gradings)

    def customers(self) -> tuple[Any, ...]:
        """Return the accounts as :class:`~kamcore.domain.Customer` objects."""
        from kamcore.domain import Customer, Money

        a = self.columns["accounts"]
        out = []
        for i in range(a["id"].shape[0]):
            facts: dict[str, Any] = {f: int(a[f][i]) for f in _FACTS}
            money: dict[str, Any] = {
                m: Money.of(f"{a[m][i]:.2f}", "CNY")
                for m in ("sales_last_year", "profit_last_year", "expected_sales")
            }
            out.append(
                Customer(
                    str(a["id"][i]),
                    str(a["name"][i]),
                    industry=str(a["industry"][i]),
                    region=str(a["region"][i]),
                    **money,
                    **facts,
                )
            )
        return tuple(out)

    def contacts(self) -> tuple[Any, ...]:
        """Return the contacts as :class:`~kamcore.domain.Contact` objects (with buying roles)."""
        from kamcore.domain import Contact

        c = self.columns["contacts"]
        return tuple(
            Contact(
                str(c["contact_id"][i]),
                str(c["name"][i]),
                str(c["customer_id"][i]),
                str(c["role"][i]),
                stance=str(c["stance"][i]),
                strength=float(c["strength"][i]),
                title=str(c["title"][i]),
            )
            for i in range(c["contact_id"].shape[0])
        )

    def complaints(self) -> tuple[Any, ...]:
        """Return the complaints as :class:`~kamcore.domain.Complaint` objects."""
        from kamcore.domain import Complaint

        c = self.columns["complaints"]
        return tuple(
            Complaint(
                str(c["customer_id"][i]),
                c["received"][i].item(),
                str(c["channel"][i]),
                str(c["topic"][i]),
                str(c["severity"][i]),
                resolved_on=None if np.isnat(c["resolved"][i]) else c["resolved"][i].item(),
            )
            for i in range(c["customer_id"].shape[0])
        )

    def relationships(self) -> tuple[Any, ...]:
        """Return one :class:`~kamcore.domain.Relationship` per account.

        Each carries its dated lifecycle history, its contacts, the churn
        record of a lost account and its switching cost.
        """
        from kamcore.domain import (
            ChurnRecord,
            Money,
            Relationship,
            StageChange,
            SwitchingCost,
            SwitchingCostComponent,
        )

        a = self.columns["accounts"]
        h = self.columns["stage_history"]
        s = self.columns["switching"]
        by_customer: dict[str, list[Any]] = {}
        for contact in self.contacts():
            by_customer.setdefault(contact.customer_id, []).append(contact)
        out = []
        for i in range(a["id"].shape[0]):
            cid = str(a["id"][i])
            rows = np.flatnonzero(h["customer_id"] == cid)
            history = tuple(StageChange(str(h["stage"][r]), h["on"][r].item()) for r in rows)
            churn = tuple(
                ChurnRecord(h["on"][r].item(), churn_type=str(h["churn_type"][r]))
                for r in rows
                if h["churn_type"][r]
            )
            comps = [
                SwitchingCostComponent(
                    str(s["facet"][r]),
                    str(s["lever"][r]),
                    strength=float(s["strength"][r]),
                    money=None
                    if np.isnan(s["money"][r])
                    else Money.of(f"{s['money'][r]:.2f}", "CNY"),
                )
                for r in np.flatnonzero(s["customer_id"] == cid)
            ]
            out.append(
                Relationship(
                    f"R-{cid}",
                    cid,
                    str(a["relationship_type"][i]),
                    str(a["account_manager"][i]),
                    history,
                    contacts=by_customer.get(cid, ()),
                    churn_records=churn,
                    switching_cost=SwitchingCost(comps, currency="CNY") if comps else None,
                )
            )
        return tuple(out)


def _portfolio(a: Mapping[str, NDArray[Any]]) -> Portfolio:
    cols = {k: v for k, v in a.items() if k not in ("id", "currency")}
    return Portfolio.from_columns(
        a["id"],
        cols,
        currencies=dict.fromkeys(("sales_last_year", "profit_last_year", "expected_sales"), "CNY"),
        nullable=("churned_on",),
    )


def survey_responses(s: Mapping[str, NDArray[Any]]) -> Any:
    """Return SERVQUAL :class:`~kamcore.satisfaction.SurveyResponses` from survey columns.

    ``s`` holds ``customer_id``, optionally ``respondent_id``, and the
    perception and expectation answers ``p_q1..p_q22``, ``e_q1..e_q22``.
    """
    from kamcore.satisfaction import Instrument, SurveyResponses

    inst = Instrument.servqual()
    items = list(inst.items)
    perception = np.column_stack([np.asarray(s[f"p_{q}"], dtype=np.float64) for q in items])
    expectation = np.column_stack([np.asarray(s[f"e_{q}"], dtype=np.float64) for q in items])
    rid = s.get("respondent_id")
    return SurveyResponses(
        inst,
        np.asarray(s["customer_id"], dtype=str),
        perception,
        expectation=expectation,
        respondent_ids=None if rid is None else np.asarray(rid, dtype=str),
    )


@functools.lru_cache(maxsize=4)
def _generate(seed: int) -> DemoData:
    rng = np.random.default_rng(seed)
    n = _N
    ids = np.array([f"KA{i:04d}" for i in range(1, n + 1)])
    z = rng.normal(0.0, 1.0, n)
    potential = np.exp(12.4 + 1.25 * z)
    quality = 0.45 * z + rng.normal(0.0, 0.9, n)
    names = np.array(
        [
            f"{_PREFIX[int(a)]}{_STEM[int(b)]} {'Co.' if int(c) else 'Ltd.'}"
            for a, b, c in zip(
                rng.integers(0, len(_PREFIX), n),
                rng.integers(0, len(_STEM), n),
                rng.integers(0, 2, n),
                strict=True,
            )
        ]
    )
    industry = _pick(rng, _INDUSTRIES, n)
    region = _pick(rng, _REGIONS, n)
    manager = _pick(rng, _MANAGERS, n)
    first_day = np.datetime64("2012-01-01", "D")
    span = int((np.datetime64("2024-06-30", "D") - first_day).astype(int))
    start = first_day + rng.integers(0, span, n)
    rank = np.argsort(np.argsort(-(potential * np.exp(rng.normal(0, 0.3, n)))))
    rel_type = np.where(rank < 0.05 * n, "strategic", np.where(rank < 0.2 * n, "partnership", ""))
    rel_type = np.where(rel_type == "", "ordinary", rel_type)

    # ---- lifecycle
    may_churn = start < np.datetime64("2023-01-01", "D")
    churned = may_churn & (rng.random(n) < 0.18) & (quality < 1.0)
    lo = np.maximum(start + 365, np.datetime64("2020-01-01", "D"))
    hi = np.datetime64("2024-10-31", "D")
    churn_day = lo + (rng.random(n) * np.maximum((hi - lo).astype(int), 1)).astype(int)
    churn_day = np.where(churned, churn_day, np.datetime64("NaT", "D"))
    churn_type = np.where(churned, _pick_p(rng, _CHURN_TYPES, _CHURN_P, n), "")
    formation = start + rng.integers(90, 540, n)
    stability = formation + rng.integers(180, 900, n)
    decline_before = rng.integers(60, 300, n)
    live_decline = ~churned & (rng.random(n) < 0.1 + 0.1 * (quality < -0.8))
    live_decline_day = np.datetime64("2024-01-01", "D") + rng.integers(0, 330, n)
    h_id: list[str] = []
    h_stage: list[str] = []
    h_on: list[np.datetime64] = []
    h_type: list[str] = []
    stage_now = np.empty(n, dtype="<U11")
    decline_day = np.full(n, np.datetime64("NaT", "D"))
    for i in range(n):  # the demo's few hundred histories; not an array path
        moves: list[tuple[str, np.datetime64, str]] = [("exploration", start[i], "")]
        end = churn_day[i] if churned[i] else _END
        for stage, day in (("formation", formation[i]), ("stability", stability[i])):
            if day < end:
                moves.append((stage, day, ""))
        if churned[i]:
            d = max(churn_day[i] - decline_before[i], moves[-1][1] + 1)
            if d < churn_day[i]:
                moves.append(("decline", d, churn_type[i]))
                decline_day[i] = d
            moves.append(("ended", churn_day[i], churn_type[i]))
        elif live_decline[i] and live_decline_day[i] > moves[-1][1]:
            moves.append(("decline", live_decline_day[i], ""))
            decline_day[i] = live_decline_day[i]
        for stage, day, ctype in moves:
            h_id.append(str(ids[i]))
            h_stage.append(stage)
            h_on.append(day)
            h_type.append(ctype)
        stage_now[i] = moves[-1][0]
    h_type_arr = np.array(h_type)
    # a churn type is recorded with the move it explains: the decline and the end
    stage_history = {
        "customer_id": np.array(h_id),
        "stage": np.array(h_stage),
        "on": _days(np.array(h_on)),
        "churn_type": h_type_arr,
    }

    # ---- orders
    rate = 1.0 + rng.gamma(2.0, 6.0, n)  # orders a year
    w_start = np.maximum(start, _START)
    w_end = np.where(churned, churn_day, _END)
    years = np.maximum((w_end - w_start).astype(int), 0) / 365.25
    counts = rng.poisson(rate * years)
    owner = np.repeat(np.arange(n), counts)
    offset = rng.random(owner.shape[0]) * (w_end - w_start).astype(int)[owner]
    dates = w_start[owner] + offset.astype(int)
    mean_order = potential / rate
    amount = _cents(rng.gamma(4.0, 1.0, owner.shape[0]) * mean_order[owner] / 4.0)
    # after a decline the account orders half as often: thin its later orders
    late = ~np.isnat(decline_day[owner]) & (dates >= decline_day[owner])
    keep = ~late | (rng.random(owner.shape[0]) < 0.5)
    owner, dates, amount = owner[keep], dates[keep], amount[keep]
    order = np.lexsort((dates, owner))
    owner, dates, amount = owner[order], dates[order], amount[order]
    transactions = {"customer_id": ids[owner], "date": _days(dates), "amount": amount}
    year = dates.astype("datetime64[Y]").astype(int) + 1970
    sales24 = _cents(np.bincount(owner, weights=np.where(year == 2024, amount, 0.0), minlength=n))
    sales23 = np.bincount(owner, weights=np.where(year == 2023, amount, 0.0), minlength=n)
    margin = 0.04 + 0.26 * rng.random(n)
    profit = _cents(sales24 * margin)
    expected = np.round(np.maximum(sales24 * (1.0 + rng.normal(0.05, 0.15, n)), 0.0), -2)
    expected = np.where(churned, 0.0, expected)
    change = np.where(sales23 > 0, sales24 / np.where(sales23 > 0, sales23, 1.0) - 1.0, 0.0)

    # ---- rubric levels and warning signals
    facts = {
        f: np.clip(np.round(2.5 - 0.7 * quality + 0.8 * rng.normal(0, 1, n)), 1, 4).astype(np.int8)
        for f in _FACTS
    }
    sow_change = np.round(rng.normal(0.01, 0.03, n) - 0.05 * (stage_now == "decline"), 3)
    days_late = np.where(rng.random(n) < 0.08 + 0.2 * (quality < -1), rng.integers(5, 90, n), 0)
    accounts: Columns = {
        "id": ids,
        "name": names,
        "industry": industry,
        "region": region,
        "currency": np.full(n, "CNY"),
        "sales_last_year": sales24,
        "profit_last_year": profit,
        "expected_sales": expected,
        **facts,
        "relationship_type": rel_type.astype(str),
        "stage": stage_now.astype(str),
        "relationship_start": _days(start),
        "account_manager": manager,
        "churned_on": _days(churn_day),
        "churn_type": churn_type.astype(str),
        "order_volume_change": np.round(change, 3),
        "sow_change": sow_change,
        "days_late": days_late.astype(np.float64),
    }

    # ---- surveys (live accounts)
    live = np.flatnonzero(~churned)
    surveyed = live[rng.random(live.shape[0]) < 0.7]
    per = rng.integers(1, 4, surveyed.shape[0])
    resp = np.repeat(surveyed, per)
    m = resp.shape[0]
    k = len(_ITEM_DIMS)
    mood = rng.normal(-0.2, 0.6, n) + 0.3 * quality
    offset_k = np.array([_DIM_OFFSET[d] for d in _ITEM_DIMS])
    expect = np.clip(np.round(rng.normal(5.7, 0.7, (m, k))), 1, 7)
    perceive = np.clip(
        np.round(expect + mood[resp][:, None] + offset_k[None, :] + rng.normal(0, 0.8, (m, k))),
        1,
        7,
    )
    surveys: Columns = {
        "respondent_id": np.array([f"S{j:05d}" for j in range(1, m + 1)]),
        "customer_id": ids[resp],
        "date": _days(np.full(m, _SURVEY_DAY)),
    }
    for j in range(k):
        surveys[f"p_q{j + 1}"] = perceive[:, j].astype(np.int8)
    for j in range(k):
        surveys[f"e_q{j + 1}"] = expect[:, j].astype(np.int8)

    # ---- contacts
    n_contacts = rng.integers(2, 6, n)
    c_owner = np.repeat(np.arange(n), n_contacts)
    nc = c_owner.shape[0]
    contacts: Columns = {
        "contact_id": np.array([f"C{j:05d}" for j in range(1, nc + 1)]),
        "customer_id": ids[c_owner],
        "name": np.char.add(np.char.add(_pick(rng, _LAST, nc), " "), _pick(rng, _FIRST, nc)),
        "role": _pick(rng, _ROLES, nc),
        "stance": _pick_p(rng, _STANCES, (0.4, 0.45, 0.15), nc),
        "strength": np.round(rng.random(nc), 2),
        "title": _pick(rng, ("purchasing manager", "plant manager", "engineer", "CFO"), nc),
    }

    # ---- switching costs (long form)
    has = rng.random((n, len(_FACETS))) < 0.55 + 0.25 * (rel_type != "ordinary")[:, None]
    acc_idx, facet_idx = np.nonzero(has)
    ns = acc_idx.shape[0]
    strength = np.round(
        np.clip(rng.random(ns) * 0.3 + 0.15 * (rel_type[acc_idx] != "ordinary"), 0.01, 1.0), 2
    )
    facet = np.asarray(_FACETS)[facet_idx]
    money_share = 0.01 + 0.09 * rng.random(ns)
    is_money = np.isin(facet, sorted(_MONEY_FACETS))
    switching: Columns = {
        "customer_id": ids[acc_idx],
        "facet": facet,
        "lever": _pick(rng, _LEVERS, ns),
        "strength": strength,
        "money": np.where(is_money, _cents(potential[acc_idx] * money_share), np.nan),
    }

    # ---- complaints 2023-2024
    n_compl = rng.poisson(0.5 + 0.8 * (mood < -0.6), n)
    q_owner = np.repeat(np.arange(n), n_compl)
    nq = q_owner.shape[0]
    q_lo = np.maximum(np.datetime64("2023-01-01", "D"), start[q_owner])
    q_hi = np.where(churned[q_owner], churn_day[q_owner], _END)
    q_span = np.maximum((q_hi - q_lo).astype(int), 1)
    received = q_lo + (rng.random(nq) * q_span).astype(int)
    resolved = received + rng.integers(1, 60, nq)
    resolved = np.where((rng.random(nq) < 0.15) | (resolved > _END), np.datetime64("NaT"), resolved)
    valid = received <= q_hi
    complaints: Columns = {
        "customer_id": ids[q_owner][valid],
        "received": _days(received[valid]),
        "resolved": _days(resolved[valid]),
        "channel": _pick(rng, _CHANNELS, nq)[valid],
        "severity": _pick_p(rng, _SEVERITIES, (0.05, 0.2, 0.45, 0.3), nq)[valid],
        "topic": _pick(rng, _TOPICS, nq)[valid],
    }

    # ---- grade history: year-end 2022 and 2023 grades around each account's quality
    g_id: list[NDArray[np.str_]] = []
    g_day: list[NDArray[np.datetime64]] = []
    g_grade: list[NDArray[np.str_]] = []
    base = np.clip(np.round(1.5 - 0.8 * quality), 0, 3)
    for day in ("2022-12-31", "2023-12-31"):
        on = np.datetime64(day, "D")
        present = (start <= on) & (np.isnat(churn_day) | (churn_day > on))
        step = np.clip(base + rng.integers(-1, 2, n) * (rng.random(n) < 0.3), 0, 3).astype(int)
        g_id.append(ids[present])
        g_day.append(np.full(int(present.sum()), on))
        g_grade.append(np.asarray(("A", "B", "C", "D"))[step[present]])
    grade_history: Columns = {
        "as_of": _days(np.concatenate(g_day)),
        "customer_id": np.concatenate(g_id),
        "grade": np.concatenate(g_grade),
    }

    tables = {
        "accounts": accounts,
        "transactions": transactions,
        "surveys": surveys,
        "contacts": contacts,
        "switching": switching,
        "complaints": complaints,
        "grade_history": grade_history,
        "stage_history": stage_history,
    }
    for cols in tables.values():
        for arr in cols.values():
            arr.flags.writeable = False
    frozen = MappingProxyType({k: MappingProxyType(v) for k, v in tables.items()})
    return DemoData(seed, frozen)


def demo(seed: int = DEFAULT_SEED) -> DemoData:
    """Return the generated demo data set (see the module docs for the recipe).

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator``; the default gives the shipped
        demo, pinned by a digest in the tests.

    Returns
    -------
    DemoData
        Tables, DataFrames (:meth:`DemoData.frames`), the accounts as a
        :class:`~kamcore.Portfolio` and every record as domain objects.

    Raises
    ------
    InvalidParameterError
        ``seed`` is not a non-negative integer.

    Examples
    --------
    >>> d = demo()
    >>> d.accounts["stage"][:3].tolist()
    ['stability', 'decline', 'ended']
    >>> len(d.relationships()) == len(d.accounts)
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InvalidParameterError(f"'seed' must be a non-negative integer; got {seed!r}.")
    return _generate(int(seed))
