"""The employee file of KMD OPUS (``ZLPE<date + time>_delta.xml``) as roster rows, through the
same import as a CSV roster (services/roster.py: one transaction, the same checks, the same
upsert, the same guard against a truncated roster). docs/roster.md, "KMD OPUS", is the user's
side of every choice made here.

The shape of the file is documented by the public OS2mo project's OPUS integration
(github.com/OS2mo/os2mo-data-import-and-export, ``integrations/opus/``): its README.rst (file
names), its test files ``tests/ZLPE20200101_delta.xml`` and ``ZLPE20200102_delta.xml``,
``opus_helpers.py`` (parser, find_changes, find_missing, include_cancelled,
split_employees_leaves), ``opus_import.py`` and ``opus_diff_import.py`` (which fields it reads),
``calculate_primary.py`` (which of a person's engagements is the primary one)::

    <?xml version="1.0" encoding="utf-8"?>
    <kmd>
     <orgUnit id="2" client="813" lastChanged="2020-09-16">
      <parentOrgUnit>1</parentOrgUnit> <shortName>…</shortName> <longName>…</longName> …
     </orgUnit>
     <employee id="1000" client="813" lastChanged="2020-10-01">
      <entryDate/> <leaveDate/> <cpr suppId="0">DDMMYYSSSS</cpr>
      <firstName>…</firstName> <lastName>…</lastName> … <isManager>false</isManager> …
      <orgUnit>3</orgUnit> … <numerator>1 </numerator> <denominator>1 </denominator>
     </employee>
     <employee id="999" client="813" action="leave"/>
    </kmd>

Reading: a streaming parser (pyexpat, the C parser behind xml.sax) with line numbers. Each
employee is checked as it is read (services/roster._Rows, the CSV import's checks) and kept as
a compact row without the CPR number; once the whole file is read, each person is placed (the
unit's name, the unit's manager, the primary one of their engagements) and the rows go to the
writer. The CPR number is only held in memory, as the key that groups a person's engagements,
while the file is read.

Safety: no entity declarations (no "billion laughs"), no external entities, no DTD loading
(defusedxml's rules); the parser refuses such a file naming its line.
"""

from __future__ import annotations

import codecs
import marshal
import pyexpat
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from seniorcli.cpr import CprError, birth_date_from_cpr, normalise
from seniorcli.dates import OPEN_END, DateFormatError, parse_date
from seniorcli.db import Db
from seniorcli.db import roster as roster_db
from seniorcli.errors import InputFileError
from seniorcli.i18n import N_, _
from seniorcli.services.common import show_value
from seniorcli.services.roster import (
    FIELDS,
    ImportOptions,
    ImportSummary,
    _Rows,
)
from seniorcli.tabular import clean_text, cpr_problem

#: Weekly hours of a full-time post in the municipal area (the working-time agreement's
#: 37 hours a week): weekly hours = FULL_TIME_HOURS × numerator / denominator. OS2mo does not
#: use the two fields at all (opus_helpers.find_changes leaves them out of its comparison).
FULL_TIME_HOURS = 37.0
ROOT = "kmd"
#: What is read of an <employee>; everything else (address, position, payGrade …) is skipped.
EMPLOYEE_FIELDS = frozenset({"cpr", "firstName", "lastName", "entryDate", "leaveDate", "email",
                             "isManager", "orgUnit", "numerator", "denominator"})
UNIT_FIELDS = frozenset({"longName", "shortName", "parentOrgUnit"})
_CHUNK = 1 << 20
_BATCH = 5000
#: Units named in the summary when employees belong to units the file does not describe.
UNKNOWN_UNITS_SHOWN = 10
#: ZLPE20200101_delta.xml, ZLPE20190902224224_delta.xml: the date the file was made
#: (OS2mo: opus_file_reader.map_dates, opus_helpers.include_cancelled).
_FILE_DATE = re.compile(r"ZLPE(\d{8})", re.IGNORECASE)
#: <isManager>: XML Schema's boolean, in any case (OS2mo compares with "true" and "false");
#: an empty or missing element is false. Anything else is refused (it would silently make
#: a manager no manager).
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0", ""})
#: Fields an OPUS file may leave out: then the register's value stays (a CSV column likewise).
_OPTIONAL = ("email", "numerator", "denominator", "entryDate", "leaveDate")

#: The element named in a message about a roster field.
_ELEMENT = {"employee_id": "id", "name": "firstName", "birth_date": "cpr", "cpr": "cpr",
            "department": "orgUnit", "manager_id": "orgUnit", "hire_date": "entryDate",
            "leave_date": "leaveDate", "email": "email", "weekly_hours": "numerator",
            "row": "employee"}


# -- recognising the file --------------------------------------------------------------------

def looks_like_xml(path: Path) -> bool:
    """Whether the file is XML, by its first characters (whatever its name): a roster file is
    either a CSV file or a KMD OPUS file, and no CSV header starts with '<'."""
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError:
        return False
    if head.startswith(codecs.BOM_UTF8):
        text = head[3:].decode("utf-8", "ignore")
    elif head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = head.decode("utf-16", "ignore")
    elif head[:2] in (b"<\x00", b"\x00<"):
        text = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", "ignore")
    else:
        text = head.decode("latin-1")
    return text.lstrip().startswith("<")


def empty_xml(path: Path) -> InputFileError | None:
    """The refusal of an empty file named ….xml (nothing in it shows what it is: the name says
    it is meant as a KMD OPUS file, so the CSV import's words about a header line do not
    fit), or None."""
    if path.suffix.lower() != ".xml":
        return None
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    if len(head) == 4096 or head.removeprefix(codecs.BOM_UTF8).strip():
        return None
    return InputFileError(
        _("{path} is empty: a KMD OPUS employee file holds <kmd> with an <employee> element "
          "for each employee; nothing was imported").format(path=path),
        hint=_("export the file again from OPUS (a copy that was interrupted can be empty)"))


def file_date(path: Path) -> date | None:
    """The date in a KMD file name (ZLPE20200101…_delta.xml), or None."""
    m = _FILE_DATE.search(path.name)
    if not m:
        return None
    try:
        return date(int(m[1][:4]), int(m[1][4:6]), int(m[1][6:]))
    except ValueError:
        return None


# -- the streaming parser --------------------------------------------------------------------

class _Refused(Exception):
    """Raised inside a handler: the file is refused at the position of the event (taken
    there: once the exception has stopped the parser, its position has moved on)."""

    def __init__(self, parser: pyexpat.XMLParserType, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint
        self.line, self.column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1


#: expat's messages (pyexpat.errors) in words a payroll clerk can act on.
def _expat_problem(code: int | None, text: str) -> str:
    errors = pyexpat.errors
    known = {
        errors.XML_ERROR_NO_ELEMENTS: _("the file ends before the XML document does (is it "
                                        "empty, or cut short?)"),
        errors.XML_ERROR_SYNTAX: _("syntax error"),
        errors.XML_ERROR_INVALID_TOKEN: _("not well-formed XML (a character that may not "
                                          "stand here: a '<' or '&' in a text, or a byte "
                                          "that is not in the file's encoding)"),
        errors.XML_ERROR_UNCLOSED_TOKEN: _("a tag is not closed (is the file cut short?)"),
        errors.XML_ERROR_PARTIAL_CHAR: _("a character is cut in two (is the file cut short, or "
                                         "in another encoding than it says?)"),
        errors.XML_ERROR_TAG_MISMATCH: _("the closing tag does not match the opening tag"),
        errors.XML_ERROR_DUPLICATE_ATTRIBUTE: _("an attribute is given twice"),
        errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: _("there is more after the end of the "
                                                   "document (</kmd>)"),
        errors.XML_ERROR_UNDEFINED_ENTITY: _("an unknown entity (&…;)"),
        errors.XML_ERROR_BAD_CHAR_REF: _("a character reference (&#…;) to no character"),
        errors.XML_ERROR_UNKNOWN_ENCODING: _("an encoding the parser does not know"),
        errors.XML_ERROR_INCORRECT_ENCODING: _("the encoding the XML declaration names does "
                                               "not fit the file"),
        errors.XML_ERROR_UNCLOSED_CDATA_SECTION: _("a CDATA section is not closed"),
        errors.XML_ERROR_MISPLACED_XML_PI: _("the XML declaration (<?xml …?>) is not at the "
                                             "very start of the file"),
        errors.XML_ERROR_XML_DECL: _("the XML declaration (<?xml …?>) is not valid"),
    }
    by_code = {errors.codes[message]: danish for message, danish in known.items()}
    return by_code.get(code, text) if code is not None else text


#: expat errors that a byte not in the file's encoding gives
_ENCODING_ERRORS = frozenset(pyexpat.errors.codes[m] for m in (
    pyexpat.errors.XML_ERROR_INVALID_TOKEN, pyexpat.errors.XML_ERROR_PARTIAL_CHAR))


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


def _not_utf8(path: Path) -> InputFileError | None:
    """The refusal of a file read as UTF-8 (no XML declaration naming another encoding, or
    one saying UTF-8) that is not UTF-8, as the CSV import words it (tabular.undecodable):
    each line and column with a byte that is not UTF-8, what it is in cp1252, and
    --encoding cp1252 to try. None if every byte is UTF-8 (the XML error is another)."""
    from seniorcli.tabular import is_all, undecodable

    if is_all(path, "utf-8"):
        return None
    return undecodable(path, "utf-8", xml_hint=_(
        "the file is read as UTF-8 because its XML declaration names no other encoding: if it "
        "is cp1252 (Windows), say so with --encoding cp1252 (or encoding=\"windows-1252\" in "
        "its XML declaration)"))


@dataclass
class _Parsed:
    """What a pass learnt beside the employees."""

    encoding: str = "utf-8"
    bytes_read: int = 0


def _stream(path: Path, encoding: str | None,
            on_employee: Callable[[dict], None],
            on_unit: Callable[[dict], None] | None = None,
            parsed: _Parsed | None = None, lines: bool = True) -> Iterator[int]:
    """Stream the file through expat, yielding the bytes read after each chunk: ``on_employee``
    gets each <employee> as a dict (its attributes under '@id', '@action'; the text of the
    EMPLOYEE_FIELDS children it has; 'line': its line, and with ``lines`` 'lines': each
    field's line); ``on_unit`` each <orgUnit> of the organisation (its '@id' and UNIT_FIELDS);
    ``parsed`` the encoding. Raises InputFileError naming the line and column of malformed
    XML, a forbidden declaration, or a root that is not <kmd>.

    The handlers are the part that runs for every element (about 25 per employee): they do as
    little as they can, and text is collected only inside a wanted field."""
    p = pyexpat.ParserCreate(encoding)
    p.buffer_text = True
    p.buffer_size = 1 << 16
    p.ordered_attributes = True  # a list, not a dict, for every element: cheaper
    p.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    if parsed is None:
        parsed = _Parsed()
    if encoding is not None:
        parsed.encoding = encoding
    depth = 0          # of the element being read (the root is 1)
    record_depth = 0   # of the <employee> or <orgUnit> being read; 0 = none
    child_depth = -1   # of its fields
    field_depth = 0    # of the field whose text is being collected; 0 = none
    record: dict = {}
    field_lines: dict[str, int] = {}
    wanted = EMPLOYEE_FIELDS
    is_employee = False
    text = ""

    def chars(data: str) -> None:
        nonlocal text
        text += data

    def start(name: str, attrs: list[str]) -> None:
        nonlocal depth, record_depth, child_depth, field_depth, record, field_lines, wanted
        nonlocal is_employee, text
        depth += 1
        if record_depth:
            if depth == child_depth and name in wanted:
                field_depth = depth
                text = ""
                if lines:
                    field_lines[name] = p.CurrentLineNumber
                p.CharacterDataHandler = chars
            return
        if name == "employee":
            is_employee, wanted = True, EMPLOYEE_FIELDS
        elif name == "orgUnit" and on_unit is not None:
            is_employee, wanted = False, UNIT_FIELDS
        elif depth == 1:
            if name != ROOT:
                raise _Refused(
                    p, _("the root element is <{name}>, not <kmd>: this is not a KMD OPUS "
                      "employee file").format(name=name),
                    _("a roster is a CSV file or the employee file KMD OPUS delivers "
                      "(ZLPE….xml)"))
            return
        else:
            return
        record_depth, child_depth = depth, depth + 1
        field_lines = {}
        record = {"@id": "", "line": p.CurrentLineNumber, "lines": field_lines}
        for i in range(0, len(attrs), 2):
            if attrs[i] == "id":
                record["@id"] = attrs[i + 1]
            elif attrs[i] == "action":
                record["@action"] = attrs[i + 1]

    def end(name: str) -> None:
        nonlocal depth, record_depth, field_depth
        if depth == field_depth:
            record[name] = text
            field_depth = 0
            p.CharacterDataHandler = None
        elif depth == record_depth:
            record_depth = 0
            if is_employee:
                on_employee(record)
            elif on_unit is not None:
                on_unit(record)
        depth -= 1

    def xml_decl(version: str, declared: str | None, standalone: int) -> None:
        if declared and encoding is None:
            parsed.encoding = declared.lower()

    def forbidden(*_args: object) -> Any:
        raise _Refused(
            p, _("the file declares entities or refers to outside files (<!ENTITY …>, "
                 "SYSTEM …), which a payroll file never does"),
            _("export the file again from OPUS"))

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.XmlDeclHandler = xml_decl
    p.EntityDeclHandler = forbidden
    p.UnparsedEntityDeclHandler = forbidden
    p.ExternalEntityRefHandler = forbidden
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                p.Parse(chunk, False)
                parsed.bytes_read += len(chunk)
                yield parsed.bytes_read
            p.Parse(b"", True)
    except pyexpat.ExpatError as e:
        if e.code in _ENCODING_ERRORS and _is_utf8(parsed.encoding):
            problem = _not_utf8(path)
            if problem is not None:
                raise problem from None
        raise InputFileError(
            _("{path}: line {line}, column {column}: {problem}; nothing was imported").format(
                path=path, line=e.lineno, column=e.offset + 1,
                problem=_expat_problem(e.code, pyexpat.errors.messages.get(e.code, str(e)))),
            hint=_("the file is not well-formed XML: export it again from OPUS (a file whose "
                   "copying was interrupted ends too early); if it is not UTF-8, its XML "
                   "declaration must name its encoding, or give --encoding"),
        ) from None
    except _Refused as e:
        raise InputFileError(
            _("{path}: line {line}, column {column}: {problem}; nothing was imported").format(
                path=path, line=e.line, column=e.column, problem=e.message),
            hint=e.hint) from None
    except LookupError:  # --encoding names no codec Python knows
        raise InputFileError(_("unknown encoding '{encoding}'").format(encoding=encoding),
                             hint=_("use utf-8 or cp1252")) from None


# -- the employees: checked, then placed --------------------------------------------------------

def _text(record: dict, name: str) -> str:
    return record.get(name, "").strip()


def _digits(raw: str) -> str:
    """A CPR number's ten digits (cpr.normalise, without its cost for the usual form)."""
    s = raw.strip()
    return s if len(s) == 10 and s.isdigit() else normalise(s)


def _order(code: str) -> tuple:
    """Which engagement is a person's primary one: current before not started before ended,
    among ended ones the last to end; then the lowest employee number (calculate_primary.py:
    the lowest employment number, for engagements of the same type)."""
    head, _sep, eid = code.partition("\x00")
    ended = -date.fromisoformat(head[1:]).toordinal() if len(head) > 1 else 0
    number = (0, int(eid), "") if eid.isdigit() else (1, 0, eid)
    return (head[0], ended, number)


def _eid(code: str) -> str:
    return code.partition("\x00")[2]


class _OpusRows(_Rows):
    """The CSV import's checks (services/roster._Rows), with messages that name the element:
    'line 57, employee 1000, cpr: …'."""

    def __init__(self, as_of: date):
        super().__init__({f: i for i, f in enumerate(FIELDS)}, len(FIELDS), as_of)
        self.eid = ""
        self.lines: dict[str, int] = {}
        #: the employee's firstName and lastName (the name checked is both)
        self.first = self.last = ""

    def error(self, line: int, column: str, message: str) -> None:
        element = _ELEMENT.get(column, column)
        if column == "name":
            # the element that holds what is wrong: a CPR number in lastName is named there
            in_last = cpr_problem(self.last)
            if in_last is not None and cpr_problem(self.first) is None:
                element, message = "lastName", in_last
            elif element not in self.lines:
                element = "lastName"
        self.problems.add(self.lines.get(element, line), label(self.eid, element), message)


def label(eid: str, element: str) -> str:
    if not eid:
        return _("employee without id, {element}").format(element=element)
    return _("employee {eid}, {element}").format(eid=show_value(eid), element=element)


def _number(raw: str) -> float | None:
    s = raw.strip().replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


@dataclass
class LeaveRecord:
    employee_id: str
    #: its leaveDate (ISO), or None: the file's date is used (see OpusFile.leave_default)
    leave_date: str | None


@dataclass
class Plan:
    """What the whole file says beside each employee: the organisation, who manages which
    unit, each person's primary engagement."""

    #: unit id → (name, parent unit id); and the line of each
    units: dict[str, tuple[str, str]] = field(default_factory=dict)
    unit_lines: dict[str, int] = field(default_factory=dict)
    #: person (an index: the CPR number itself is not kept) → their primary engagement (see _order)
    primary: list[str] = field(default_factory=list)
    #: unit id → its manager's employee number (their primary engagement)
    manager_of: dict[str, str] = field(default_factory=dict)
    #: unit id → engagements in it (to name units the file does not describe)
    unit_use: dict[str, int] = field(default_factory=dict)
    #: unit id → (the line of its first <orgUnit> in an employee, that employee's id)
    unit_first: dict[str, tuple[int, str]] = field(default_factory=dict)
    has_email: bool = False
    has_hours: bool = False
    has_entry: bool = False
    has_leave: bool = False
    #: (unit, person, code) of the current engagements flagged isManager
    managers: list[tuple[str, int, str]] = field(default_factory=list)
    #: whether every unit's manager is imported by the engagement that makes them its
    #: manager (then a full file's managers can form no cycle: see may_cycle)
    regular: bool = True
    _up: dict[str, list[str]] = field(default_factory=dict)

    def decide_managers(self) -> None:
        """Each unit's manager: of its current engagements flagged isManager, the first by
        _order; named by their primary engagement, which is their id in the register."""
        chosen: dict[str, tuple[str, int]] = {}
        for unit, person, code in self.managers:
            if unit not in chosen or _order(code) < _order(chosen[unit][0]):
                chosen[unit] = (code, person)
        for unit, (code, person) in chosen.items():
            self.manager_of[unit] = _eid(self.primary[person])
            if code != self.primary[person]:
                self.regular = False
        self.managers.clear()

    def ancestors(self, unit: str) -> Iterator[str]:
        """``unit`` and the units above it, nearest first, each once (a tree that loops
        ends where it meets itself)."""
        seen: set[str] = set()
        while unit and unit not in seen:
            seen.add(unit)
            yield unit
            unit = self.units.get(unit, ("", ""))[1]

    def may_cycle(self) -> bool:
        """Whether the managers of a full import could be each other's managers, or the
        file's own unit tree loops. Not when the tree is a tree and every manager is
        imported by their managing engagement: a manager's manager then manages a unit
        strictly above theirs, and an employee who manages nothing is nobody's manager."""
        if not self.regular:
            return True
        units, done = self.units, set[str]()
        for unit in units:
            path: set[str] = set()
            while unit and unit not in done:
                if unit in path:
                    return True
                path.add(unit)
                unit = units.get(unit, ("", ""))[1]
            done |= path
        return False

    def depth(self, unit: str) -> int:
        """How many units are above ``unit`` (in a tree that loops: until it meets itself)."""
        return sum(1 for _u in self.ancestors(unit)) - 1

    def managers_above(self, unit: str) -> list[str]:
        """The managers from ``unit`` up through its parents, nearest first, each once."""
        found = self._up.get(unit)
        if found is None:
            found, seen, u = [], set(), unit
            while u and u not in seen:
                seen.add(u)
                m = self.manager_of.get(u)
                if m is not None and m not in found:
                    found.append(m)
                u = self.units.get(u, ("", ""))[1]
            self._up[unit] = found
        return found

    def manager_for(self, unit: str, eid: str, manages: bool) -> str | None:
        """The employee's manager: the one who manages their unit; a manager's own manager is
        the one of the parent unit; a unit without a manager has its parent's (the nearest
        above). Never the employee themself."""
        if manages:
            unit = self.units.get(unit, ("", ""))[1]
        return next((m for m in self.managers_above(unit) if m != eid), None)

    def named_manager(self, unit: str, eid: str, manages: bool) -> str | None:
        """The manager the file names for the employee's own unit (a manager's: the parent
        unit), without walking further up; None when the file names none there. What a
        partial file says of the employee's manager (rows: the register comes next)."""
        if manages:
            unit = self.units.get(unit, ("", ""))[1]
        found = self.manager_of.get(unit) if unit else None
        return found if found != eid else None


def _cycles(graph: dict[str, str | None], starts: list[str]) -> list[list[str]]:
    """The circles in ``graph`` (employee → manager) reached from ``starts``: each once,
    its members in order."""
    state: dict[str, bool] = {}  # True: on the path being walked; False: done
    cycles: list[list[str]] = []
    for start in starts:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = True
            path.append(node)
            node = graph.get(node)
        if node is not None and state[node]:
            cycles.append(path[path.index(node):])
        for member in path:
            state[member] = False
    return cycles


def _leads_to(graph: dict[str, str | None], start: str, target: str) -> bool:
    """Whether following managers from ``start`` reaches ``target``."""
    seen: set[str] = set()
    node: str | None = start
    while node is not None and node not in seen:
        if node == target:
            return True
        seen.add(node)
        node = graph.get(node)
    return False


class OpusFile:
    """One KMD OPUS file, read once when made: every employee checked as the CSV import
    checks a row, the valid ones kept as compact rows (marshal, about 120 bytes each, never a
    CPR number) until the whole file is known; ``rows`` then places each person (department,
    manager, primary engagement) for the writer.

    Why the whole file first: a unit's manager, and a person's other engagements, may come
    anywhere in it (an employee before the manager of their unit). Reading the file twice
    instead cost a second parse (0.8 s more for 50,000 employees); keeping the checked rows
    and the map of persons costs about 140 MB more than a CSV import at 500,000 employees
    (docs/roster.md, "Speed and memory")."""

    def __init__(self, path: Path, encoding: str | None, as_of: date,
                 progress: Callable[[int, int], None] | None = None, partial: bool = False):
        self.path, self.encoding, self.as_of, self.partial = path, encoding, as_of, partial
        self.size = path.stat().st_size
        self.checker = _OpusRows(as_of)
        self.plan = Plan()
        self.parsed = _Parsed()
        self.leave_records: list[LeaveRecord] = []
        self.engagements = 0  # the valid ones kept
        self._spool: list[bytes] = []
        #: partial: (department, manager_id) of the register's employees the file cannot
        #: place (prepare)
        self.register: dict[str, tuple[str | None, str | None]] = {}
        #: partial: (department, manager_id) of those employees' managers in the register
        self.register_managers: dict[str, tuple[str | None, str | None]] = {}
        #: partial: which of those managers, and of theirs, the file itself lists
        self.listed: set[str] = set()
        #: employee → the manager that breaks a circle of managers (_break_cycles)
        self.moved: dict[str, str | None] = {}
        #: the employees whose rows _placed notes (_break_cycles)
        self._watch: set[str] = set()
        self._read(progress)
        self.plan.decide_managers()
        self._check_units()

    # -- reading

    def _read(self, progress: Callable[[int, int], None] | None) -> None:
        plan, checker = self.plan, self.checker
        units, unit_lines, unit_use = plan.units, plan.unit_lines, plan.unit_use
        unit_first = plan.unit_first
        primary, managers = plan.primary, plan.managers
        as_of_iso = self.as_of.isoformat()
        check = checker.check
        persons: dict[int, int] = {}  # CPR number → person index: in memory, this pass only
        batch: list[tuple] = []
        spool = self._spool
        hours_cache: dict[tuple[str, str], float | None] = {}
        births: dict[str, str] = {}
        seen: set[str] = set()  # the fields the file's employees have

        def on_unit(record: dict) -> None:
            uid = record["@id"].strip()
            if uid:
                name = _text(record, "longName") or _text(record, "shortName") or uid
                units[uid] = (name, _text(record, "parentOrgUnit"))
                unit_lines[uid] = record["line"]

        def on_employee(record: dict) -> None:
            # Runs for every employee: kept lean (local names, no helper calls).
            nonlocal batch
            get = record.get
            eid = record["@id"].strip()
            checker.eid, checker.lines = eid, record["lines"]
            line = record["line"]
            if "@action" in record:
                self._leave_record(record, eid, line)
                return
            cpr = get("cpr", "").strip()
            if not cpr:
                checker.problems.add(record["lines"].get("cpr", line), label(eid, "cpr"),
                                     _("is missing: every employee in an OPUS file has a "
                                       "CPR number (it gives the birth date)"))
                return
            first, last = get("firstName", "").strip(), get("lastName", "").strip()
            checker.first, checker.last = first, last
            name = f"{first} {last}" if first and last else first or last
            # The birth date is a function of the CPR number's first seven digits (the
            # seventh gives the century): computed once for each (cpr.birth_date_from_cpr).
            digits = cpr if len(cpr) == 10 and cpr.isdigit() else _digits(cpr)
            valid = len(digits) == 10 and digits.isdigit()
            birth = births.get(digits[:7]) if valid else None
            if birth is None and valid:
                try:
                    birth = birth_date_from_cpr(digits).isoformat()
                except CprError:
                    valid = False
                else:
                    if len(births) < 100_000:
                        births[digits[:7]] = birth
            email = get("email")
            # a number that gives no birth date goes to the checks, which name it (masked);
            # the department and manager are placed once the whole file is read
            before = checker.problems.count
            row = check(line, [eid, name, birth or "", "" if birth else cpr, "", "",
                               get("entryDate", "").strip(), get("leaveDate", "").strip(),
                               email.strip() if email else "", ""])
            hours = None
            numerator = get("numerator")
            if numerator is not None or "denominator" in record:
                pair = ((numerator or "").strip(), get("denominator", "").strip())
                hours = hours_cache.get(pair, -1.0)
                if hours == -1.0:
                    hours = self._hours(pair, line)
                    if checker.problems.count == before and len(hours_cache) < 1000:
                        hours_cache[pair] = hours
            flag = get("isManager")
            manages = False
            if flag is not None:
                flag = flag.strip().lower()
                manages = flag in _TRUE
                if not manages and flag not in _FALSE:
                    checker.error(line, "isManager", _(
                        "'{value}' is neither true nor false").format(
                            value=show_value(get("isManager", "").strip())))
            if row is None or checker.problems.count != before:
                return
            key = int(digits)
            person = persons.get(key)
            # the engagement's standing (see _order): 0 current on the as-of date, 1 not started
            # yet, 2 ended (with its leave date); then the employee number
            hire, leave = row[5], row[6]
            code = f"2{leave}\x00{eid}" if leave is not None and leave <= as_of_iso else \
                f"1\x00{eid}" if hire is not None and hire > as_of_iso else f"0\x00{eid}"
            if person is None:
                person = persons[key] = len(primary)
                primary.append(code)
            elif _order(code) < _order(primary[person]):
                primary[person] = code
            unit = get("orgUnit", "").strip()
            used = unit_use.get(unit)
            if used is None:
                unit_use[unit] = 1
                unit_first[unit] = (record["lines"].get("orgUnit", line), eid)
            else:
                unit_use[unit] = used + 1
            if manages and code[0] == "0":
                managers.append((unit, person, code))
            if len(seen) < 5:  # which fields the file has (a column each), until all are seen
                seen.update(f for f in _OPTIONAL if f in record)
            # (eid, name, birth, unit, manages, hire, leave, email, hours, person)
            batch.append((eid if eid == row[0] else row[0], row[1], row[2], unit, manages,
                          hire, leave, row[7], hours, person))
            if len(batch) >= _BATCH:
                spool.append(marshal.dumps(batch))
                batch = []

        for done in _stream(self.path, self.encoding, on_employee, on_unit, self.parsed):
            if progress is not None:
                progress(done, self.size)
        if batch:
            spool.append(marshal.dumps(batch))
        self.engagements = sum(unit_use.values())
        plan.has_email = "email" in seen
        plan.has_hours = "numerator" in seen or "denominator" in seen
        plan.has_entry, plan.has_leave = "entryDate" in seen, "leaveDate" in seen

    def _hours(self, pair: tuple[str, str], line: int) -> float | None:
        """Weekly hours: FULL_TIME_HOURS × numerator / denominator."""
        numerator, denominator = pair
        if not numerator and not denominator:
            return None
        checker = self.checker
        num, den = _number(numerator), _number(denominator)
        if num is None or den is None or num < 0 or den <= 0:
            checker.error(line, "weekly_hours", _(
                "numerator '{numerator}' and denominator '{denominator}' are not a share of "
                "full time (two numbers, the denominator above 0)").format(
                    numerator=show_value(numerator), denominator=show_value(denominator)))
            return None
        hours = round(FULL_TIME_HOURS * num / den, 2)
        if hours > 80:
            checker.error(line, "weekly_hours", _(
                "{numerator}/{denominator} of {full} hours is {hours} hours a week, more than "
                "80").format(numerator=numerator, denominator=denominator,
                             full=f"{FULL_TIME_HOURS:g}", hours=f"{hours:g}"))
            return None
        return hours

    def _leave_record(self, record: dict, eid: str, line: int) -> None:
        checker = self.checker
        action = record["@action"]
        if action != "leave":
            checker.problems.add(line, label(eid, "action"), _(
                "'{action}' is not an action this import knows (only action=\"leave\")")
                .format(action=show_value(action)))
            return
        if not eid:
            checker.problems.add(line, label(eid, "id"), _("is missing"))
            return
        raw = _text(record, "leaveDate")
        leave = None
        if raw:
            try:
                d = parse_date(raw)
            except DateFormatError as e:
                checker.error(line, "leave_date", _("'{raw}' {e}; use YYYY-MM-DD or "
                                                    "DD-MM-YYYY").format(raw=show_value(raw),
                                                                         e=e))
                return
            leave = None if d == OPEN_END else d.isoformat()
        self.leave_records.append(LeaveRecord(eid, leave))

    def _check_units(self) -> None:
        """A unit's name becomes a department: cleaned as a cell is, and never a CPR number.
        So does the number of a unit the file does not describe: one that holds a CPR number
        is refused as a department cell with one is (named at the first employee in it)."""
        plan = self.plan
        units, problems = plan.units, self.checker.problems
        for uid, (name, parent) in list(units.items()):
            cleaned = clean_text(name)
            problem = cpr_problem(cleaned)
            if problem is not None:
                problems.add(plan.unit_lines[uid], _("orgUnit {uid}, {element}").format(
                    uid=show_value(uid), element="longName"), problem)
            units[uid] = (cleaned, parent)
        for uid, (line, eid) in plan.unit_first.items():
            if uid not in units:
                problem = cpr_problem(clean_text(uid))
                if problem is not None:
                    problems.add(line, label(eid, "orgUnit"), problem)

    # -- what the import needs

    @property
    def columns(self) -> set[str]:
        """The stored fields this file gives (others are left as they are, as a CSV file's
        missing columns are): department and manager only if it has <orgUnit> elements."""
        plan = self.plan
        cols = {"employee_id", "name", "birth_date", "cpr"}
        if plan.units:
            cols |= {"department", "manager_id"}
        if plan.has_entry:
            cols.add("hire_date")
        if plan.has_leave:
            cols.add("leave_date")
        if plan.has_email:
            cols.add("email")
        if plan.has_hours:
            cols.add("weekly_hours")
        return cols

    @property
    def unknown_units(self) -> tuple[list[str], int]:
        """Units the file's employees belong to that it does not describe (the first few),
        and how many engagements are in them. None without any <orgUnit> element."""
        units = self.plan.units
        if not units:
            return [], 0
        unknown = [u for u in self.plan.unit_use if u and u not in units]
        return ([show_value(u) for u in unknown[:UNKNOWN_UNITS_SHOWN]],
                sum(self.plan.unit_use[u] for u in unknown))

    def leave_default(self) -> date:
        """The leave date of an action="leave" record without one: the file's date (its
        name), else the as-of date (OS2mo ends the engagement on the file's date)."""
        return file_date(self.path) or self.as_of

    def _placed(self) -> Iterator[tuple[list[tuple], list[tuple[int, bool, bool, str | None]],
                                        list[tuple[int, str, bool]]]]:
        """Each batch of primary engagements as (eid, name, birth, dept, mgr, hire, leave,
        email, hours), with the rows a partial import completes from the register: (index,
        whether the file describes the unit, whether the employee is a manager, the manager
        the file's tree gives above the unit) of those whose unit it does not describe or
        for whose own unit it names no manager (see rows); and (index, unit, manages) of the
        rows of the employees in ``_watch`` (_break_cycles)."""
        plan = self.plan
        units, primary = plan.units, plan.primary
        manager_for, named_manager = plan.manager_for, plan.named_manager
        with_units = bool(units)
        partial = self.partial
        watch = self._watch
        for blob in self._spool:
            out: list[tuple] = []
            incomplete: list[tuple[int, bool, bool, str | None]] = []
            watched: list[tuple[int, str, bool]] = []
            for eid, name, birth, unit, manages, hire, leave, email, hours, person in \
                    marshal.loads(blob):
                if _eid(primary[person]) != eid:
                    continue  # another engagement of someone imported by their primary one
                dept = mgr = None
                if with_units:
                    known = unit in units
                    dept = units[unit][0] if known else (unit or None)
                    if not partial:
                        mgr = manager_for(unit, eid, manages)
                    else:
                        mgr = named_manager(unit, eid, manages)
                        if mgr is None or not known:
                            above = None if mgr is not None else \
                                manager_for(unit, eid, manages)
                            incomplete.append((len(out), known, manages, above))
                    if watch and eid in watch:
                        watched.append((len(out), unit, manages))
                out.append((eid, name, birth, dept, mgr, hire, leave, email, hours))
            yield out, incomplete, watched

    def prepare(self, conn: Db) -> None:
        """What the rows need from the register, read now, before the writing starts
        (PostgreSQL's COPY holds the connection while it runs): a partial (delta) file need
        not describe every unit nor list every manager, so the register's values of the
        employees it cannot place are read, then those of their managers, and which of both
        the file lists (see _register_manager). Then no one may end up their own manager's
        manager (_break_cycles)."""
        plan = self.plan
        if not plan.units:
            return
        if self.partial:
            self._read_register(conn)
            self._break_cycles(conn)
        elif plan.may_cycle():
            self._break_cycles(conn)

    def _read_register(self, conn: Db) -> None:
        ids = [batch[i][0] for batch, incomplete, _watched in self._placed()
               for i, *_rest in incomplete]
        self.register = roster_db.departments_and_managers(conn, ids)
        managers = {mgr for _dept, mgr in self.register.values() if mgr is not None}
        if not managers:
            return
        self.register_managers = roster_db.departments_and_managers(conn, sorted(managers))
        wanted = managers | {mgr for _dept, mgr in self.register_managers.values()
                             if mgr is not None}
        self.listed = {row[0] for batch, _incomplete, _watched in self._placed()
                       for row in batch if row[0] in wanted}

    def _register_manager(self, eid: str, dept: str | None, manages: bool,
                          register_dept: str | None, register_mgr: str | None) -> str | None:
        """Who manages the employee's own unit (a manager's: the parent unit) by the register,
        or None if it cannot tell. The register keeps no "is manager": it tells only through
        the employee's own manager there, and only while the employee stays in the
        department they have there:

        - someone who is no manager: their register manager;
        - a manager whose register manager was in their own department (they took over that
          manager's unit): that manager's own register manager (the parent unit's);
        - another manager: their register manager (the parent unit's already).

        A manager found so is not taken if the file lists them: the file then says where they
        are, and does not make them the unit's manager (it would have named them; with
        isManager false it says they manage nothing)."""
        if register_mgr is None or register_dept != dept:
            return None
        found: str | None = register_mgr
        if manages and register_mgr in self.register_managers:
            mgr_dept, mgr_mgr = self.register_managers[register_mgr]
            if mgr_dept == dept:
                found = mgr_mgr
        if found is None or found == eid or found in self.listed:
            return None
        return found

    def _completed(self) -> Iterator[tuple[list[tuple], set[int], list[tuple[int, str, bool]]]]:
        """_placed's batches, completed from the register (see rows), with the indices of
        the rows whose manager is the register's and the watched rows."""
        register = self.register
        for batch, incomplete, watched in self._placed():
            kept: set[int] = set()
            for i, known, manages, above in incomplete:
                eid, name, birth, dept, mgr, *rest = batch[i]
                if eid in register:
                    old_dept, old_mgr = register[eid]
                    if not known:
                        dept = old_dept
                    if mgr is None:
                        mgr = self._register_manager(eid, dept, manages, old_dept, old_mgr)
                        if mgr is not None:
                            kept.add(i)
                if mgr is None:
                    mgr = above
                batch[i] = (eid, name, birth, dept, mgr, *rest)
            yield batch, kept, watched

    def rows(self) -> Iterator[list[tuple]]:
        """The rows to write, in batches. A partial file keeps what it cannot tell: the
        department of a unit it does not describe is the register's (the unit's number for
        someone new). The manager is the one the file names for the employee's own unit (a
        manager's: the parent unit); if it names none there, the register's manager of that
        unit (_register_manager: the register keeps no "is manager", so it is the
        employee's own manager in the register); only when neither knows, the nearest
        manager the file names further up (docs/roster.md, "KMD OPUS"). Last, the managers
        _break_cycles moved."""
        moved = self.moved
        for batch, _kept, _watched in self._completed():
            if moved:
                for i, row in enumerate(batch):
                    if row[0] in moved:
                        batch[i] = (*row[:4], moved[row[0]], *row[5:])
            yield batch

    # -- no one their own manager's manager

    def _break_cycles(self, conn: Db) -> None:
        """Find where the managers this import gives would go round in a circle (A's manager
        B and B's manager A, or longer: through the register's managers too, for a partial
        file), and break each circle at one of the file's employees, preferring one whose
        manager came from the register (a guess: the register keeps no "is manager"), then
        the one managing the highest unit. That employee gets the nearest manager up the
        file's unit tree (from their own unit; a manager's: the parent unit) who does not
        lead back to them: the one the file names for the unit, else (a partial file) the
        register's manager of that department (db.roster.unit_managers) if the file does not
        list them; else none. Fills ``moved``; reads the file's rows again only for those
        concerned."""
        plan = self.plan
        wanted = set(plan.manager_of.values())
        if self.partial:
            wanted |= {m for _d, m in self.register.values() if m is not None}
            wanted |= {m for _d, m in self.register_managers.values() if m is not None}
        graph: dict[str, str | None] = {}
        rows: dict[str, tuple[str, bool, bool]] = {}
        self._expand(conn, wanted, graph, rows)
        cycles = _cycles(graph, sorted(rows))
        if not cycles:
            return
        top: dict[str, int] = {}
        for unit, eid in plan.manager_of.items():
            top[eid] = min(top.get(eid, 1 << 30), plan.depth(unit))
        for cycle in cycles:
            movable = [e for e in cycle if e in rows]
            if not movable:
                continue  # the register's own circle: this file changes none of it
            eid = min(movable, key=lambda e: (not rows[e][2], top.get(e, 1 << 30), e))
            graph[eid] = self.moved[eid] = self._above(conn, eid, graph, rows)

    def _expand(self, conn: Db, wanted: set[str], graph: dict[str, str | None],
                rows: dict[str, tuple[str, bool, bool]]) -> None:
        """Add ``wanted`` to ``graph`` (employee → their manager after this import), and what
        their managers lead to: the file's rows where the file lists them (``rows``: their
        unit, whether they manage, whether their manager is the register's), the register's
        manager for anyone else (a partial file; a full file leaves no one else current)."""
        wanted = wanted - graph.keys()
        while wanted:
            self._watch = wanted
            try:
                for batch, kept, watched in self._completed():
                    for i, unit, manages in watched:
                        row = batch[i]
                        graph[row[0]] = row[4]
                        rows[row[0]] = (unit, manages, i in kept)
            finally:
                self._watch = set()
            outside = sorted(wanted - rows.keys())
            found = roster_db.departments_and_managers(conn, outside) if \
                outside and self.partial else {}
            for eid in outside:
                graph[eid] = found[eid][1] if eid in found else None
            wanted = {m for m in graph.values() if m is not None and m not in graph}

    def _above(self, conn: Db, eid: str, graph: dict[str, str | None],
               rows: dict[str, tuple[str, bool, bool]]) -> str | None:
        """The manager that breaks ``eid``'s circle (see _break_cycles), or None."""
        plan = self.plan
        unit, manages, _kept = rows[eid]
        start = plan.units.get(unit, ("", ""))[1] if manages else unit
        chain = list(plan.ancestors(start))
        in_register: dict[str, str] = {}
        if self.partial:
            names = sorted({plan.units[u][0] for u in chain if u in plan.units})
            in_register = roster_db.unit_managers(conn, names, self.as_of.isoformat())
            self._expand(conn, set(in_register.values()), graph, rows)
        for u in chain:
            named = plan.manager_of.get(u)
            from_register = in_register.get(plan.units[u][0]) if u in plan.units else None
            if from_register in rows:
                from_register = None  # the file lists them, and does not name them here
            for candidate in (named, from_register):
                if candidate is not None and candidate != eid \
                        and not _leads_to(graph, candidate, eid):
                    return candidate
        return None

    def repeated_lines(self, repeated: set[str]) -> None:
        """Name every line of an employee number written more than once (a second reading,
        only when there is one)."""
        first: dict[str, int] = {}
        problems = self.checker.problems

        def on_employee(record: dict) -> None:
            eid = record["@id"].strip()
            if eid in repeated and record.get("@action") is None:
                if eid in first:
                    problems.add(record["line"], label(eid, "id"), _(
                        "'{eid}' appears again (first on line {first_line})").format(
                            eid=show_value(eid), first_line=first[eid]))
                else:
                    first[eid] = record["line"]

        for _done in _stream(self.path, self.encoding, on_employee, lines=False):
            pass
# -- the import ------------------------------------------------------------------------------

class OpusSource:
    """A KMD OPUS file as services/roster._load reads it (as _CsvSource is a CSV file)."""

    format = "opus"
    delimiter = ""
    hint = N_("correct the employee in OPUS and export the file again (or correct the file), "
              "then import it again (--dry-run checks without writing)")

    def __init__(self, opus: OpusFile):
        self.file = opus
        self.problems = opus.checker.problems
        self.columns = opus.columns
        self.size = opus.size
        self.encoding = opus.parsed.encoding
        self.ignored: list[str] = []

    def prepare(self, conn: Db) -> None:
        self.file.prepare(conn)

    def batches(self, conn: Db) -> Iterator[tuple[list[tuple], int]]:
        if self.problems.count:  # refused: nothing to write
            return
        for batch in self.file.rows():
            yield batch, self.size

    def again(self) -> Iterator[list[tuple]]:
        return self.file.rows()

    def report_repeats(self, repeated: set[str]) -> None:
        self.file.repeated_lines(repeated)

    def no_rows(self, path: Path) -> InputFileError:
        return InputFileError(
            _("{path} lists no employees; a full import would mark everyone as left. Nothing "
              "was imported").format(path=path),
            hint=_("check the export; use --partial to import a file of only some employees "
                   "(a delta file)"))

    def after_rows(self, conn: Db, seq: int, stamp: str, summary: ImportSummary) -> None:
        """The action="leave" records: each ends that employment on its leaveDate, or on the
        file's date (leave_default); then the counts for the summary."""
        opus = self.file
        default = opus.leave_default().isoformat()
        records = [(r.employee_id, r.leave_date or default) for r in opus.leave_records]
        changed, unknown = roster_db.end_by_leave_records(conn, records=records, stamp=stamp)
        summary.leave_records = len(records)
        summary.left_by_record = changed
        summary.leave_records_unknown = unknown
        summary.other_engagements = opus.engagements - len(opus.plan.primary)
        summary.unknown_units, summary.unknown_unit_employees = opus.unknown_units


def opus_source(path: Path, options: ImportOptions,
                progress: Callable[[int, int], None] | None = None) -> OpusSource:
    """Read a KMD OPUS file's first pass (malformed XML is refused here, before the register
    is locked) and return it ready for the import."""
    if options.mapping or options.delimiter:
        given = " ".join(o for o, v in (("--map", options.mapping),
                                        ("--delimiter", options.delimiter)) if v)
        raise InputFileError(
            _("{path} is a KMD OPUS file (XML): {options} applies to CSV files only")
            .format(path=path, options=given),
            hint=_("leave out {options}").format(options=given))
    return OpusSource(OpusFile(path, options.encoding, options.as_of, progress,
                               options.partial))
