#!/bin/bash
# seniorcli's monthly job: back up the database, import payroll's roster, and write
#   due-<department>.csv  who must be offered a senior conversation, one list per department
#   due-alle.csv          the same for everyone (also those without a department)
#                         (CSV for Danish Excel: ';', UTF-8 with BOM, DD-MM-YYYY)
#   udloeb.xlsx           senior agreements ending in the next 90 days, for payroll
#   rapport.html          coverage, age profile and retirement outlook for the works council
#   ledere/               one overview per manager (due now, due soon, agreements ending) and
#                         oversigt.csv with each manager's e-mail, ready to mail
#   loenaendringer-YYYY-MM.csv/.xlsx  last month's starts, changes and ends of senior
#                         agreements for the payroll system (when MONTHLY_WAGE_TYPES is set)
# into OUT/YYYY-MM/, and OUT/invitationer/: calendar invitations and flettefil.csv (when
# MONTHLY_INVITE is set; one folder for every month, so that events are updated, not doubled). A run that goes well prints nothing, so cron mails nothing; the first
# command that fails stops the job with its message on standard error (cron mails it) and
# exit code 1 (input refused, nothing changed) or 2 (wrong usage: fix this script).
#
# Install: copy this file (e.g. to /srv/hr/bin/monthly.sh), `chmod 700` it, set the settings
# below, and add one line to the crontab of the user who owns the database (`crontab -e`):
#
#   30 2 1 * * /srv/hr/bin/monthly.sh
#
# cron starts it with an almost empty environment (no virtual environment, PATH=/usr/bin:/bin),
# so every path below is absolute and nothing is taken from a login shell. Each setting may also
# be given in the environment (e.g. MONTHLY_AS_OF=2026-11-01 to redo November's files).
set -euo pipefail

# --- settings ------------------------------------------------------------------------------
# The seniorcli command inside its virtual environment (`python3 -m venv /opt/seniorcli/venv &&
# /opt/seniorcli/venv/bin/pip install seniorcli`).
SENIORCLI="${SENIORCLI:-/opt/seniorcli/venv/bin/seniorcli}"
SENIORCLI_DB="${SENIORCLI_DB:-/srv/hr/seniorer.db}"           # the database
MONTHLY_ROSTER="${MONTHLY_ROSTER-/srv/lon/export/medarbejdere.csv}"  # empty: no import
MONTHLY_OUT="${MONTHLY_OUT:-/srv/hr/seniorcli}"               # a folder per month is made here
MONTHLY_BACKUP="${MONTHLY_BACKUP-/srv/hr/backup}"             # empty: no backup
MONTHLY_RULES="${MONTHLY_RULES-albertslund}"  # empty: the default (`seniorcli config set rules`)
MONTHLY_WITHIN="${MONTHLY_WITHIN:-30}"        # due lists: also those due in the next N days
MONTHLY_EXPIRING="${MONTHLY_EXPIRING:-90}"    # agreements ending in the next N days
MONTHLY_AS_OF="${MONTHLY_AS_OF:-}"            # empty: today in Europe/Copenhagen
# The lønart codes per agreement type (docs/payroll.md); empty: no payroll change file.
MONTHLY_WAGE_TYPES="${MONTHLY_WAGE_TYPES:-}"
# Calendar invitations for those due: empty = none, "yes" = write them, "log" = write them and
# log `invited` for each (once).
MONTHLY_INVITE="${MONTHLY_INVITE:-}"
# ---------------------------------------------------------------------------------------------

PATH=/usr/bin:/bin
export PATH
umask 077  # the files hold personal data: private to this user

if [[ ! -x "$SENIORCLI" ]]; then
    echo "monthly.sh: no seniorcli at $SENIORCLI; set SENIORCLI at the top of $0" >&2
    exit 1
fi
# The virtual environment's own Python (the departments are read from seniorcli's JSON).
PYTHON="$(dirname "$(readlink -f "$SENIORCLI")")/python"

db=(--db "$SENIORCLI_DB")
as_of=()
rules=()
if [[ -n "$MONTHLY_AS_OF" ]]; then
    if [[ ! "$MONTHLY_AS_OF" =~ ^([0-9]{4}-[0-9]{2})-[0-9]{2}$ ]]; then
        echo "monthly.sh: MONTHLY_AS_OF must be a date YYYY-MM-DD, not '$MONTHLY_AS_OF'" >&2
        exit 2
    fi
    as_of=(--as-of "$MONTHLY_AS_OF")
    month="${BASH_REMATCH[1]}"
else
    month="$(TZ=Europe/Copenhagen date +%Y-%m)"
fi
if [[ -n "$MONTHLY_RULES" ]]; then
    rules=(--rules "$MONTHLY_RULES")
fi
out="$MONTHLY_OUT/$month"
mkdir -p "$out"

# 1. A copy of the database as it was before this month's import (of a PostgreSQL register
#    too: the copy is an SQLite file).
#    A run again in the same month (after a fix) keeps the first copy: the one from before
#    this month's import.
if [[ -n "$MONTHLY_BACKUP" && ( -e "$SENIORCLI_DB" || "$SENIORCLI_DB" == postgres*://* ) \
      && ! -e "$MONTHLY_BACKUP/seniorer-$month.db" ]]; then
    mkdir -p "$MONTHLY_BACKUP"
    "$SENIORCLI" "${db[@]}" backup "$MONTHLY_BACKUP/seniorer-$month.db"
fi

# 2. This month's roster from payroll (a refused roster changes nothing and stops the job).
if [[ -n "$MONTHLY_ROSTER" ]]; then
    "$SENIORCLI" "${db[@]}" import "$MONTHLY_ROSTER" ${as_of[@]+"${as_of[@]}"}
fi

# 3. The due lists: everyone, then one file per department.
due=(due ${rules[@]+"${rules[@]}"} ${as_of[@]+"${as_of[@]}"} --within "$MONTHLY_WITHIN" --excel)
"$SENIORCLI" "${db[@]}" "${due[@]}" --output "$out/due-alle.csv"
departments="$("$SENIORCLI" "${db[@]}" employees ${as_of[@]+"${as_of[@]}"} --format json |
    "$PYTHON" -c '
import json, re, sys
seen = set()
for name in sorted({e["department"] for e in json.load(sys.stdin) if e["department"]}):
    file = re.sub(r"\W+", "-", name).strip("-") or "afdeling"
    while file.lower() in seen:
        file += "-"
    seen.add(file.lower())
    print(f"{name}\t{file}")
')"
while IFS=$'\t' read -r department file; do
    [[ -n "$department" ]] || continue
    "$SENIORCLI" "${db[@]}" "${due[@]}" --department "$department" \
        --output "$out/due-$file.csv" < /dev/null
done <<< "$departments"

# 4. Payroll: agreements that end soon, as an Excel workbook.
"$SENIORCLI" "${db[@]}" agreement expiring ${as_of[@]+"${as_of[@]}"} \
    --within "$MONTHLY_EXPIRING" --output "$out/udloeb.xlsx"

# 5. The works council's report (Hovedudvalget): one self-contained HTML file.
"$SENIORCLI" "${db[@]}" report ${rules[@]+"${rules[@]}"} ${as_of[@]+"${as_of[@]}"} \
    --output "$out/rapport.html"

# 6. Each manager's overview, for a mail script (docs/digest.md): due now, due within the
#    month, and their staff's agreements ending within the expiry window.
"$SENIORCLI" "${db[@]}" digest ${rules[@]+"${rules[@]}"} ${as_of[@]+"${as_of[@]}"} \
    --within "$MONTHLY_WITHIN" --agreements-within "$MONTHLY_EXPIRING" --to "$out/ledere"

# 7. Payroll: last month's starts, changes and ends, in the payroll system's import dialect
#    and as a workbook (a month is complete once it is over).
if [[ -n "$MONTHLY_WAGE_TYPES" ]]; then
    last_month="$(date -d "$month-01 -1 month" +%Y-%m)"
    changes=(agreement changes --month "$last_month" --wage-types "$MONTHLY_WAGE_TYPES")
    "$SENIORCLI" "${db[@]}" "${changes[@]}" --format payroll \
        --output "$out/loenaendringer-$last_month.csv"
    "$SENIORCLI" "${db[@]}" "${changes[@]}" --output "$out/loenaendringer-$last_month.xlsx"
fi

# 8. Calendar invitations for everyone due (docs/invitations.md), into one folder that stays
#    the same from month to month: a run updates last month's events and cancels those no
#    longer needed instead of adding new ones. With "log", those invited in an earlier month
#    (pending) are left as they are, so their time does not move.
if [[ -n "$MONTHLY_INVITE" ]]; then
    invite=(invite ${rules[@]+"${rules[@]}"} ${as_of[@]+"${as_of[@]}"} --within "$MONTHLY_WITHIN"
            --to "$MONTHLY_OUT/invitationer")
    if [[ "$MONTHLY_INVITE" == log ]]; then
        invite+=(--log-invited --skip-invited)
    fi
    "$SENIORCLI" "${db[@]}" "${invite[@]}"
fi
