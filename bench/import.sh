#!/usr/bin/env bash
# bench/import.sh: how fast `lodestar import` loads a large survey export, next to the plain
# tools that load the same file into a bare table.
#
# Usage (from anywhere in the repository):
#
#	bench/import.sh                       # 1,000,000 rows
#	ROWS=100000 bench/import.sh           # a quick check
#	PG_URL=postgres://… bench/import.sh   # another PostgreSQL
#
# Environment:
#	ROWS    records in the generated file (default 1000000)
#	SEED    the generator's seed (default 1)
#	FORMAT  the import format (default csv, the generic CSV format)
#	PG_URL  a PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable);
#	        the run works in a schema of its own, lodestar_bench_PID, and drops it at the end
#
# What one run does:
#	1. builds lodestar and bench/gen into a temporary directory;
#	2. writes bench/out/survey-ROWS.csv and its mapping, bench/out/survey-ROWS.mapping.json;
#	3. imports the file with `lodestar import --format csv --mapping … FILE` into a fresh SQLite data
#	   directory, then again into the same one (a re-import, which must write nothing), then into
#	   PostgreSQL; each run under /usr/bin/time -v for wall clock and peak RSS;
#	4. loads the same file with `sqlite3 .import --csv --skip 1` into a bare table of the same
#	   columns in a fresh database file, and with `psql \copy … CSV HEADER` into a bare table;
#	5. prints a markdown table (also saved as bench/out/import-ROWS.md).
#
# Peak RSS is the client process's: lodestar's own for SQLite (the database runs inside it), and
# lodestar's or psql's, not the PostgreSQL server's, for PostgreSQL. Every tool's output lands in
# bench/out/NAME.{out,err,time}.
#
# Needs: go, sqlite3, psql, /usr/bin/time (GNU time), a PostgreSQL reachable at PG_URL.
set -euo pipefail

ROWS=${ROWS:-1000000}
SEED=${SEED:-1}
FORMAT=${FORMAT:-csv}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
schema=lodestar_bench_$$
pg_made=

cleanup() {
	if [[ -n $pg_made ]]; then
		psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# timed NAME CMD…: runs CMD under GNU time for its peak RSS, timing the wall clock around it;
# its output goes to bench/out/NAME.{out,err,time,seconds}.
timed() {
	local name=$1
	shift
	local start end
	start=$(date +%s.%N)
	if ! /usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err"; then
		log "$name failed:"
		tail -n 20 "$out/$name.err" >&2
		exit 1
	fi
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }' >"$out/$name.seconds"
}

# seconds NAME: the wall clock of a timed run.
seconds() { cat "$out/$1.seconds"; }

# rss NAME: the peak resident set size of a timed run, in MB.
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/$1.time"; }

# with_param URL K=V: the URL with one more query parameter.
with_param() { if [[ $1 == *\?* ]]; then echo "$1&$2"; else echo "$1?$2"; fi; }

log "building lodestar and bench/gen into $tmp"
(cd "$root" && go build -o "$tmp/lodestar" ./cmd/lodestar && go build -o "$tmp/gen" ./bench/gen)
lodestar=$tmp/lodestar

csv=$out/survey-$ROWS.csv
mapping=$out/survey-$ROWS.mapping.json
log "generating $ROWS rows into $csv"
timed gen "$tmp/gen" -rows "$ROWS" -seed "$SEED" -out "$csv" -mapping "$mapping"
log "  $(du -h "$csv" | cut -f1) in $(seconds gen) s"

import_flags=(--format "$FORMAT" --mapping "$mapping" --analyze=false)

# setup STORAGE-FLAGS…: creates the admin and the workspace; prints the workspace's id.
setup() {
	printf 'pw-123456789\n' | "$lodestar" user create "$@" --email a@example.com --name A --admin --password-stdin >/dev/null
	"$lodestar" workspace create "$@" --name Bench --owner a@example.com | awk '/^created workspace/ { print $3 }'
}

# summary NAME: the import's summary line.
summary() { grep '^import ' "$out/$1.out" | tail -n 1; }

# --- Lodestar on SQLite, then the same file again ---------------------------------------
data=$out/sqlite-data
rm -rf "$data"
ws=$(setup --data-dir "$data")
log "lodestar import into SQLite ($data, workspace $ws)"
timed lodestar-sqlite "$lodestar" import --workspace "$ws" "${import_flags[@]}" --data-dir "$data" "$csv"
log "  $(summary lodestar-sqlite)"
log "lodestar re-import of the same file into SQLite"
timed lodestar-sqlite-again "$lodestar" import --workspace "$ws" "${import_flags[@]}" --data-dir "$data" "$csv"
again=$(summary lodestar-sqlite-again)
log "  $again"
sqlite_counts=$(sqlite3 "$data/lodestar.db" "SELECT (SELECT count(*) FROM feedback_items) || ' feedback items, ' || (SELECT count(*) FROM customers) || ' customers'")
sqlite_size=$(du -sh "$data" | cut -f1)

# --- Lodestar on PostgreSQL ----------------------------------------------------------------
psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $schema" >/dev/null
pg_made=1
pg_ws_url=$(with_param "$PG_URL" "search_path=$schema")
ws_pg=$(setup --database "$pg_ws_url")
log "lodestar import into PostgreSQL (schema $schema, workspace $ws_pg)"
timed lodestar-postgres "$lodestar" import --workspace "$ws_pg" "${import_flags[@]}" --database "$pg_ws_url" "$csv"
log "  $(summary lodestar-postgres)"
pg_counts=$(psql "$PG_URL" -qXAt -c "SELECT (SELECT count(*) FROM $schema.feedback_items) || ' feedback items, ' || (SELECT count(*) FROM $schema.customers) || ' customers'")

# --- The plain tools -----------------------------------------------------------------------
columns="response_id TEXT, submitted_at TEXT, customer_id TEXT, plan TEXT, region TEXT, channel TEXT, nps TEXT, csat TEXT, comment TEXT, touchpoint TEXT"
bare=$out/bare.db
rm -f "$bare"
sqlite3 "$bare" "CREATE TABLE bare ($columns)"
log "sqlite3 .import"
timed sqlite3-import sqlite3 "$bare" ".import --csv --skip 1 $csv bare"
bare_rows=$(sqlite3 "$bare" "SELECT count(*) FROM bare")

psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE TABLE $schema.bare ($columns)" >/dev/null
log "psql \\copy"
timed psql-copy psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c "\\copy $schema.bare FROM '$csv' CSV HEADER"
copy_rows=$(psql "$PG_URL" -qXAt -c "SELECT count(*) FROM $schema.bare")

# --- The table -----------------------------------------------------------------------------
# row TARGET NAME [TOOL-NAME]: one line of the table; the ratio is rows/s over the tool's rows/s.
row() {
	local s r ratio=—
	s=$(seconds "$2")
	r=$(awk -v n="$ROWS" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
	if [[ -n ${3:-} ]]; then
		ratio=$(awk -v a="$s" -v b="$(seconds "$3")" 'BEGIN { printf "%.3f×", (a > 0 ? b / a : 0) }')
	fi
	printf '| %s | %d | %s | %s | %s | %s |\n' "$1" "$ROWS" "$s" "$r" "$ratio" "$(rss "$2")"
}

report=$out/import-$ROWS.md
{
	echo "| target | rows | seconds | rows/s | ratio to plain tool | peak RSS MB |"
	echo "|---|---:|---:|---:|---:|---:|"
	row "lodestar → SQLite" lodestar-sqlite sqlite3-import
	row "lodestar → SQLite, re-import" lodestar-sqlite-again sqlite3-import
	row "lodestar → PostgreSQL" lodestar-postgres psql-copy
	row "sqlite3 .import" sqlite3-import
	row "psql \\copy" psql-copy
	echo
	echo "- file: $(basename "$csv"), $(du -h "$csv" | cut -f1), seed $SEED; generated in $(seconds gen) s"
	echo "- SQLite: $(summary lodestar-sqlite)"
	echo "- SQLite re-import: $again"
	echo "- SQLite holds $sqlite_counts ($sqlite_size on disk)"
	echo "- PostgreSQL: $(summary lodestar-postgres)"
	echo "- PostgreSQL holds $pg_counts"
	echo "- plain tools loaded $bare_rows rows (sqlite3) and $copy_rows rows (psql)"
} | sed "s|$out/||g" >"$report"

if [[ $again =~ ([0-9]+)\ inserted,\ ([0-9]+)\ updated ]] && ((BASH_REMATCH[1] == 0 && BASH_REMATCH[2] == 0)); then
	echo "- the re-import wrote nothing new" >>"$report"
else
	echo "- THE RE-IMPORT WROTE SOMETHING: $again" >>"$report"
fi
cat "$report"
