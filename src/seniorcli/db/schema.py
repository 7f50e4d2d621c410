"""Versioned migrations. Each version is frozen once released: never edit one, add the next.

The version lives in SQLite's ``PRAGMA user_version``; ``PRAGMA application_id`` marks the file as
a seniorcli database. A migration and its version bump run in one transaction.
"""

from __future__ import annotations

APPLICATION_ID = 0x53454E31  # "SEN1"

def backfill_agreement_changes(dialect: str) -> str:
    """Version 4's copy of the corrections in the audit log into ``agreement_change``, for
    either engine. The detail reads "agreement 12 (…): end 2027-12-31 → 2027-06-30; hours 30
    → 28" (services.agreements.correct_agreement); what changed is found by its words."""
    if dialect == "sqlite":
        agreement_id = "CAST(substr(audit.detail, 11, instr(audit.detail, ' (') - 11) AS INTEGER)"

        def has(text: str) -> str:
            return f"instr(audit.detail, '{text}') > 0"
    else:
        agreement_id = "CAST(substring(audit.detail from '^agreement ([0-9]+) [(]') AS INTEGER)"

        def has(text: str) -> str:
            return f"strpos(audit.detail, '{text}') > 0"
    fields = " || ".join(f"CASE WHEN {has('): ' + f + ' ')} OR {has('; ' + f + ' ')} "
                         f"THEN '{f},' ELSE '' END"
                         for f in ("start", "end", "hours", "amount", "note"))
    return ("INSERT INTO agreement_change (agreement_id, at, fields) "
            f"SELECT agreement.id, audit.at, rtrim({fields}, ',') FROM audit "
            f"JOIN agreement ON agreement.id = {agreement_id} "
            "WHERE audit.command = 'agreement correct' AND audit.detail LIKE 'agreement %' "
            "ORDER BY audit.id")


MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE employee (
            employee_id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            birth_date DATE NOT NULL,
            department TEXT,
            manager_id TEXT,
            hire_date DATE,
            leave_date DATE,
            email TEXT,
            weekly_hours FLOAT,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID""",
        # No indexes on department or manager: a full scan is fast enough for the filters,
        # and each index nearly triples the time of a 500,000-row import.
        """CREATE TABLE conversation (
            id INTEGER NOT NULL PRIMARY KEY,
            employee_id TEXT NOT NULL REFERENCES employee (employee_id) ON DELETE CASCADE,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('invited', 'held', 'declined', 'postponed', 'requested')),
            date DATE NOT NULL,
            note TEXT,
            with_mus BOOLEAN NOT NULL DEFAULT 0,
            union_rep BOOLEAN NOT NULL DEFAULT 0,
            recorded_at TEXT NOT NULL,
            UNIQUE (employee_id, outcome, date)
        )""",
        "CREATE INDEX ix_conversation_employee_id ON conversation (employee_id, date)",
        """CREATE TABLE agreement (
            id INTEGER NOT NULL PRIMARY KEY,
            employee_id TEXT NOT NULL REFERENCES employee (employee_id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            start_date DATE NOT NULL,
            end_date DATE,
            open_ended BOOLEAN NOT NULL DEFAULT 0,
            ended_on DATE,
            weekly_hours FLOAT,
            amount FLOAT,
            note TEXT,
            renews_id INTEGER REFERENCES agreement (id) ON DELETE SET NULL,
            rules TEXT,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX ix_agreement_employee_id ON agreement (employee_id)",
        "CREATE INDEX ix_agreement_end_date ON agreement (end_date)",
        "CREATE INDEX ix_agreement_renews_id ON agreement (renews_id)",
        "CREATE TABLE setting (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE audit (
            id INTEGER NOT NULL PRIMARY KEY,
            at TEXT NOT NULL,
            os_user TEXT NOT NULL,
            command TEXT NOT NULL,
            rows_changed INTEGER NOT NULL
        )""",
    ),
    2: (
        # The audit id of the import that last listed the employee. A full import marks those
        # it did not list as left by this column, instead of collecting every id of the file in
        # a TEMP table (a fresh 500,000-row import: ~0.8 s faster; duplicates are caught by it
        # too).
        "ALTER TABLE employee ADD COLUMN last_import INTEGER",
        # Each employee's next offer under a rule set (it does not depend on the as-of date),
        # with what the due list shows of them, so `due` reads one range instead of deciding
        # for everyone again and looking each of them up. Derived data: written by `due` and
        # `report coverage`; deleted by the triggers below when an employee's conversations
        # change or the employee is deleted, and by the import for the rows it changes (only
        # the import changes employee rows; a trigger on every row it upserts would cost 0.5 s
        # per 500,000 rows). See services/cache.py.
        """CREATE TABLE due_cache (
            rules_key TEXT NOT NULL,
            due_date DATE NOT NULL,
            employee_id TEXT NOT NULL,
            pending TEXT,
            reason TEXT NOT NULL,
            name TEXT NOT NULL,
            department TEXT,
            manager_id TEXT,
            birth_date DATE NOT NULL,
            leave_date DATE,
            PRIMARY KEY (rules_key, due_date, employee_id)
        ) WITHOUT ROWID""",
        "CREATE UNIQUE INDEX ix_due_cache_employee_id ON due_cache (employee_id, rules_key)",
        """CREATE TRIGGER due_cache_employee_deleted AFTER DELETE ON employee
            BEGIN DELETE FROM due_cache WHERE employee_id = OLD.employee_id; END""",
        """CREATE TRIGGER due_cache_outcome_added AFTER INSERT ON conversation
            BEGIN DELETE FROM due_cache WHERE employee_id = NEW.employee_id; END""",
        """CREATE TRIGGER due_cache_outcome_changed AFTER UPDATE ON conversation
            BEGIN DELETE FROM due_cache WHERE employee_id IN (OLD.employee_id,
                NEW.employee_id); END""",
        """CREATE TRIGGER due_cache_outcome_deleted AFTER DELETE ON conversation
            BEGIN DELETE FROM due_cache WHERE employee_id = OLD.employee_id; END""",
    ),
    3: (
        # The kept due answers go: they did not depend on the as-of date while the outcomes
        # they were decided from do (an answer for a past date counted later conversations).
        # `due` and `report coverage` now decide from scratch on the date asked about, fast
        # enough without keeping anything (services/due.py).
        "DROP TRIGGER IF EXISTS due_cache_employee_deleted",
        "DROP TRIGGER IF EXISTS due_cache_outcome_added",
        "DROP TRIGGER IF EXISTS due_cache_outcome_changed",
        "DROP TRIGGER IF EXISTS due_cache_outcome_deleted",
        "DROP TABLE IF EXISTS due_cache",
        # The audit id of the full import that marked the employee as left because the roster
        # left them out (leave date = that import's date); NULL when the leave date came from a
        # file (or there is none). A later roster that lists them without a leave date makes
        # them current again; a leave date given in a file is kept. Databases from version 2
        # cannot tell the two apart: their leavers keep NULL (their leave dates are kept).
        "ALTER TABLE employee ADD COLUMN left_by_import INTEGER",
        # Only the few marked rows are in it: the import finds who is back again without
        # scanning the table, and upserts that do not mark anyone never touch it.
        "CREATE INDEX ix_employee_left_by_import ON employee (left_by_import) "
        "WHERE left_by_import IS NOT NULL",
        # The audit id of the import that made such an employee current again ("back again"),
        # for `show`.
        "ALTER TABLE employee ADD COLUMN back_by_import INTEGER",
        # 9999-12-31 is payroll systems' "no end": agreements stored with it by version 2 are
        # open-ended (and so are leave dates, which the import already read as none).
        "UPDATE agreement SET end_date = NULL, open_ended = 1 WHERE end_date = '9999-12-31'",
        "UPDATE employee SET leave_date = NULL WHERE leave_date = '9999-12-31'",
        # Corrections keep what they changed: the employee a correction or withdrawal concerns
        # (for `show`, and so `purge` can delete it with them) and what it changed, old → new
        # (dates, outcome, hours, amount, note, the reason given; never a CPR number). NULL for
        # every other command, which records counts only.
        "ALTER TABLE audit ADD COLUMN employee_id TEXT",
        "ALTER TABLE audit ADD COLUMN detail TEXT",
        "CREATE INDEX ix_audit_employee_id ON audit (employee_id) WHERE employee_id IS NOT NULL",
        # An agreement recorded by mistake is withdrawn, not deleted: it counts nowhere (lists,
        # expiry, limits), while `show` and the audit log keep it visible. When (UTC stamp).
        "ALTER TABLE agreement ADD COLUMN withdrawn_at TEXT",
        # A withdrawn outcome is deleted from the log (the audit keeps it), so the ids of the
        # log must never be handed out again: `log withdraw 12` run twice, or a correction
        # kept for "outcome 12", must not reach a later outcome. AUTOINCREMENT guarantees it;
        # SQLite adds it only to a new table, so the log is copied into one (ids kept).
        """CREATE TABLE conversation_v3 (
            id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            employee_id TEXT NOT NULL REFERENCES employee (employee_id) ON DELETE CASCADE,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('invited', 'held', 'declined', 'postponed', 'requested')),
            date DATE NOT NULL,
            note TEXT,
            with_mus BOOLEAN NOT NULL DEFAULT 0,
            union_rep BOOLEAN NOT NULL DEFAULT 0,
            recorded_at TEXT NOT NULL,
            UNIQUE (employee_id, outcome, date)
        )""",
        "INSERT INTO conversation_v3 (id, employee_id, outcome, date, note, with_mus, union_rep, "
        "recorded_at) SELECT id, employee_id, outcome, date, note, with_mus, union_rep, "
        "recorded_at FROM conversation",
        "DROP TABLE conversation",
        "ALTER TABLE conversation_v3 RENAME TO conversation",
        "CREATE INDEX ix_conversation_employee_id ON conversation (employee_id, date)",
        # What `log withdraw` took out of the log, and what `log correct` moved away from
        # (another employee, date or outcome): (employee, outcome, date), so that an outcome
        # file run again does not log it once more. Deleted by `purge` with the employee.
        """CREATE TABLE retracted_outcome (
            employee_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            date DATE NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (employee_id, outcome, date)
        ) WITHOUT ROWID""",
        # Infinities stored by version 2 (SQLite keeps them as 9e999) are no amount and no
        # number of hours: they broke JSON output and the tables. NaN is stored as NULL.
        "UPDATE agreement SET amount = NULL WHERE abs(amount) > 1e308",
        "UPDATE agreement SET weekly_hours = NULL WHERE abs(weekly_hours) > 1e308",
        "UPDATE employee SET weekly_hours = NULL WHERE abs(weekly_hours) > 1e308",
    ),
    4: (
        # When an agreement was changed after it was recorded, and what changed: the payroll
        # change file reports a correction on the day it was made (it read the audit log's
        # text before, which a note could imitate). Deleted with the agreement.
        """CREATE TABLE agreement_change (
            id INTEGER NOT NULL PRIMARY KEY,
            agreement_id INTEGER NOT NULL REFERENCES agreement (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            fields TEXT NOT NULL
        )""",
        "CREATE INDEX ix_agreement_change_agreement_id ON agreement_change (agreement_id)",
        "CREATE INDEX ix_agreement_change_at ON agreement_change (at)",
        # The corrections made before, from the audit log's detail ("agreement 12 (…): end
        # 2027-12-31 → 2027-06-30; hours 30 → 28"), oldest first.
        backfill_agreement_changes("sqlite"),
    ),
}

LATEST = max(MIGRATIONS)
