"""Reading the input tables of a report: CSV, Parquet or JSON Lines, with column mapping.

One function, :func:`read_table`, reads one file of a known *kind*
(``accounts``, ``transactions``, ``surveys``, ``contacts``, ``switching``,
``complaints``, ``grades``) into plain numpy columns under the library's own
column names (:data:`TABLE_SCHEMAS`), checking it on the way:

- the format comes from the suffix: ``.csv`` / ``.txt``, ``.parquet`` / ``.pq``,
  ``.jsonl`` / ``.ndjson``;
- the encoding: UTF-8 by default (a UTF-8 byte-order mark is dropped, a UTF-16
  one is honoured), another with ``encoding=``; bytes that do not decode and
  NUL bytes are refused naming the byte offset;
- the columns: each canonical name is looked up in the file, after the
  mapping (``{"id": "AccountId"}``: the library's name to the file's); a
  missing required column is an :class:`~kamcore.errors.UnknownNameError`
  that lists the file's columns and suggests the closest one; other columns
  of the file are ignored;
- the values: numbers and ISO dates are parsed, and the first bad value is
  named by file, row (the line of a CSV file, header = line 1), column and
  value; empty files, files without rows and duplicate account ids are
  refused.

Large files are read in chunks of ``chunk_rows`` rows (``progress`` is called
with the rows read so far), so memory holds the parsed columns, not the text.
pandas and pyarrow are imported lazily through :func:`kamcore._optional.require`.
"""

from __future__ import annotations

import difflib
import pathlib
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._optional import require
from kamcore._params import unknown_column
from kamcore.errors import InvalidParameterError, SchemaError
from kamcore.transactions._log import iso_calendar_text

__all__ = [
    "FORMATS",
    "TABLE_KINDS",
    "TABLE_SCHEMAS",
    "ColumnSpec",
    "parse_mapping",
    "read_mapping_file",
    "read_table",
]

Columns = dict[str, NDArray[Any]]

#: file suffix -> format
FORMATS: Final[Mapping[str, str]] = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@attrs.frozen
class ColumnSpec:
    """One column of an input table: its canonical name, type and whether it is required.

    ``type`` is ``"id"`` or ``"text"`` (strings), ``"number"`` (float64),
    ``"level"`` (a rubric level code 1..4, int8) or ``"date"`` (datetime64[D]).
    ``nullable`` columns may hold empty cells (NaN / NaT / "").
    :data:`TABLE_SCHEMAS` lists the specs of each kind of table.

    Parameters
    ----------
    name : str
        The library's name of the column (what a mapping maps from).
    type : {"id", "text", "number", "level", "date"}
        How its cells are parsed.
    required : bool
        The table is refused without this column.
    nullable : bool
        Empty cells are allowed (else the first one is refused, naming its row).

    Examples
    --------
    >>> from kamcore.io.tables import TABLE_SCHEMAS
    >>> [s.name for s in TABLE_SCHEMAS["transactions"] if s.required]
    ['customer_id', 'date', 'amount']
    >>> TABLE_SCHEMAS["accounts"][0]
    ColumnSpec(name='id', type='id', required=True, nullable=False)
    """

    name: str
    type: str
    required: bool = False
    nullable: bool = False


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
_ITEMS: Final = tuple(f"q{i}" for i in range(1, 23))

#: kind -> the columns of that table, in the library's own names
TABLE_SCHEMAS: Final[Mapping[str, tuple[ColumnSpec, ...]]] = {
    "accounts": (
        ColumnSpec("id", "id", required=True),
        ColumnSpec("name", "text"),
        ColumnSpec("industry", "text"),
        ColumnSpec("region", "text"),
        ColumnSpec("currency", "text"),
        ColumnSpec("sales_last_year", "number", required=True),
        ColumnSpec("profit_last_year", "number"),
        ColumnSpec("expected_sales", "number"),
        *(ColumnSpec(f, "level") for f in _FACTS),
        ColumnSpec("relationship_type", "text"),
        ColumnSpec("stage", "text"),
        ColumnSpec("relationship_start", "date"),
        ColumnSpec("account_manager", "text"),
        ColumnSpec("churned_on", "date", nullable=True),
        ColumnSpec("churn_type", "text", nullable=True),
        ColumnSpec("order_volume_change", "number"),
        ColumnSpec("order_cycle_change", "number"),
        ColumnSpec("sow_change", "number"),
        ColumnSpec("days_late", "number"),
        ColumnSpec("complaints", "number"),
    ),
    "transactions": (
        ColumnSpec("customer_id", "id", required=True),
        ColumnSpec("date", "date", required=True),
        ColumnSpec("amount", "number", required=True),
    ),
    "surveys": (
        ColumnSpec("customer_id", "id", required=True),
        ColumnSpec("respondent_id", "id"),
        *(ColumnSpec(f"p_{q}", "number", required=True) for q in _ITEMS),
        *(ColumnSpec(f"e_{q}", "number", required=True) for q in _ITEMS),
    ),
    "contacts": (
        ColumnSpec("customer_id", "id", required=True),
        ColumnSpec("role", "text", required=True),
        ColumnSpec("contact_id", "id"),
        ColumnSpec("name", "text"),
    ),
    "switching": (
        ColumnSpec("customer_id", "id", required=True),
        ColumnSpec("facet", "text", required=True),
        ColumnSpec("strength", "number", required=True),
        ColumnSpec("money", "number", nullable=True),
    ),
    "complaints": (
        ColumnSpec("customer_id", "id", required=True),
        ColumnSpec("received", "date", required=True),
        ColumnSpec("resolved", "date", nullable=True),
    ),
    "grades": (
        ColumnSpec("as_of", "date", required=True),
        ColumnSpec("customer_id", "id", required=True),
        ColumnSpec("grade", "text", required=True),
    ),
}

#: the kinds of input table, in the order the report reads them
TABLE_KINDS: Final = tuple(TABLE_SCHEMAS)

_SNIFF_BYTES: Final = 1 << 20


# --------------------------------------------------------------------------- mapping
def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """Parse ``name=Column`` pairs (comma-separated or repeated) into a mapping.

    The key is the library's column name, optionally prefixed by the table
    kind (``transactions.customer_id=AccountId``); the value is the file's.
    This is how the ``--map`` option of ``kamcore report`` is read.

    Parameters
    ----------
    items : iterable of str, or str
        ``name=Column`` pairs, several to a string when separated by commas;
        spaces around names are dropped, empty pairs skipped.

    Returns
    -------
    dict of str to str
        The library's column name (possibly ``kind.name``) to the file's, in
        the order given.

    Raises
    ------
    InvalidParameterError
        ``items`` is not text, a pair without ``=``, an empty side, or a key
        given twice.
    UnknownNameError
        A key that is not a column of any input table, or a prefix that is not
        a table kind (the closest names are suggested).

    Examples
    --------
    >>> from kamcore.io.tables import parse_mapping
    >>> parse_mapping(["id=AccountId,date=OrderDate", "amount=Net Amount"])
    {'id': 'AccountId', 'date': 'OrderDate', 'amount': 'Net Amount'}
    """
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, Iterable):
        raise InvalidParameterError(
            f"'items' must be name=Column strings; got {type(items).__name__}."
        )
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str):
            raise InvalidParameterError(
                f"'--map' must be name=Column pairs (text); got {type(item).__name__}."
            )
        for pair in item.split(","):
            if not pair.strip():
                continue
            key, sep, value = pair.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not key or not value:
                raise InvalidParameterError(
                    f"'--map' must be name=Column pairs (e.g. id=AccountId); got {pair!r}."
                )
            if key in out:
                raise InvalidParameterError(f"'--map' gives {key!r} twice.")
            out[key] = value
    _check_mapping_keys(out)
    return out


def read_mapping_file(path: str | pathlib.Path) -> dict[str, str]:
    r"""Read a column mapping from a TOML file.

    Top-level keys map the library's names to the file's (``id =
    "AccountId"``); a table per kind (``[transactions]``) applies to that
    kind only. This is how the ``--map-file`` option of ``kamcore report`` is
    read.

    Parameters
    ----------
    path : str or pathlib.Path
        A UTF-8 TOML file (a byte-order mark is allowed).

    Returns
    -------
    dict of str to str
        The library's column name to the file's; a key of a kind's table is
        qualified as ``kind.name``. Pass it as ``mapping=`` to
        :func:`read_table`.

    Raises
    ------
    SchemaError
        Not valid TOML or not UTF-8 text, or a value that is not a non-empty
        string.
    UnknownNameError
        A key that is not a column of any input table, or a table that is not
        a kind (the closest names are suggested).
    OSError
        The file cannot be read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kamcore.io.tables import read_mapping_file
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "mapping.toml"
    >>> _ = f.write_text(
    ...     'id = "AccountId"\n[transactions]\ncustomer_id = "AccountId"\n', encoding="utf-8")
    >>> read_mapping_file(f)
    {'id': 'AccountId', 'transactions.customer_id': 'AccountId'}
    """
    p = pathlib.Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"{p}: not a valid TOML mapping file ({exc}).") from None
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{p}: not a UTF-8 text file ({exc.reason}).") from None
    out: dict[str, str] = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            for sub, col in value.items():
                out[f"{key}.{sub}"] = _mapped_name(col, f"{key}.{sub}", p)
        else:
            out[key] = _mapped_name(value, key, p)
    _check_mapping_keys(out)
    return out


def _mapped_name(value: Any, key: str, path: pathlib.Path) -> str:
    if not isinstance(value, str) or not value:
        raise SchemaError(f"{path}: {key!r} must map to a column name (a string); got {value!r}.")
    return value


def _check_mapping_keys(mapping: Mapping[str, str]) -> None:
    known = {spec.name for specs in TABLE_SCHEMAS.values() for spec in specs}
    for key in mapping:
        kind, dot, name = key.rpartition(".")
        if dot and kind not in TABLE_SCHEMAS:
            raise unknown_column(
                kind, TABLE_SCHEMAS, lead=f"the mapping names an unknown table {kind!r}"
            )
        if name not in known:
            raise unknown_column(
                name,
                sorted(known),
                lead=f"the mapping names {name!r}, which is not a column of any input table",
            )


def _resolve(kind: str, mapping: Mapping[str, str]) -> dict[str, str]:
    """Return canonical name -> file column for ``kind`` (kind-qualified keys win)."""
    names = {spec.name for spec in TABLE_SCHEMAS[kind]}
    out = {k: v for k, v in mapping.items() if "." not in k and k in names}
    for key, value in mapping.items():
        pre, dot, name = key.rpartition(".")
        if dot and pre == kind:
            out[name] = value
    return out


# --------------------------------------------------------------------------- bytes
def _format(path: pathlib.Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidParameterError(
            f"{path}: unknown file type {suffix or '(no suffix)'!r}; use one of "
            f"{', '.join(sorted(FORMATS))} (CSV, Parquet or JSON Lines)."
        )
    return FORMATS[suffix]


def _check_bytes(path: pathlib.Path, fmt: str, encoding: str) -> str:
    """Return the encoding to read a text file with, refusing empty, NUL or undecodable bytes."""
    size = path.stat().st_size  # OSError (missing file) is reported by the caller
    if size == 0:
        raise SchemaError(f"{path}: the file is empty.")
    if fmt == "parquet":
        return encoding
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf") and encoding.replace("-", "").lower() == "utf8":
        encoding = "utf-8-sig"
    nul = head.find(b"\x00")
    if nul >= 0:
        raise SchemaError(
            f"{path}: contains a NUL byte at byte offset {nul}; this is not a text file "
            "(a binary or UTF-16 file without byte-order mark?). Save it as UTF-8 CSV."
        )
    try:
        head.decode(encoding if encoding != "utf-8-sig" else "utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.end < len(head) - 4 or len(head) == size:  # not a character cut at the sniff edge
            raise _encoding_error(path, encoding, exc) from None
    except LookupError:
        raise InvalidParameterError(f"'--encoding' {encoding!r} is not a known encoding.") from None
    return encoding


def _encoding_error(path: pathlib.Path, encoding: str, exc: UnicodeDecodeError) -> SchemaError:
    bad = exc.object[exc.start : exc.start + 1].hex()
    return SchemaError(
        f"{path}: not valid {encoding} text (byte 0x{bad} at byte offset {exc.start}); "
        "save it as UTF-8 or give its encoding, e.g. --encoding cp1252."
    )


# --------------------------------------------------------------------------- chunks
def _header_and_chunks(
    path: pathlib.Path, fmt: str, encoding: str, chunk_rows: int
) -> tuple[list[str], Callable[[list[str]], Iterator[Any]]]:
    """Return the file's column names and a function yielding pandas chunks of chosen columns."""
    pd = require("pandas")
    if fmt == "csv":
        try:
            header = [
                str(c)
                for c in pd.read_csv(
                    path, nrows=0, encoding=encoding, dtype=str, keep_default_na=False
                ).columns
            ]
        except pd.errors.EmptyDataError:
            raise SchemaError(f"{path}: the file has no header line and no rows.") from None

        def csv_chunks(usecols: list[str]) -> Iterator[Any]:
            yield from pd.read_csv(
                path,
                usecols=usecols,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding=encoding,
                chunksize=chunk_rows,
            )

        return header, csv_chunks
    if fmt == "parquet":
        pq = require("pyarrow.parquet")
        try:
            pf = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid for non-parquet bytes
            raise SchemaError(f"{path}: not a readable Parquet file ({exc}).") from None
        header = [str(c) for c in pf.schema_arrow.names]

        def parquet_chunks(usecols: list[str]) -> Iterator[Any]:
            for batch in pf.iter_batches(batch_size=chunk_rows, columns=usecols):
                yield batch.to_pandas()

        return header, parquet_chunks
    # JSON Lines: the keys of the first record are the header
    with path.open("r", encoding=encoding) as fh:
        first = fh.readline()
    try:
        header = [str(k) for k in pd.read_json(_StringLines(first), lines=True).columns]
    except ValueError as exc:
        raise SchemaError(f"{path}, line 1: not a JSON object ({exc}).") from None

    def jsonl_chunks(usecols: list[str]) -> Iterator[Any]:
        with pd.read_json(
            path, lines=True, chunksize=chunk_rows, encoding=encoding, dtype=False
        ) as reader:
            yield from _jsonl_columns(reader, usecols, path)

    return header, jsonl_chunks


def _jsonl_columns(reader: Any, usecols: list[str], path: pathlib.Path) -> Iterator[Any]:
    """Yield the chosen columns of each JSON Lines chunk (a record may lack a key)."""
    for chunk in reader:
        missing = [c for c in usecols if c not in chunk.columns]
        if missing:
            raise unknown_column(
                missing[0],
                [str(c) for c in chunk.columns],
                lead=f"{path}: a record lacks {missing[0]!r}",
            )
        yield chunk[usecols]


class _StringLines:
    """A tiny file-like over one line of text (pandas.read_json wants a buffer)."""

    def __init__(self, text: str) -> None:
        self._text = text

    def read(self, *_: Any) -> str:
        return self._text


# --------------------------------------------------------------------------- values
def _where(path: pathlib.Path, fmt: str, row: int) -> str:
    if fmt == "csv":
        return f"{path}, line {row + 2}"  # line 1 is the header
    if fmt == "jsonl":
        return f"{path}, line {row + 1}"
    return f"{path}, row {row + 1}"


def _convert(  # noqa: PLR0917
    values: Any, spec: ColumnSpec, source: str, path: pathlib.Path, fmt: str, offset: int
) -> NDArray[Any]:
    pd = require("pandas")
    series = pd.Series(values)
    label = spec.name if spec.name == source else f"{source} (mapped to {spec.name})"
    if spec.type in ("id", "text"):
        text = series.astype(str).to_numpy(dtype=str) if len(series) else np.array([], dtype=str)
        if series.isna().any():
            text = np.where(series.isna().to_numpy(), "", text)
        if not spec.nullable:
            blank = np.char.str_len(np.char.strip(text)) == 0
            if blank.any():
                i = int(np.argmax(blank))
                raise InvalidParameterError(
                    f"{_where(path, fmt, offset + i)}: column {label!r} is empty; "
                    f"every row needs a value."
                )
        return text
    if spec.type in ("number", "level"):
        raw = series
        if raw.dtype.kind in "biuf":
            num = raw.to_numpy(dtype=np.float64)
            bad = ~np.isfinite(num) if not spec.nullable else np.isinf(num)
        else:
            text = raw.astype(str).str.strip()
            num = pd.to_numeric(text.where(text != "", "nan"), errors="coerce").to_numpy(
                dtype=np.float64
            )
            empty = (text == "").to_numpy()
            bad = (np.isnan(num) & ~(empty & spec.nullable)) | np.isinf(num)
            bad |= np.isnan(num) & ~empty & ~text.str.lower().isin(["nan"]).to_numpy()
        if spec.type == "level":
            bad |= ~np.isin(num, (1.0, 2.0, 3.0, 4.0))
        if bad.any():
            i = int(np.argmax(bad))
            rule = "a level code 1..4" if spec.type == "level" else "a number"
            raise InvalidParameterError(
                f"{_where(path, fmt, offset + i)}: column {label!r} must be {rule}; "
                f"got {series.iloc[i]!r}."
            )
        out: NDArray[Any] = num.astype(np.int8) if spec.type == "level" else num
        return out
    # dates
    if series.dtype.kind == "M":
        days = series.to_numpy().astype("datetime64[D]")
        bad = np.isnat(days) & (not spec.nullable)
    else:
        text = series.astype(str).str.strip()
        empty = (text == "") | text.isin(["NaT", "None", "nan"])
        parsed = pd.to_datetime(text.where(~empty, None), format="ISO8601", errors="coerce")
        days = parsed.to_numpy().astype("datetime64[D]")
        # the one date rule of kamcore: ISO 8601 calendar dates (pandas would also
        # read the compact 20240131 and a bare year)
        iso = iso_calendar_text(text.to_numpy(dtype=object).astype(str))
        bad = ((np.isnat(days) | ~iso) & ~empty.to_numpy()) | (
            empty.to_numpy() & (not spec.nullable)
        )
    if np.any(bad):
        i = int(np.argmax(bad))
        raise InvalidParameterError(
            f"{_where(path, fmt, offset + i)}: column {label!r} must be a date like 2024-03-31; "
            f"got {series.iloc[i]!r}."
        )
    result: NDArray[Any] = days
    return result


# --------------------------------------------------------------------------- read_table
def read_table(
    path: str | pathlib.Path,
    kind: str,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    chunk_rows: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
) -> Columns:
    r"""Read one input table into numpy columns under the library's column names.

    Parameters
    ----------
    path
        A ``.csv``, ``.parquet`` or ``.jsonl`` file.
    kind
        One of :data:`TABLE_KINDS`; its columns are :data:`TABLE_SCHEMAS` ``[kind]``.
    mapping
        The library's column name -> the file's (``{"id": "AccountId"}``);
        keys may be qualified by kind (``"transactions.customer_id"``).
    encoding
        Text encoding of CSV and JSON Lines files (default UTF-8).
    chunk_rows
        Rows parsed at a time.
    progress
        Called with the number of rows read after each chunk.

    Returns
    -------
    dict of str to ndarray
        Every required column and the optional ones present in the file, in
        the order of the schema: ids and text as ``str``, numbers ``float64``,
        level codes ``int8``, dates ``datetime64[D]``.

    Raises
    ------
    UnknownNameError
        A required column is missing (closest name suggested) or ``kind`` is unknown.
    SchemaError
        Empty file, no rows, undecodable bytes, NUL bytes, unreadable format.
    InvalidParameterError
        An unknown suffix; a value that does not parse (file, row, column and
        value named); duplicate account ids.
    OSError
        The file cannot be opened.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = f.write_text("AccountId,OrderDate,amount\nA1,2024-01-05,10.5\n", encoding="utf-8")
    >>> t = read_table(f, "transactions", mapping={"customer_id": "AccountId",
    ...                                            "date": "OrderDate"})
    >>> t["customer_id"].tolist(), str(t["date"][0]), t["amount"].tolist()
    (['A1'], '2024-01-05', [10.5])
    """
    if kind not in TABLE_SCHEMAS:
        raise unknown_column(kind, TABLE_SCHEMAS, lead=f"unknown table kind {kind!r}")
    p = pathlib.Path(path)
    fmt = _format(p)
    enc = _check_bytes(p, fmt, encoding)
    names = _resolve(kind, mapping or {})
    pd = require("pandas")
    try:
        header, chunks = _header_and_chunks(p, fmt, enc, chunk_rows)
        chosen: list[tuple[ColumnSpec, str]] = []
        for spec in TABLE_SCHEMAS[kind]:
            source = names.get(spec.name, spec.name)
            if source in header:
                chosen.append((spec, source))
            elif spec.required or spec.name in names:
                mapped = f" (mapped to {source!r})" if spec.name in names else ""
                close = difflib.get_close_matches(source, header, n=1)
                remedy = (
                    f"Rename the column or map it: --map {spec.name}={close[0]}"
                    if close
                    else f"Map it with --map {spec.name}=<column>."
                )
                raise unknown_column(
                    source,
                    header,
                    lead=f"{p}: the {kind} file has no column {spec.name!r}{mapped}",
                    remedy=remedy,
                )
        usecols = list(dict.fromkeys(src for _, src in chosen))
        parts: dict[str, list[NDArray[Any]]] = {spec.name: [] for spec, _ in chosen}
        offset = 0
        for chunk in chunks(usecols):
            n = len(chunk)
            for spec, source in chosen:
                parts[spec.name].append(
                    _convert(chunk[source].to_numpy(), spec, source, p, fmt, offset)
                )
            offset += n
            if progress is not None:
                progress(offset)
    except UnicodeDecodeError as exc:
        raise _encoding_error(p, enc, exc) from None
    except (pd.errors.ParserError, ValueError) as exc:
        if isinstance(exc, InvalidParameterError | SchemaError):
            raise
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SchemaError(f"{p}: not a readable {fmt.upper()} file ({text}).") from None
    if offset == 0:
        raise SchemaError(f"{p}: the file has a header but no rows.")
    out = {name: np.concatenate(arrs) for name, arrs in parts.items()}
    if kind == "accounts":
        _check_unique(out["id"], p, fmt)
    return out


def _check_unique(ids: NDArray[np.str_], path: pathlib.Path, fmt: str) -> None:
    order = np.argsort(ids, kind="stable")
    s = ids[order]
    dup = np.flatnonzero(s[1:] == s[:-1])
    if dup.shape[0]:
        first, second = sorted((int(order[dup[0]]), int(order[dup[0] + 1])))
        raise InvalidParameterError(
            f"{_where(path, fmt, second)}: duplicate account id {str(s[dup[0]])!r} "
            f"(first at {_where(path, fmt, first).rsplit(', ', 1)[1]}); "
            f"{dup.shape[0]} repeated id(s) in all. Each account must appear once."
        )
