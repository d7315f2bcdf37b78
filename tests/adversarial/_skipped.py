"""Public callables the adversarial suite does not call yet, each with its reason.

Entries marked "not yet covered" are the backlog: add an example value to
``_examples.py`` (``EXAMPLES``, ``OVERRIDES`` or ``INSTANCES``) and remove the entry.
The suite fails for a public callable that is neither covered nor listed here.
"""

from __future__ import annotations

_ENUM = (
    "an Enum class: calling it is Python's EnumType.__call__, whose signature is the functional "
    "API (names, module, qualname, type, start, boundary) that the catalogue would feed; kamcore "
    "takes enum values only through its converters (domain/_coerce.py), which refuse by name"
)
_DASK = "needs a Dask DataFrame: the harness builds in-memory example values only, and each call would start a task graph; tests/test_dask.py feeds it missing columns, wrong dtypes and non-Dask frames and checks the KamcoreError before any computation"
_PROTOCOL = "typing Protocol: not instantiable; its implementations are covered"

SKIPPED: dict[str, str] = {
    "kamcore.Portfolio": "not a public constructor: a Portfolio is built with Portfolio.from_columns or from_customers (covered)",
    "kamcore.allocation.InvertibleResponse": _PROTOCOL,
    "kamcore.allocation.ResponseCurve": _PROTOCOL,
    "kamcore.cli.main": "command-line entry point: every bad argument list ends in SystemExit(2) from argparse, the documented exit of a CLI and a BaseException the harness does not catch; tests/test_cli.py covers its messages and exit codes",
    "kamcore.dask.calibration_holdout": _DASK,
    "kamcore.dask.fit": _DASK,
    "kamcore.dask.freeze": _DASK,
    "kamcore.dask.history_table": _DASK,
    "kamcore.dask.lifetime_profit": _DASK,
    "kamcore.dask.predict": _DASK,
    "kamcore.dask.score": _DASK,
    "kamcore.dask.summarize_transactions": _DASK,
    "kamcore.dask.to_parquet": _DASK,
    "kamcore.clp.SpendModel": _PROTOCOL,
    "kamcore.clp.SurvivalModel": _PROTOCOL,
    "kamcore.clp.TransactionModel": _PROTOCOL,
    "kamcore.domain.AccountTeamRole": _ENUM,
    "kamcore.domain.AccountType": _ENUM,
    "kamcore.domain.BuyingRole": _ENUM,
    "kamcore.domain.ChurnType": _ENUM,
    "kamcore.domain.CompetitivePosition": _ENUM,
    "kamcore.domain.ComplaintChannel": _ENUM,
    "kamcore.domain.ComplaintSeverity": _ENUM,
    "kamcore.domain.CooperationLength": _ENUM,
    "kamcore.domain.CreditRecord": _ENUM,
    "kamcore.domain.DeclineCause": _ENUM,
    "kamcore.domain.DependenceLever": _ENUM,
    "kamcore.domain.FunnelStage": _ENUM,
    "kamcore.domain.IndustryStanding": _ENUM,
    "kamcore.domain.Influence": _ENUM,
    "kamcore.domain.KamStage": _ENUM,
    "kamcore.domain.Level": _ENUM,
    "kamcore.domain.Level.from_level": "Level is the member-less base of the four-level enums, so every call on it refuses (no baseline call exists); the lookup on its subclasses is tested in tests/test_customer.py",
    "kamcore.domain.LifecycleStage": _ENUM,
    "kamcore.domain.LossImpact": _ENUM,
    "kamcore.domain.LoyaltyLevel": _ENUM,
    "kamcore.domain.ProductImportance": _ENUM,
    "kamcore.domain.Prospects": _ENUM,
    "kamcore.domain.RelationshipDepth": _ENUM,
    "kamcore.domain.RelationshipType": _ENUM,
    "kamcore.domain.RetentionEffort": _ENUM,
    "kamcore.domain.Seniority": _ENUM,
    "kamcore.domain.Stance": _ENUM,
    "kamcore.domain.StrategicFit": _ENUM,
    "kamcore.domain.SupplyShare": _ENUM,
    "kamcore.domain.SwitchingCostFacet": _ENUM,
    "kamcore.domain.SwitchingCostKind": _ENUM,
    "kamcore.io.json.register": "changes the process-wide JSON type table (no private table to register on, unlike ScorerRegistry); tests/test_json.py registers and checks a throw-away type",
    "kamcore.loyalty.DickBasu": _ENUM,
    "kamcore.loyalty.JonesSasser": _ENUM,
    "kamcore.satisfaction.AlphaBand": _ENUM,
    "kamcore.satisfaction.IpaQuadrant": _ENUM,
    "kamcore.scoring.Scorer": _PROTOCOL,
    "kamcore.scoring.register_scorer": "changes the process-wide scorer registry; ScorerRegistry.register is covered on a private registry",
    "kamcore.scoring.unregister_scorer": "changes the process-wide scorer registry; ScorerRegistry.unregister is covered on a private registry",
    "kamcore.switching.BarrierAggregator": _PROTOCOL,
    "kamcore.data.DemoData": "built by kamcore.data.demo(seed) (covered); not a public constructor",
    "kamcore.io.tables.ColumnSpec": "a row of the built-in TABLE_SCHEMAS; not an input",
    "kamcore.io.tables.read_mapping_file": "reads a file: tests/test_report_cli.py covers bad mapping files",
    "kamcore.io.tables.read_table": "reads a file: tests/test_report_cli.py covers each bad file (encoding, NUL, columns, values, ids)",
    "kamcore.report.Chart": "a result container built by build_report (covered)",
    "kamcore.report.Report": "a result container built by build_report (covered)",
    "kamcore.report.ReportInput": "a container of the input tables; build_report and from_demo are covered",
    "kamcore.report.Section": "a result container built by build_report (covered)",
    "kamcore.report.Table": "a result container built by build_report (covered)",
    "kamcore.report.neutralise": "passes every non-text cell through unchanged by design (NaN included); tests/test_report.py covers the text cases",
    "kamcore.report.write_tables": "writes files into a directory: tests/test_report.py covers it",
}
