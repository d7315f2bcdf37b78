"""Build a :class:`~kamcore.report.Report` from input tables, with the library's calculators.

Every number comes from a kamcore calculator (scoring, metrics, clp,
satisfaction, switching, transactions); this module only chooses the inputs,
joins per-customer results by id and writes the sentences.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import fail_where
from kamcore._portfolio import Portfolio
from kamcore.errors import ConvergenceError, InvalidParameterError, UnknownNameError
from kamcore.report._model import Chart, Report, Section, Table
from kamcore.report._wording import FOCUS, label_words, next_actions, plural, signal_words

__all__ = ["ReportInput", "build_report"]

Columns = Mapping[str, NDArray[Any]]
Progress = Callable[[str], None]

_MONEY: Final = ("sales_last_year", "profit_last_year", "expected_sales")
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
_RUBRIC_COLUMNS: Final = (*_MONEY, *_FACTS)
#: annual discount rate of the CLP
DISCOUNT_RATE: Final = 0.10
#: CLP horizon in months
HORIZON_MONTHS: Final = 36
_WEEKS_PER_MONTH: Final = 365.25 / 12 / 7
_TOP: Final = 10
_NO_CLP: Final = "CLP needs a transaction log (--transactions), or a stage and a profit column."


def _table_or_none(value: Mapping[str, Any] | None) -> Mapping[str, NDArray[Any]] | None:
    return None if value is None else MappingProxyType(dict(value))


def _table(value: Mapping[str, Any]) -> Mapping[str, NDArray[Any]]:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=False, repr=False)
class ReportInput(FrozenArrays):
    """The input tables of a report as numpy columns under the library's names.

    ``accounts`` is required (``id``, ``sales_last_year``, optional columns of
    :data:`kamcore.io.tables.TABLE_SCHEMAS`); the others are optional
    (None when not given). ``source`` describes where they came from.
    :func:`kamcore.io.tables.read_table` reads each from a file under these
    names; :meth:`from_demo` takes them from the generated demo. The columns
    are checked when :func:`build_report` reads them.

    Parameters
    ----------
    accounts : mapping of str to array_like
        One row per account: ``id``, ``sales_last_year`` and any optional
        account columns (``name``, ``stage``, ``profit_last_year``, the
        rubric facts, warning signals ...).
    transactions, surveys, contacts, switching, complaints, grades : mapping or None
        The side tables (the order log, survey answers, contacts,
        switching-cost answers, complaints and the grade history), each keyed
        by customer id; None when not given (their sections are skipped).
    source : str
        Where the data came from, shown under the report's title.
    as_of : datetime.date or None
        The date the report describes; None for the last order date of the
        transaction log, or today without one.

    Examples
    --------
    >>> from kamcore.data import demo
    >>> from kamcore.report import ReportInput
    >>> inputs = ReportInput.from_demo(demo())
    >>> inputs.as_of, len(inputs.accounts["id"])
    (datetime.date(2024, 12, 31), 300)
    >>> small = ReportInput(accounts={"id": ["A1", "A2"], "sales_last_year": [120.0, 80.0]})
    >>> small.transactions is None
    True
    """

    accounts: Mapping[str, NDArray[Any]] = attrs.field(converter=_table)
    transactions: Mapping[str, NDArray[Any]] | None = attrs.field(
        default=None, converter=_table_or_none
    )
    surveys: Mapping[str, NDArray[Any]] | None = attrs.field(default=None, converter=_table_or_none)
    contacts: Mapping[str, NDArray[Any]] | None = attrs.field(
        default=None, converter=_table_or_none
    )
    switching: Mapping[str, NDArray[Any]] | None = attrs.field(
        default=None, converter=_table_or_none
    )
    complaints: Mapping[str, NDArray[Any]] | None = attrs.field(
        default=None, converter=_table_or_none
    )
    grades: Mapping[str, NDArray[Any]] | None = attrs.field(default=None, converter=_table_or_none)
    source: str = "input files"
    as_of: dt.date | None = None

    @classmethod
    def from_demo(cls, data: Any) -> ReportInput:
        """Return the inputs of the generated demo (:func:`kamcore.data.demo`)."""
        from kamcore.data import DemoData

        if not isinstance(data, DemoData):
            raise InvalidParameterError(
                f"'data' must be a kamcore.data.DemoData (from demo()); got {type(data).__name__}."
            )
        t = data.tables()
        return cls(
            accounts=t["accounts"],
            transactions=t["transactions"],
            surveys=t["surveys"],
            contacts=t["contacts"],
            switching=t["switching"],
            complaints=t["complaints"],
            grades=t["grade_history"],
            source=f"the kamcore demo data set (seed {data.seed}; made-up accounts)",
            as_of=dt.date(2024, 12, 31),
        )


# --------------------------------------------------------------------------- helpers
def _codes(ids: NDArray[np.str_], keys: NDArray[np.str_], table: str) -> NDArray[np.intp]:
    """Return the position of each key among ``ids``; unknown keys are an error."""
    order = np.argsort(ids)
    pos = np.searchsorted(ids, keys, sorter=order)
    pos = np.minimum(pos, ids.shape[0] - 1)
    found = ids[order[pos]] == keys
    if not found.all():
        i = int(np.argmin(found))
        n_bad = int((~found).sum())
        raise UnknownNameError(
            f"the {table} table names {plural(n_bad, 'row')} of customers that are not in the "
            f"accounts table (first at row {i + 1}: {str(keys[i])!r}); give their accounts or "
            "remove them."
        )
    out: NDArray[np.intp] = order[pos]
    return out


def _counts(labels: NDArray[Any], levels: tuple[str, ...]) -> NDArray[np.int64]:
    return np.array([int(np.count_nonzero(labels == lv)) for lv in levels], dtype=np.int64)


def _class_counts(result: Any) -> tuple[NDArray[Any], tuple[str, ...], NDArray[np.int64]]:
    """Return a class-labelling scorer result's labels, its levels in order and the counts."""
    labels = result.classes
    assert labels is not None  # pareto, classes and pyramid always label
    levels = tuple(result.class_levels or ())
    return labels, levels, _counts(labels, levels)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _money(x: float, cur: str | None) -> str:
    return f"{x:,.0f} {cur}" if cur else f"{x:,.0f}"


def _today_from(inputs: ReportInput, log: Columns | None) -> dt.date:
    if inputs.as_of is not None:
        return inputs.as_of
    if log is not None and log["date"].shape[0]:
        return dt.date.fromisoformat(str(log["date"].max()))
    return dt.date.today()


# --------------------------------------------------------------------------- the build
def build_report(inputs: ReportInput, *, progress: Progress | None = None) -> Report:
    """Compute the report once: every section, table and chart.

    Parameters
    ----------
    inputs
        The input tables.
    progress
        Called with the name of each step as it starts.

    Returns
    -------
    Report
        Every section in reading order (a section whose input is missing is
        kept, with the reason in its ``skipped``) and the per-account table.

    Raises
    ------
    KamcoreError
        Input the calculators refuse (named by the calculator), customers of
        a side table that are not accounts, duplicate account ids.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report
    >>> steps = []
    >>> report = build_report(
    ...     ReportInput(
    ...         accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...         source="three accounts", as_of=dt.date(2024, 12, 31)),
    ...     progress=steps.append)
    >>> round(report.section("concentration").figures["gini_sales"], 2)
    0.26
    >>> report.accounts.columns["abc_by_sales"].tolist()
    ['A', 'A', 'B']
    >>> len(steps) > 0
    True

    The demo data set (:func:`kamcore.data.demo`) fills every section:

    >>> from kamcore.data import demo
    >>> full = build_report(ReportInput.from_demo(demo()))
    >>> [s.key for s in full.sections if s.skipped]
    []
    """
    if not isinstance(inputs, ReportInput):
        raise InvalidParameterError(
            f"'inputs' must be a kamcore.report.ReportInput; got {type(inputs).__name__}."
        )
    if progress is not None and not callable(progress):
        raise InvalidParameterError(
            f"'progress' must be a callable or None; got {type(progress).__name__}."
        )
    step = progress or (lambda _name: None)
    a = inputs.accounts
    ids = np.asarray(a["id"], dtype=str)
    n = ids.shape[0]
    if n == 0:
        raise InvalidParameterError("the accounts table has no rows.")
    cur = None
    if "currency" in a:
        curs = np.unique(a["currency"])
        if curs.shape[0] > 1:
            raise InvalidParameterError(
                f"the accounts table holds several currencies ({', '.join(curs[:5].tolist())}); "
                "convert the money columns to one currency first."
            )
        cur = str(curs[0]) if curs.shape[0] else None
    money_cols = [c for c in _MONEY if c in a]
    other = {k: v for k, v in a.items() if k not in ("id", "currency")}
    step("checking the accounts")
    portfolio = Portfolio.from_columns(
        ids,
        other,
        currencies=dict.fromkeys(money_cols, cur) if cur else None,
        nullable=[c for c in ("churned_on",) if c in other],
    )
    stage = np.asarray(a["stage"], dtype=str) if "stage" in a else None
    if stage is not None:
        from kamcore.domain import LifecycleStage

        known = [s.value for s in LifecycleStage]
        bad = ~np.isin(stage, known)
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidParameterError(
                f"'stage' must be one of {', '.join(known)}; got {str(stage[i])!r} for account "
                f"{str(ids[i])!r} ({plural(int(bad.sum()), 'row')} in all). Map your CRM's "
                "stages to these first."
            )
    live = stage != "ended" if stage is not None else np.ones(n, dtype=bool)
    name = np.asarray(a["name"], dtype=str) if "name" in a else ids
    sales = portfolio["sales_last_year"]
    fail_where(sales < 0, sales, "sales_last_year", "be >= 0 (a sales figure)")
    profit = portfolio["profit_last_year"] if "profit_last_year" in a else None
    log = inputs.transactions
    as_of = _today_from(inputs, log)
    sections: list[Section] = []
    per: dict[str, NDArray[Any]] = {"customer_id": ids, "name": name}
    if stage is not None:
        per["stage"] = stage
    if "relationship_type" in a:
        per["relationship_type"] = np.asarray(a["relationship_type"], dtype=str)
    per["sales_last_year"] = sales
    if profit is not None:
        per["profit_last_year"] = profit

    # ---- overview
    step("overview")
    from kamcore.metrics import gini, lorenz_curve, top_share

    lines = [f"{plural(n, 'account')}: {int(live.sum()):,} active and {int((~live).sum()):,} lost."]
    figures: dict[str, Any] = {
        "accounts": n,
        "active_accounts": int(live.sum()),
        "lost_accounts": int((~live).sum()),
        "sales_last_year": float(sales.sum()),
        "profit_last_year": None if profit is None else float(profit.sum()),
        "currency": cur,
    }
    lines.append(
        f"Sales last year {_money(float(sales.sum()), cur)}"
        + ("" if profit is None else f"; profit {_money(float(profit.sum()), cur)}")
        + "."
    )
    tables: list[Table] = []
    if "relationship_type" in a:
        types, counts = np.unique(per["relationship_type"], return_counts=True)
        sales_by = np.array([sales[per["relationship_type"] == t].sum() for t in types])
        tables.append(
            Table(
                "relationship_types",
                "Accounts by relationship type",
                {"relationship_type": types, "accounts": counts, "sales_last_year": sales_by},
            )
        )
        lines.append(
            "Relationship types: "
            + ", ".join(f"{t} {c}" for t, c in zip(types.tolist(), counts.tolist(), strict=True))
            + "."
        )
    sections.append(Section("overview", "Portfolio overview", tuple(lines), figures, tuple(tables)))

    # ---- concentration
    step("concentration")
    from kamcore.plotting import LorenzCurveDisplay
    from kamcore.scoring import get_scorer

    g_sales = gini(sales)
    lines = [
        (
            f"The top 20% of accounts bring {_pct(top_share(sales, 0.2))} of sales "
            f"(Gini of sales {g_sales:.2f})."
        )
    ]
    figures = {
        "top20_share_of_sales": top_share(sales, 0.2),
        "gini_sales": g_sales,
        "top20_share_of_profit": None,
        "gini_profit": None,
    }
    abc_col = "sales_last_year"
    if profit is not None and bool((profit >= 0).all()):
        figures["top20_share_of_profit"] = top_share(profit, 0.2)
        figures["gini_profit"] = gini(profit)
        lines.append(
            f"The top 20% bring {_pct(figures['top20_share_of_profit'])} of profit "
            f"(Gini {figures['gini_profit']:.2f})."
        )
        abc_col = "profit_last_year"
    elif profit is not None:
        lines.append(
            f"Profit has {int((profit < 0).sum())} negative values: no Lorenz curve of profit; "
            "ABC classes by sales instead."
        )
    abc = get_scorer("pareto", column=abc_col).score(portfolio)
    abc_classes, levels, abc_counts = _class_counts(abc)
    basis = "profit" if abc_col == "profit_last_year" else "sales"
    per[f"abc_by_{basis}"] = abc_classes
    value = portfolio[abc_col]
    abc_value = np.array([value[abc_classes == lv].sum() for lv in levels])
    total = value.sum()
    tables = [
        Table(
            "abc_classes",
            f"ABC classes by {basis} (Pareto 80/15/5; not the rubric grades)",
            {
                "abc_class": np.array([f"ABC-{lv}" for lv in levels]),
                "accounts": abc_counts,
                f"{basis}_share": abc_value / total if total > 0 else np.zeros(len(levels)),
            },
        )
    ]
    lines.append(
        f"ABC by {basis}: "
        + ", ".join(f"ABC-{lv} {c}" for lv, c in zip(levels, abc_counts.tolist(), strict=True))
        + " accounts."
    )
    u, v = lorenz_curve(sales)
    charts = [
        Chart(
            "lorenz_sales",
            "Lorenz curve of sales",
            LorenzCurveDisplay(u, v, g_sales, label="sales last year"),
        )
    ]
    sections.append(
        Section(
            "concentration",
            "Pareto concentration, Lorenz curve and Gini",
            tuple(lines),
            figures,
            tuple(tables),
            tuple(charts),
        )
    )

    # ---- grades, classes, pyramid
    step("grading")
    from kamcore.plotting import GradeDistributionDisplay

    rubric = None
    missing = [c for c in _RUBRIC_COLUMNS if c not in a]
    lines = []
    tables = []
    charts = []
    figures = {}
    if not missing:
        rubric = get_scorer("rubric").score(portfolio, as_of=as_of)
        grades = rubric.grades
        assert grades is not None
        per["rubric_score"] = rubric.scores
        per["grade"] = grades
        g_levels = tuple(rubric.grade_levels or ())
        g_counts = _counts(grades, g_levels)
        figures["grades"] = dict(zip(g_levels, g_counts.tolist(), strict=True))
        tables.append(
            Table(
                "grades",
                "Rubric grades (13-factor rubric)",
                {
                    "grade": np.array([f"grade {g}" for g in g_levels]),
                    "accounts": g_counts,
                    "sales_last_year": np.array([sales[grades == g].sum() for g in g_levels]),
                },
            )
        )
        lines.append(
            "Rubric grades: "
            + ", ".join(f"grade {g} {c}" for g, c in zip(g_levels, g_counts.tolist(), strict=True))
            + "."
        )
        charts.append(
            Chart(
                "grade_distribution",
                "Accounts per rubric grade",
                GradeDistributionDisplay.from_score_result(rubric),
            )
        )
    else:
        lines.append(f"Rubric grades need the 13 rubric columns; missing: {', '.join(missing)}.")
    if "expected_sales" in a:
        classes = get_scorer("classes").score(portfolio)
        c_labels, c_levels, c_counts = _class_counts(classes)
        per["value_class"] = c_labels
        figures["value_classes"] = dict(zip(c_levels, c_counts.tolist(), strict=True))
        tables.append(
            Table(
                "value_classes",
                "The five classes (current x potential value)",
                {"value_class": np.array(c_levels), "accounts": c_counts},
            )
        )
        lines.append(
            "Five classes: "
            + ", ".join(
                f"{label_words(c)} {k}" for c, k in zip(c_levels, c_counts.tolist(), strict=True)
            )
            + "."
        )
    pyramid = get_scorer("pyramid").score(portfolio)
    p_labels, p_levels, p_counts = _class_counts(pyramid)
    per["pyramid_tier"] = p_labels
    figures["pyramid"] = dict(zip(p_levels, p_counts.tolist(), strict=True))
    tables.append(
        Table(
            "pyramid",
            "Customer pyramid by sales (1/19/30/50%)",
            {"pyramid_tier": np.array(p_levels), "accounts": p_counts},
        )
    )
    sections.append(
        Section(
            "grades",
            "Rubric grades, the five classes and the pyramid",
            tuple(lines),
            figures,
            tuple(tables),
            tuple(charts),
        )
    )

    # ---- lifecycle
    step("lifecycle")
    from kamcore.domain import LifecycleStage

    if stage is not None:
        stages = [s.value for s in LifecycleStage]
        s_counts = _counts(stage, tuple(stages))
        focus = np.array([FOCUS[s.value] for s in LifecycleStage])
        biggest = stages[int(np.argmax(s_counts))]
        sections.append(
            Section(
                "lifecycle",
                "Lifecycle stages and the management focus",
                (f"The largest stage is {biggest}: {plural(int(s_counts.max()), 'account')}.",),
                {"stages": dict(zip(stages, s_counts.tolist(), strict=True))},
                (
                    Table(
                        "lifecycle_stages",
                        "Accounts per lifecycle stage",
                        {"stage": np.array(stages), "accounts": s_counts, "focus": focus},
                    ),
                ),
            )
        )
    else:
        sections.append(
            Section(
                "lifecycle",
                "Lifecycle stages and the management focus",
                skipped="the accounts table has no 'stage' column.",
            )
        )

    # ---- repeat buying and CLP
    clp_values, clp_section, rb_section = _repeat_buying_and_clp(
        portfolio, ids, log, as_of, stage, profit, sales, cur, per, step
    )
    sections.append(rb_section)
    per["clp"] = clp_values
    # equity by grade (or by ABC class)
    from kamcore.clp import customer_equity
    from kamcore.plotting import ClpDistributionDisplay

    seg_name = "grade" if "grade" in per else f"abc_by_{basis}"
    seg_title = "grade" if "grade" in per else f"ABC class (by {basis})"
    eq = customer_equity(clp_values, segments=per[seg_name])
    assert eq.segments is not None
    assert eq.segment_totals is not None
    assert eq.segment_counts is not None
    clp_lines = (
        *clp_section[0],
        f"Customer equity (sum of CLP) {_money(eq.total, cur)} over {plural(eq.count, 'account')}.",
    )
    if clp_section[0] == (_NO_CLP,):  # nothing to value with: say why rather than show zeros
        sections.append(
            Section(
                "clp",
                "Customer lifetime profit and customer equity",
                skipped=_NO_CLP,
            )
        )
    else:
        sections.append(
            Section(
                "clp",
                "Customer lifetime profit and customer equity",
                clp_lines,
                {**clp_section[1], "customer_equity": eq.total},
                (
                    Table(
                        "equity_by_segment",
                        f"Customer equity by {seg_title}",
                        {
                            seg_name: eq.segments.astype(str),
                            "accounts": eq.segment_counts,
                            "clp_total": eq.segment_totals,
                        },
                    ),
                ),
                (
                    Chart(
                        "clp_distribution",
                        "Distribution of CLP per account",
                        ClpDistributionDisplay.from_values(clp_values, label="CLP"),
                    ),
                ),
            )
        )

    # ---- satisfaction
    step("satisfaction")
    gap = np.zeros(n)
    surveyed = np.zeros(n, dtype=bool)
    if inputs.surveys is not None:
        from kamcore.data._demo import survey_responses
        from kamcore.plotting import ServqualGapDisplay
        from kamcore.satisfaction import SatisfactionModel

        responses = survey_responses(inputs.surveys)
        _codes(ids, responses.customer_ids, "surveys")
        result = SatisfactionModel().evaluate(responses)
        pos = _codes(ids, result.customer_ids, "surveys")
        gap[pos] = result.customer_overall
        surveyed[pos] = True
        dims = result.instrument.dimensions
        weakest = np.argsort(result.item_mean)[:5]
        worst_dim = dims[int(np.argmin(result.dimension))]
        sections.append(
            Section(
                "satisfaction",
                "Satisfaction gaps (SERVQUAL: perceived minus expected)",
                (
                    (
                        f"{plural(responses.perception.shape[0], 'respondent')} at "
                        f"{plural(int(surveyed.sum()), 'account')}; "
                        f"overall gap {result.overall:+.2f}."
                    ),
                    f"Weakest dimension: {worst_dim} ({float(result.dimension.min()):+.2f}).",
                ),
                {
                    "respondents": int(responses.perception.shape[0]),
                    "overall_gap": result.overall,
                    "dimension_gaps": dict(
                        zip(dims, [float(x) for x in result.dimension], strict=True)
                    ),
                },
                (
                    Table(
                        "servqual_dimensions",
                        "Gap by dimension",
                        {
                            "dimension": np.array(dims),
                            "gap": result.dimension,
                            "answers": result.dimension_count,
                        },
                    ),
                    Table(
                        "weakest_items",
                        "The five weakest items",
                        {
                            "item": np.asarray(result.instrument.items)[weakest],
                            "dimension": np.asarray(result.instrument.item_dimensions)[weakest],
                            "gap": result.item_mean[weakest],
                        },
                    ),
                ),
                (
                    Chart(
                        "servqual_gaps",
                        "SERVQUAL gap by dimension",
                        ServqualGapDisplay.from_result(result),
                    ),
                ),
            )
        )
        per["satisfaction_gap"] = np.where(surveyed, gap, np.nan)
    else:
        sections.append(
            Section(
                "satisfaction",
                "Satisfaction gaps (SERVQUAL: perceived minus expected)",
                skipped="no survey file was given (--surveys).",
            )
        )

    # ---- switching barriers
    step("switching barriers")
    if inputs.switching is not None:
        from kamcore.switching import barrier_index_long

        sw = inputs.switching
        pos = _codes(ids, np.asarray(sw["customer_id"], dtype=str), "switching")
        barrier = barrier_index_long(pos, sw["facet"], strength=sw["strength"], n_accounts=n)
        per["barrier_index"] = barrier
        facets, f_counts = np.unique(np.asarray(sw["facet"], dtype=str), return_counts=True)
        f_mean = np.array([sw["strength"][sw["facet"] == f].mean() for f in facets])
        tables = [
            Table(
                "barriers_by_facet",
                "Switching-cost facets: components recorded and mean strength",
                {"facet": facets, "components": f_counts, "mean_strength": f_mean},
            )
        ]
        lines = [
            (
                f"Median switching-barrier index {float(np.median(barrier[live])):.2f} "
                "(0 = no barrier, 1 = locked in)."
            )
        ]
        if "grade" in per:
            exposed = np.flatnonzero(live & (per["grade"] == "A") & (barrier < 0.5))
            exposed = exposed[np.argsort(-sales[exposed])][:_TOP]
            lines.append(
                plural(
                    int((live & (per["grade"] == "A") & (barrier < 0.5)).sum()),
                    "grade-A account has",
                    "grade-A accounts have",
                )
                + " a switching-barrier index below 0.5: easy for a competitor to take."
            )
            tables.append(
                Table(
                    "exposed_accounts",
                    "Grade-A accounts with low switching barriers",
                    {
                        "customer_id": ids[exposed],
                        "name": name[exposed],
                        "barrier_index": barrier[exposed],
                        "sales_last_year": sales[exposed],
                    },
                )
            )
        sections.append(
            Section(
                "switching",
                "Switching barriers",
                tuple(lines),
                {"median_barrier_active": float(np.median(barrier[live]))},
                tuple(tables),
            )
        )
    else:
        sections.append(
            Section(
                "switching",
                "Switching barriers",
                skipped="no switching-cost file was given (--switching).",
            )
        )

    # ---- churn risk
    step("churn risk")
    sig_cols: dict[str, Any] = {}
    extra: dict[str, NDArray[Any]] = {}
    for signal, column in (
        ("falling_orders", "order_volume_change"),
        ("falling_sow", "sow_change"),
        ("late_payment", "days_late"),
    ):
        sig_cols[signal] = column if column in a else None
    sig_cols["longer_cycle"] = "order_cycle_change" if "order_cycle_change" in a else None
    if inputs.surveys is not None:
        extra["satisfaction_gap"] = gap  # accounts without a survey: gap 0, the signal is off
        sig_cols["satisfaction_gap"] = "satisfaction_gap"
    else:
        sig_cols["satisfaction_gap"] = None
    if inputs.complaints is not None:
        cp = inputs.complaints
        pos = _codes(ids, np.asarray(cp["customer_id"], dtype=str), "complaints")
        recent = cp["received"] > np.datetime64(as_of, "D") - 365
        extra["complaints"] = np.bincount(pos[recent], minlength=n).astype(np.float64)
        sig_cols["complaints"] = "complaints"
        per["complaints_last_year"] = extra["complaints"]
    else:
        sig_cols["complaints"] = "complaints" if "complaints" in a else None
    used = [s for s, c in sig_cols.items() if c is not None]
    if used:
        risk_portfolio = portfolio.with_columns(extra) if extra else portfolio
        risk = get_scorer("churn_risk", columns=sig_cols).score(risk_portfolio, as_of=as_of)
        rho = np.asarray(risk.extras["risk"], dtype=np.float64)
        fired = np.asarray(risk.extras["signals"], dtype=bool)
        names_s = np.asarray(risk.extras["signal_names"], dtype=str)
        level = risk.classes
        assert level is not None
        reasons = np.array([signal_words(names_s[row].tolist()) for row in fired])
        per["churn_risk"] = rho
        per["churn_risk_level"] = level
        per["churn_signals"] = reasons
        order = np.lexsort((-sales, -rho))
        order = order[live[order] & (level[order] != "low")][: 2 * _TOP]
        lv_counts = _counts(level[live], ("low", "medium", "high"))
        sections.append(
            Section(
                "churn_risk",
                "Churn risk: the accounts to act on",
                (
                    f"Signals used: {signal_words(used)}.",
                    (
                        f"Active accounts by churn risk: high {int(lv_counts[2])}, medium "
                        f"{int(lv_counts[1])}, low {int(lv_counts[0])}."
                    ),
                ),
                {
                    "signals": used,
                    "risk_levels": dict(
                        zip(("low", "medium", "high"), lv_counts.tolist(), strict=True)
                    ),
                },
                (
                    Table(
                        "churn_risk_list",
                        "Highest churn risk (active accounts)",
                        {
                            "customer_id": ids[order],
                            "name": name[order],
                            "risk": rho[order],
                            "level": level[order],
                            "sales_last_year": sales[order],
                            "signals_fired": reasons[order],
                        },
                    ),
                ),
            )
        )
    else:
        sections.append(
            Section(
                "churn_risk",
                "Churn risk: the accounts to act on",
                skipped="no warning-signal column (order_volume_change, sow_change, days_late, "
                "complaints) and no survey or complaint file.",
            )
        )

    # ---- grade migration
    step("grade migration")
    if inputs.grades is not None and rubric is not None:
        from kamcore.plotting import GradeMigrationDisplay
        from kamcore.scoring import GradeHistory, Grading, migration_counts

        gh = inputs.grades
        _codes(ids, np.asarray(gh["customer_id"], dtype=str), "grades")
        gradings = []
        for day in np.unique(gh["as_of"]).tolist():
            at = gh["as_of"] == np.datetime64(day, "D")
            gradings.append(
                Grading(day, gh["customer_id"][at], gh["grade"][at], levels=("A", "B", "C", "D"))
            )
        history = GradeHistory(gradings)
        current = rubric.to_grading()
        live_now = Grading(
            current.as_of, current.ids[live], current.grades[live], levels=current.levels
        )
        last = history.gradings[-1]
        matrix = migration_counts(last, live_now)
        labels = matrix.labels
        counts = np.asarray(matrix.counts)
        cols: dict[str, Any] = {"from": np.array(labels)}
        for j, lab in enumerate(labels):
            cols[f"to_{lab}"] = counts[:, j]
        up = sum(int(counts[i, j]) for i in range(len(labels)) for j in range(i))
        down = sum(int(counts[i, j]) for i in range(len(labels)) for j in range(i + 1, len(labels)))
        sections.append(
            Section(
                "grade_migration",
                "Grade migration",
                (f"From {last.as_of} to {as_of}: counts by grade, rows = from, columns = to.",),
                {
                    "from": str(last.as_of),
                    "to": str(as_of),
                    "labels": list(labels),
                    "moves_recorded": int(counts.sum()),
                    "moves_up_or_down": up + down,
                },
                (Table("grade_migration", "Grade migration", cols),),
                (
                    Chart(
                        "grade_migration",
                        "Grade migration",
                        GradeMigrationDisplay.from_matrix(matrix),
                    ),
                ),
            )
        )
    else:
        why = (
            "no grade-history file was given."
            if rubric is not None
            else ("the rubric grades could not be computed.")
        )
        sections.append(Section("grade_migration", "Grade migration", skipped=why))

    # ---- contacts: buying-centre coverage (used by the next actions)
    no_dm = np.zeros(n, dtype=bool)
    if inputs.contacts is not None:
        ct = inputs.contacts
        pos = _codes(ids, np.asarray(ct["customer_id"], dtype=str), "contacts")
        dm = np.zeros(n, dtype=bool)
        dm[pos[np.asarray(ct["role"], dtype=str) == "decision_maker"]] = True
        no_dm = ~dm
        per["has_decision_maker_contact"] = dm

    # ---- top and bottom accounts with what to do next
    step("next actions")
    action = _next_actions(per, stage, live, no_dm, n)
    per["next_action"] = action
    valued = clp_section[0] != (_NO_CLP,)
    rank, rank_col, rank_name = (
        (clp_values, "clp", "CLP") if valued else (sales, "sales_last_year", "sales last year")
    )
    alive_idx = np.flatnonzero(live)
    by_rank = alive_idx[np.argsort(-rank[alive_idx], kind="stable")]
    top, bottom = by_rank[:_TOP], by_rank[::-1][:_TOP]

    def pick(idx: NDArray[np.intp]) -> dict[str, NDArray[Any]]:
        cols = {"customer_id": ids[idx], "name": name[idx]}
        for key, label in (("grade", "grade"), ("stage", "stage"), ("churn_risk_level", "risk")):
            if key in per:
                cols[label] = per[key][idx]
        cols[rank_col] = rank[idx]
        cols["next_action"] = action[idx]
        return cols

    def heading(end: str, k: int) -> str:
        return f"{end} account by {rank_name}" if k == 1 else f"{end} {k} accounts by {rank_name}"

    sections.append(
        Section(
            "actions",
            "Top and bottom accounts: what to do next",
            (
                (
                    "Ranked by customer lifetime profit among active accounts."
                    if valued
                    else "Ranked by sales last year among active accounts (no CLP)."
                ),
            ),
            {},
            (
                Table("top_accounts", heading("Top", top.shape[0]), pick(top)),
                Table("bottom_accounts", heading("Bottom", bottom.shape[0]), pick(bottom)),
            ),
        )
    )
    step("done")
    return Report(
        title="kamcore key-account report",
        source=inputs.source,
        as_of=as_of.isoformat(),
        currency=cur,
        n_accounts=n,
        sections=tuple(sections),
        accounts=Table("accounts", "Every account", per),
    )


def _next_actions(
    per: Mapping[str, NDArray[Any]],
    stage: NDArray[np.str_] | None,
    live: NDArray[np.bool_],
    no_dm: NDArray[np.bool_],
    n: int,
) -> NDArray[np.str_]:
    """Return one next step per account (the rules: ``_wording.NEXT_ACTION_RULES``)."""
    blank = np.full(n, "")
    return next_actions(
        stage if stage is not None else np.where(live, "", "ended"),
        np.asarray(per["grade"], dtype=str) if "grade" in per else blank,
        np.asarray(per["churn_risk_level"], dtype=str) if "churn_risk_level" in per else blank,
        np.asarray(per["churn_signals"], dtype=str) if "churn_signals" in per else blank,
        no_dm,
    )


def _repeat_buying_and_clp(  # noqa: PLR0917
    portfolio: Portfolio,
    ids: NDArray[np.str_],
    log: Columns | None,
    as_of: dt.date,
    stage: NDArray[np.str_] | None,
    profit: NDArray[np.float64] | None,
    sales: NDArray[np.float64],
    cur: str | None,
    per: dict[str, NDArray[Any]],
    step: Progress,
) -> tuple[NDArray[np.float64], tuple[tuple[str, ...], dict[str, Any]], Section]:
    """Fit the repeat-buying models (with a holdout check) and value each account."""
    n = ids.shape[0]
    title = "Repeat buying: BG/NBD fit and holdout check"
    margin = None
    if profit is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(sales > 0, profit / np.where(sales > 0, sales, 1.0), np.nan)
        overall = float(profit.sum() / sales.sum()) if sales.sum() > 0 else 0.0
        margin = np.clip(np.where(np.isfinite(rate), rate, overall), -1.0, 1.0)
    if log is None:
        clp, lines = _stage_clp(stage, profit, n)
        method = None if lines == (_NO_CLP,) else "stage_profile"
        why = "no transaction log was given (--transactions)."
        return clp, (lines, {"method": method}), Section("repeat_buying", title, skipped=why)
    from kamcore.clp import BetaGeo, GammaGamma, customer_lifetime_profit
    from kamcore.plotting import CalibrationHoldoutDisplay
    from kamcore.transactions import calibration_holdout, summarize_transactions

    step("fitting the repeat-buying model")
    blocks = _CustomerBlocks(
        _codes(ids, np.asarray(log["customer_id"], dtype=str), "transactions"), log
    )
    first, last = log["date"].min(), np.datetime64(as_of, "D")
    span = int((last - first).astype(int))
    holdout_days = 364 if span >= 2 * 364 else max(7 * (span // 14), 7)
    cal_end = last - holdout_days

    def split_block(c: NDArray[Any], d: NDArray[Any], a: NDArray[Any]) -> Any:
        return calibration_holdout(
            c, d, a, calibration_end=str(cal_end), observation_end=str(last), time_unit="W"
        )

    split = blocks.holdout(split_block)
    cal = split.calibration
    n_first_at_end = int((cal.T == 0).sum())
    if n_first_at_end:
        # a first order on the calibration end day leaves no calibration time (T = 0):
        # those customers cannot be fitted and are left out of the holdout check
        split = blocks.without(cal.ids[cal.T == 0]).holdout(split_block)
        cal = split.calibration
    try:
        bg_cal = BetaGeo.fit(frequency=cal.frequency, recency=cal.recency, T=cal.T)
    except ConvergenceError as exc:
        return _no_fit(exc, stage, profit, n, title)
    check = CalibrationHoldoutDisplay.from_model(bg_cal, split)
    actual_total = float((check.actual * check.n_customers).sum())
    predicted_total = float((check.predicted * check.n_customers).sum())
    step("valuing the accounts")
    summary = blocks.summary(
        lambda c, d, a: summarize_transactions(c, d, a, observation_end=str(last), time_unit="W")
    )
    aged = summary.T > 0  # a first order on the as-of day: no time observed, not valued
    freq, rec, age = summary.frequency[aged], summary.recency[aged], summary.T[aged]
    try:
        bg = BetaGeo.fit(frequency=freq, recency=rec, T=age)
    except ConvergenceError as exc:
        return _no_fit(exc, stage, profit, n, title)
    repeat = summary.frequency > 0
    gg = GammaGamma.fit(
        frequency=summary.frequency[repeat], average_spend=summary.monetary_value[repeat]
    )
    params = {k: float(v) for k, v in bg.params.items()}
    rb = Section(
        "repeat_buying",
        title,
        (
            (
                f"{plural(len(log['date']), 'order')} of {plural(summary.ids.shape[0], 'account')} "
                f"from {first} to {last}; time unit: weeks."
            ),
            (
                f"Holdout check (calibration to {cal_end}, holdout {holdout_days} days): "
                f"the model predicted {predicted_total:,.0f} repeat purchases, "
                f"{actual_total:,.0f} happened "
                f"({(predicted_total - actual_total) / max(actual_total, 1.0):+.1%})."
            ),
            *(
                (
                    (
                        plural(n_first_at_end, "account", "accounts")
                        + " whose first order is on the calibration end day "
                        + ("is" if n_first_at_end == 1 else "are")
                        + " left out of the check (no calibration time)."
                    ),
                )
                if n_first_at_end
                else ()
            ),
        ),
        {
            "model": "BG/NBD",
            "params": params,
            "calibration_end": str(cal_end),
            "holdout_days": holdout_days,
            "holdout_actual": actual_total,
            "holdout_predicted": predicted_total,
        },
        (
            Table(
                "holdout_check",
                "Mean holdout purchases by calibration frequency",
                {
                    "calibration_frequency": np.array(check.labels),
                    "customers": check.n_customers,
                    "actual": check.actual,
                    "predicted": check.predicted,
                },
            ),
            Table(
                "bgnbd_parameters",
                "BG/NBD parameters (fit on the whole log)",
                {"parameter": np.array(list(params)), "value": np.array(list(params.values()))},
            ),
        ),
        (Chart("calibration_holdout", "Holdout check: actual vs predicted", check),),
    )
    spos = _codes(ids, summary.ids[aged], "transactions")
    p_alive = np.full(n, np.nan)
    p_alive[spos] = bg.probability_alive(frequency=freq, recency=rec, T=age)
    per["p_alive"] = p_alive
    if margin is None:
        clp, stage_lines = _stage_clp(stage, profit, n, "no margins")
        note = "(no profit_last_year column: no margins to value the orders with)"
        return clp, ((*stage_lines, note), {"method": None}), rb
    monthly = (1.0 + DISCOUNT_RATE) ** (1.0 / 12.0) - 1.0
    avg_spend = np.where(repeat, summary.monetary_value, 0.0)[aged]
    common: dict[str, Any] = {
        "frequency": freq,
        "recency": rec,
        "T": age,
        "margin_rate": margin[spos],
        "discount_rate": monthly,
        "n_periods": HORIZON_MONTHS,
        "period_length": _WEEKS_PER_MONTH,
    }
    spend_note = "Gamma-Gamma spend"
    try:
        profit_res = customer_lifetime_profit(bg, spend_model=gg, average_spend=avg_spend, **common)
    except InvalidParameterError:
        # Gamma-Gamma with q <= 1 has no finite expected spend for some histories: value
        # those accounts (all, for one rule) at their own mean order value instead
        spend_note = "each account's mean order value (the Gamma-Gamma fit has q <= 1)"
        own = (summary.total_revenue / summary.n_transactions)[aged]
        profit_res = customer_lifetime_profit(bg, spend=own, **common)
    clp = np.zeros(n)
    clp[spos] = profit_res.clp
    clp_lines: list[str] = [
        (
            f"CLP over {HORIZON_MONTHS} months: BG/NBD purchases x {spend_note} x each "
            f"account's margin, discounted at {DISCOUNT_RATE:.0%} a year."
        ),
    ]
    no_orders = n - summary.ids.shape[0]
    if no_orders:
        clp_lines.append(
            plural(no_orders, "account has", "accounts have")
            + " no order in the log: "
            + ("its CLP is 0." if no_orders == 1 else "their CLP is 0.")
        )
    brand_new = int((~aged).sum())
    if brand_new:
        clp_lines.append(
            plural(brand_new, "account")
            + " whose first order is on the as-of date "
            + ("is" if brand_new == 1 else "are")
            + " not valued yet "
            "(CLP 0, no P(alive))."
        )
    return clp, (tuple(clp_lines), {"method": "bgnbd_gamma_gamma"}), rb


def _stage_clp(
    stage: NDArray[np.str_] | None,
    profit: NDArray[np.float64] | None,
    n: int,
    why: str = "no transaction log",
) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """Return the stage-shaped CLP (no transaction log) and its sentence."""
    from kamcore.clp import stage_lifetime_profit

    if stage is None or profit is None:
        return np.zeros(n), (_NO_CLP,)
    clp = stage_lifetime_profit(stage, DISCOUNT_RATE, scale=profit)
    return clp, (
        (
            "CLP from the lifecycle stage: the default stage profile scaled by each account's "
            f"profit, discounted at {DISCOUNT_RATE:.0%} a year ({why})."
        ),
    )


def _no_fit(
    exc: ConvergenceError,
    stage: NDArray[np.str_] | None,
    profit: NDArray[np.float64] | None,
    n: int,
    title: str,
) -> tuple[NDArray[np.float64], tuple[tuple[str, ...], dict[str, Any]], Section]:
    """Return the stage-shaped CLP and a skipped section when the BG/NBD fit fails."""
    clp, lines = _stage_clp(stage, profit, n, "no repeat-buying model")
    reason = str(exc).split(";")[0]
    why = f"the BG/NBD model could not be fitted to this log ({reason})."
    method = "stage_profile" if stage is not None else None
    return clp, (lines, {"method": method}), Section("repeat_buying", title, skipped=why)


#: rows of the transaction log summarised at a time (whole customers per block)
BLOCK_ROWS = 2_000_000


class _CustomerBlocks:
    """A transaction log cut into blocks of whole customers, summarised block by block.

    Per-customer summaries do not depend on other customers, so summarising
    blocks of whole customers and concatenating gives the summary of the whole
    log while the summary's own working memory stays that of one block.
    """

    def __init__(self, codes: NDArray[np.intp], log: Columns, rows: int | None = None) -> None:
        rows = BLOCK_ROWS if rows is None else rows
        self.log = log
        self.order = np.argsort(codes, kind="stable")
        self.codes = codes
        sorted_codes = codes[self.order]
        m = sorted_codes.shape[0]
        bounds = [0]
        while bounds[-1] < m:
            cut = min(bounds[-1] + rows, m)
            if cut < m:  # never split a customer: move the cut to its first row
                cut = int(np.searchsorted(sorted_codes, sorted_codes[cut], side="left"))
                if cut <= bounds[-1]:
                    cut = int(np.searchsorted(sorted_codes, sorted_codes[bounds[-1]], "right"))
            bounds.append(cut)
        self.bounds = bounds

    def without(self, customer_ids: NDArray[np.str_]) -> _CustomerBlocks:
        """Return the blocks of the log without these customers' rows."""
        keep = ~np.isin(self.log["customer_id"], customer_ids)
        log = {k: np.asarray(v)[keep] for k, v in self.log.items()}
        return _CustomerBlocks(self.codes[keep], log)

    def _each(self, fn: Callable[..., Any]) -> list[Any]:
        c, d, a = self.log["customer_id"], self.log["date"], self.log["amount"]
        out = []
        for lo, hi in itertools.pairwise(self.bounds):
            rows = self.order[lo:hi]
            out.append(fn(c[rows], d[rows], a[rows]))
        return out

    def summary(self, fn: Callable[..., Any]) -> Any:
        """Return ``fn(ids, dates, amounts)`` (a TransactionSummary) over the whole log."""
        return _concat_summaries(self._each(fn))

    def holdout(self, fn: Callable[..., Any]) -> Any:
        """Return ``fn(ids, dates, amounts)`` (a CalibrationHoldout) over the whole log."""
        parts = self._each(fn)
        if len(parts) == 1:
            return parts[0]
        return attrs.evolve(
            parts[0],
            calibration=_concat_summaries([p.calibration for p in parts]),
            holdout_frequency=_joined([p.holdout_frequency for p in parts]),
            holdout_monetary_value=_joined([p.holdout_monetary_value for p in parts]),
            **{
                k: sum(getattr(p, k) for p in parts)
                for k in (
                    "n_excluded_after_observation_end",
                    "n_excluded_new_customers",
                    "n_excluded_new_customer_transactions",
                )
            },
        )


def _joined(arrays: list[NDArray[Any]]) -> NDArray[Any]:
    out = np.concatenate(arrays)
    out.flags.writeable = False
    return out


def _concat_summaries(parts: list[Any]) -> Any:
    if len(parts) == 1:
        return parts[0]
    fields = {}
    for f in attrs.fields(type(parts[0])):
        first = getattr(parts[0], f.name)
        if isinstance(first, np.ndarray):
            fields[f.name] = _joined([getattr(p, f.name) for p in parts])
    return attrs.evolve(parts[0], **fields)
