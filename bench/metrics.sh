#!/usr/bin/env bash
# bench/metrics.sh: how fast Lodestar answers "NPS by plan × week" over a generated survey,
# through its API, on SQLite and on PostgreSQL, next to DuckDB answering the same question on
# the same CSV and to a full-scan GROUP BY on Lodestar's own feedback_items table (what a
# dashboard would cost without the daily aggregates).
#
# Usage (from anywhere in the repository):
#
#	bench/metrics.sh                       # 1,000,000 rows
#	ROWS=100000 bench/metrics.sh           # a quick check
#	KEEP_PG=1 bench/metrics.sh             # keep the PostgreSQL schema, to reuse it next time
#
# Environment:
#	ROWS     records in the generated file (default 1000000)
#	SEED     the generator's seed (default 1)
#	RUNS     timed runs of each query, after one warm-up (default 7); the table gives the median
#	PORT     the loopback port `lodestar serve` listens on (default 18080)
#	FROM, TO the span asked, YYYY-MM-DD, TO excluded (default 2024-07-01 to 2026-01-05: every
#	         generated response, in whole ISO weeks)
#	PG_URL   a PostgreSQL URL on this machine (default
#	         postgres://postgres@127.0.0.1:5432/test?sslmode=disable); the run works in a schema of
#	         its own, lodestar_metrics_PID, reached with search_path= and dropped at the end
#	KEEP_PG  when 1, the schema is lodestar_metrics_ROWS_SEED instead and is kept, so that a
#	         later run with the same ROWS, SEED and file reuses its import
#
# What one run does:
#	1. builds lodestar and bench/gen; writes bench/out/metrics-ROWS-SEED/survey.csv and its
#	   mapping (the same seed gives the same bytes);
#	2. imports the file into SQLite (bench/out/metrics-ROWS-SEED/sqlite-data) and into
#	   PostgreSQL, unless an earlier run imported this very file (same SHA-256) there: the import
#	   is the slow part (minutes for 1,000,000 rows), so the SQLite data directory is always
#	   kept and reused, and the PostgreSQL schema is with KEEP_PG=1;
#	3. for each database: starts `lodestar serve` on 127.0.0.1:PORT, creates a read token, and
#	   times GET /api/v1/workspaces/WS/metric-values?kind=nps&by=plan&every=week&from=FROM&to=TO
#	   with curl (time_total), once to warm up and RUNS times; the answer must come from the
#	   aggregates ("source":"aggregates");
#	4. times the same GROUP BY over feedback_items with sqlite3 (.timer) and psql (\timing);
#	5. installs @duckdb/node-api (the version in bench/metrics/package.json, its native library
#	   inside the npm package) into bench/out/duckdb, and runs bench/metrics/duckdb.mjs: read_csv
#	   of the same file into an in-memory table (timed once), then the query (timed in process);
#	6. checks the answers: n, promoters and detractors of every plan × week must be the same in
#	   all five, and the n of the total and of each plan are printed side by side; any
#	   difference fails the run;
#	7. prints a markdown table (also saved as bench/out/metrics-ROWS.md).
#
# Needs: go, node and npm, sqlite3, psql, curl, jq, a PostgreSQL reachable at PG_URL.
set -euo pipefail

ROWS=${ROWS:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-7}
PORT=${PORT:-18080}
FROM=${FROM:-2024-07-01}
TO=${TO:-2026-01-05}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
KEEP_PG=${KEEP_PG:-}

die() {
	echo "metrics.sh: $*" >&2
	exit 1
}
[[ $ROWS =~ ^[0-9]+$ && $ROWS -gt 0 ]] || die "ROWS must be a positive number"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED must be a number"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 && $RUNS -le 50 ]] || die "RUNS must be 1 to 50"
[[ $PORT =~ ^[0-9]+$ && $PORT -ge 1024 && $PORT -le 65535 ]] || die "PORT must be 1024 to 65535"
[[ $FROM =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && $TO =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "FROM and TO must be YYYY-MM-DD"
# Only this machine: the URL's host must be a loopback address (or none, for a Unix socket).
pg_host=$(sed -E 's|^[a-z]+://([^@/]*@)?(\[[^]]*\]\|[^:/?]*).*|\2|' <<<"$PG_URL")
if [[ $PG_URL =~ [?\&]host=([^\&]*) ]]; then
	pg_host=${BASH_REMATCH[1]}
fi
[[ -z $pg_host || $pg_host == /* || $pg_host == localhost || $pg_host =~ ^127\. || $pg_host == '[::1]' ]] ||
	die "PG_URL must name a loopback host or a socket directory, not $pg_host"

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
work=$out/metrics-$ROWS-$SEED
mkdir -p "$work"
tmp=$(mktemp -d)
if [[ $KEEP_PG == 1 ]]; then
	schema=lodestar_metrics_${ROWS}_$SEED
else
	schema=lodestar_metrics_$$
fi
pg_made=
server=

cleanup() {
	if [[ -n $server ]]; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	if [[ -n $pg_made && $KEEP_PG != 1 ]]; then
		psql "$PG_URL" -qX -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# with_param URL K=V: the URL with one more query parameter.
with_param() { if [[ $1 == *\?* ]]; then echo "$1&$2"; else echo "$1?$2"; fi; }

# median: the median of the numbers on standard input, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# stats NAME: "median min max" of the seconds in $tmp/NAME.seconds (one a line, warm-up excluded).
stats() {
	local f=$tmp/$1.seconds
	[[ $(wc -l <"$f") -eq $RUNS ]] || die "$1: expected $RUNS timings, got $(wc -l <"$f")"
	printf '%s %s %s\n' "$(median <"$f")" "$(sort -g "$f" | head -n 1)" "$(sort -g "$f" | tail -n 1)"
}

# --- Build, generate -------------------------------------------------------------------------
log "building lodestar and bench/gen into $tmp"
(cd "$root" && go build -o "$tmp/lodestar" ./cmd/lodestar && go build -o "$tmp/gen" ./bench/gen)
lodestar=$tmp/lodestar

csv=$work/survey.csv
mapping=$work/survey.mapping.json
log "generating $ROWS rows into $csv"
"$tmp/gen" -rows "$ROWS" -seed "$SEED" -out "$csv" -mapping "$mapping"
sha=$(sha256sum "$csv" | cut -c1-64)

# setup STORAGE-FLAGS…: creates the admin and the workspace; prints the workspace's id.
setup() {
	printf 'pw-123456789\n' | "$lodestar" user create "$@" --email a@example.com --name A --admin --password-stdin >/dev/null
	"$lodestar" workspace create "$@" --name Bench --owner a@example.com | awk '/^created workspace/ { print $3 }'
}

# import NAME WS STORAGE-FLAGS…: imports the file, timing it; the summary line goes to
# $work/NAME.import.
import() {
	local name=$1 ws=$2 start end
	shift 2
	start=$(date +%s.%N)
	"$lodestar" import --workspace "$ws" --format csv --mapping "$mapping" --analyze=false "$@" "$csv" >"$work/$name.import.out" 2>"$work/$name.import.err" ||
		{ tail -n 20 "$work/$name.import.err" >&2; die "lodestar import into $name failed"; }
	end=$(date +%s.%N)
	printf '%s, in %s s by the clock\n' "$(grep '^import ' "$work/$name.import.out" | tail -n 1)" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" >"$work/$name.import"
}

# --- Lodestar on SQLite: import, unless this file is imported already ------------------------
data=$work/sqlite-data
if [[ -f $work/sqlite.ok && $(cut -d' ' -f1 "$work/sqlite.ok") == "$sha" ]]; then
	ws=$(cut -d' ' -f2 "$work/sqlite.ok")
	sqlite_import="reused the import of an earlier run: $(cat "$work/sqlite.import")"
	log "SQLite: reusing $data (workspace $ws)"
else
	rm -rf "$data" "$work/sqlite.ok"
	ws=$(setup --data-dir "$data")
	log "SQLite: lodestar import into $data (workspace $ws); about 4,000 to 8,000 records/s"
	import sqlite "$ws" --data-dir "$data"
	echo "$sha $ws" >"$work/sqlite.ok"
	sqlite_import=$(cat "$work/sqlite.import")
fi
log "  $sqlite_import"

# --- Lodestar on PostgreSQL ------------------------------------------------------------------
pg_ws_url=$(with_param "$PG_URL" "search_path=$schema")
pg_mark=$(psql "$PG_URL" -qXAt -c "SELECT coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace WHERE nspname = '$schema'")
if [[ $KEEP_PG == 1 && $pg_mark == "$sha "* ]]; then
	ws_pg=${pg_mark#* }
	ws_pg=${ws_pg%% *}
	pg_import="reused the import of an earlier run: ${pg_mark#* * }"
	log "PostgreSQL: reusing schema $schema (workspace $ws_pg)"
else
	psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
	pg_made=1
	ws_pg=$(setup --database "$pg_ws_url")
	log "PostgreSQL: lodestar import into schema $schema (workspace $ws_pg)"
	import postgres "$ws_pg" --database "$pg_ws_url"
	pg_import=$(cat "$work/postgres.import")
	if [[ $KEEP_PG == 1 ]]; then
		psql "$PG_URL" -qX -v ON_ERROR_STOP=1 -v mark="$sha $ws_pg $pg_import" >/dev/null <<<"COMMENT ON SCHEMA $schema IS :'mark';"
	fi
fi
pg_made=1
log "  $pg_import"

# --- Through the API -------------------------------------------------------------------------
base=http://127.0.0.1:$PORT
query="kind=nps&by=plan&every=week&from=$FROM&to=$TO"

# api NAME WS STORAGE-FLAGS…: serves the database, times the query through the API, keeps the
# last answer in $tmp/NAME.json and the plan × week cells in $tmp/NAME.cells.
api() {
	local name=$1 ws=$2 token i code secs
	shift 2
	if curl -s -o /dev/null --max-time 2 "$base/healthz"; then
		die "something already listens on 127.0.0.1:$PORT; set PORT"
	fi
	token=$("$lodestar" token create "$@" --workspace "$ws" --user a@example.com --name "bench-$$" --scope read 2>/dev/null)
	"$lodestar" serve "$@" --listen "127.0.0.1:$PORT" --log-level warn >"$work/serve-$name.log" 2>&1 &
	server=$!
	for ((i = 0; i < 600; i++)); do # up to a minute: serve migrates first
		curl -s -o /dev/null --max-time 1 "$base/healthz" && break
		kill -0 "$server" 2>/dev/null || { cat "$work/serve-$name.log" >&2; die "lodestar serve ($name) stopped"; }
		sleep 0.1
	done
	((i < 600)) || die "lodestar serve ($name) did not answer on $base"
	: >"$tmp/$name.seconds"
	for ((i = 0; i <= RUNS; i++)); do # run 0 is the warm-up
		read -r code secs < <(curl -sS -o "$tmp/$name.json" --max-time 300 -H "Authorization: Bearer $token" \
			-w '%{http_code} %{time_total}\n' "$base/api/v1/workspaces/$ws/metric-values?$query")
		[[ $code == 200 ]] || { cat "$tmp/$name.json" >&2; die "GET metric-values ($name) = $code, want 200"; }
		((i == 0)) || echo "$secs" >>"$tmp/$name.seconds"
	done
	kill "$server"
	wait "$server" 2>/dev/null || true
	server=
	[[ $(jq -r .source "$tmp/$name.json") == aggregates ]] ||
		die "the $name answer came from $(jq -r .source "$tmp/$name.json"), not the aggregates"
	jq -r '.segments[] | .value as $plan | .points[] | select(.n > 0)
		| [$plan, .start, .n, .sample.positive, .sample.negative] | @tsv' "$tmp/$name.json" | sort >"$tmp/$name.cells"
	log "  $name: median $(stats "$name" | cut -d' ' -f1) s"
}

# Other work on the machine shows in the timings; the table says how busy it was.
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
log "API on SQLite: $RUNS runs of GET …/metric-values?$query"
api api-sqlite "$ws" --data-dir "$data"
log "API on PostgreSQL"
api api-postgres "$ws_pg" --database "$pg_ws_url"

# --- Full scans of feedback_items ------------------------------------------------------------
# The same question from the raw answers, as Lodestar counts them: scored NPS answers on 0–10,
# whole numbers, not excluded, in the span (days and weeks in UTC, the workspace's time zone).
sqlite_scan="SELECT json_extract(attributes, '\$.plan') AS plan,
	date(at, 'weekday 0', '-6 days') AS week,
	count(*) AS n, sum(score >= 9) AS promoters, sum(score <= 6) AS detractors,
	round(100.0 * (sum(score >= 9) - sum(score <= 6)) / count(*), 4) AS nps
FROM feedback_items
WHERE workspace_id = $ws AND question = 'nps' AND NOT excluded
	AND scale_min = 0 AND scale_max = 10 AND score BETWEEN 0 AND 10 AND score = CAST(score AS INTEGER)
	AND at >= '$FROM 00:00:00+00:00' AND at < '$TO 00:00:00+00:00'
GROUP BY plan, week ORDER BY plan, week;"
pg_scan="SELECT attributes->>'plan' AS plan,
	date_trunc('week', at AT TIME ZONE 'UTC')::date AS week,
	count(*) AS n, count(*) FILTER (WHERE score >= 9) AS promoters, count(*) FILTER (WHERE score <= 6) AS detractors,
	round(100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*), 4) AS nps
FROM $schema.feedback_items
WHERE workspace_id = $ws_pg AND question = 'nps' AND NOT excluded
	AND scale_min = 0 AND scale_max = 10 AND score BETWEEN 0 AND 10 AND score = trunc(score)
	AND at >= '$FROM 00:00:00+00' AND at < '$TO 00:00:00+00'
GROUP BY plan, week ORDER BY plan, week;"

log "full scan with sqlite3: $RUNS runs"
sqlite3 -readonly -separator $'\t' "$data/lodestar.db" "$sqlite_scan" | cut -f1-5 | sort >"$tmp/scan-sqlite.cells"
{
	echo ".timer on"
	echo ".output /dev/null"
	for ((i = 0; i <= RUNS; i++)); do echo "$sqlite_scan"; done
} | sqlite3 -readonly "$data/lodestar.db" | awk '/^Run Time: real/ { print $4 }' | tail -n +2 >"$tmp/scan-sqlite.seconds"
log "  median $(stats scan-sqlite | cut -d' ' -f1) s"

log "full scan with psql: $RUNS runs"
psql "$PG_URL" -qXAt -F $'\t' -v ON_ERROR_STOP=1 -c "$pg_scan" | cut -f1-5 | sort >"$tmp/scan-postgres.cells"
{
	printf '%s\n' '\timing on' '\o /dev/null'
	for ((i = 0; i <= RUNS; i++)); do echo "$pg_scan"; done
} | psql "$PG_URL" -qX -v ON_ERROR_STOP=1 | awk '/^Time: / { printf "%.6f\n", $2 / 1000 }' | tail -n +2 >"$tmp/scan-postgres.seconds"
log "  median $(stats scan-postgres | cut -d' ' -f1) s"

# --- DuckDB ----------------------------------------------------------------------------------
duck=$out/duckdb
want=$(jq -r '.dependencies["@duckdb/node-api"]' "$root/bench/metrics/package.json")
have=$(jq -r .version "$duck/node_modules/@duckdb/node-api/package.json" 2>/dev/null || true)
if [[ $have != "$want" ]]; then
	log "installing @duckdb/node-api $want into $duck"
	mkdir -p "$duck"
	cp "$root/bench/metrics/package.json" "$duck/package.json"
	npm install --prefix "$duck" --no-audit --no-fund --loglevel=error >&2
fi
log "DuckDB: read_csv, then $RUNS runs of the query"
node "$root/bench/metrics/duckdb.mjs" --prefix "$duck" --csv "$csv" --from "$FROM" --to "$TO" \
	--runs "$RUNS" --cells "$tmp/duckdb.all" >"$tmp/duckdb.json"
cut -f1-5 "$tmp/duckdb.all" | sort >"$tmp/duckdb.cells"
jq -r '.seconds[]' "$tmp/duckdb.json" >"$tmp/duckdb.seconds"
jq -r .load_seconds "$tmp/duckdb.json" >"$tmp/duckdb-load.seconds"
log "  median $(stats duckdb | cut -d' ' -f1) s"

# --- The check -------------------------------------------------------------------------------
plans=(free starter pro enterprise)
# counts NAME: "total free starter pro enterprise", the n of each, from NAME's cells.
counts() {
	awk -F'\t' -v plans="${plans[*]}" '{ n[$1] += $3; t += $3 }
		END { split(plans, p, " "); printf "%d", t; for (i = 1; i <= length(p); i++) printf " %d", n[p[i]]; print "" }' "$tmp/$1.cells"
}
answers=(duckdb api-sqlite api-postgres scan-sqlite scan-postgres)
declare -A label=(
	[duckdb]="DuckDB on the CSV"
	[api-sqlite]="Lodestar API, SQLite"
	[api-postgres]="Lodestar API, PostgreSQL"
	[scan-sqlite]="full scan of feedback_items, sqlite3"
	[scan-postgres]="full scan of feedback_items, psql"
)
cells=$(wc -l <"$tmp/duckdb.cells")
agree=1
verdicts=()
for a in "${answers[@]:1}"; do
	if cmp -s "$tmp/duckdb.cells" "$tmp/$a.cells"; then
		verdicts+=("- ${label[$a]}: all $cells plan × week cells (n, promoters, detractors) equal DuckDB's")
	else
		agree=
		verdicts+=("- ${label[$a]}: DIFFERS from DuckDB in $(diff "$tmp/duckdb.cells" "$tmp/$a.cells" | grep -c '^[<>]' || true) cell lines (< DuckDB, > this)")
		{ diff "$tmp/duckdb.cells" "$tmp/$a.cells" || true; } | head -n 10 >&2
	fi
done
# A plan DuckDB does not know would be missed by the columns above.
for a in "${answers[@]}"; do
	if cut -f1 "$tmp/$a.cells" | sort -u | grep -qvxE "$(
		IFS='|'
		echo "${plans[*]}"
	)"; then
		agree=
		verdicts+=("- ${label[$a]}: HAS A PLAN OUTSIDE ${plans[*]}")
	fi
done

# --- The table -------------------------------------------------------------------------------
duck_median=$(stats duckdb | cut -d' ' -f1)
# row WHAT NAME: one line of the timing table.
row() {
	local m lo hi
	read -r m lo hi < <(stats "$2")
	awk -v w="$1" -v m="$m" -v lo="$lo" -v hi="$hi" -v d="$duck_median" -v rows="$ROWS" \
		'BEGIN { printf "| %s | %d | %.4f | %.4f | %.4f | %.3f× |\n", w, rows, m, lo, hi, m / d }'
}

pg_version=$(psql "$PG_URL" -qXAt -c "SHOW server_version" | cut -d' ' -f1)
sqlite_lib=$(sed -nE 's/^\tmodernc.org\/sqlite (v[0-9.]+).*/\1/p' "$root/go.mod")
daily_sqlite=$(sqlite3 -readonly "$data/lodestar.db" "SELECT count(*) FROM feedback_daily WHERE workspace_id = $ws AND question = 'nps' AND dim = 'plan' AND day >= '$FROM' AND day < '$TO'")
items_sqlite=$(sqlite3 -readonly "$data/lodestar.db" "SELECT count(*) FROM feedback_items WHERE workspace_id = $ws")
report=$out/metrics-$ROWS.md
{
	echo "NPS by plan × week, $FROM to $TO (TO excluded), over $ROWS generated responses: seconds per query, median of $RUNS runs after one warm-up."
	echo
	echo "| query | rows | median s | fastest s | slowest s | ratio to DuckDB |"
	echo "|---|---:|---:|---:|---:|---:|"
	row "Lodestar API (aggregates), SQLite" api-sqlite
	row "Lodestar API (aggregates), PostgreSQL" api-postgres
	row "full scan of feedback_items, sqlite3" scan-sqlite
	row "full scan of feedback_items, psql" scan-postgres
	row "DuckDB, in-memory table from read_csv" duckdb
	awk -v s="$(cat "$tmp/duckdb-load.seconds")" -v rows="$ROWS" \
		'BEGIN { printf "| DuckDB read_csv load (once, not a query) | %d | %.4f | | | — |\n", rows, s }'
	echo
	echo "n of the NPS answers counted, total and by plan:"
	echo
	printf '| answer | total |'
	printf ' %s |' "${plans[@]}"
	echo
	echo "|---|---:|---:|---:|---:|---:|"
	for a in "${answers[@]}"; do
		echo "| ${label[$a]} | $(counts "$a" | sed 's/ / | /g') |"
	done
	echo
	printf '%s\n' "${verdicts[@]}"
	echo
	echo "- file: survey.csv, $(du -h "$csv" | cut -f1), $ROWS rows, seed $SEED, SHA-256 ${sha:0:12}"
	echo "- SQLite: $sqlite_import"
	echo "- SQLite holds $items_sqlite feedback items ($(du -sh "$data" | cut -f1) on disk); the API query reads $daily_sqlite rows of feedback_daily (plan × day)"
	echo "- PostgreSQL: $pg_import"
	echo "- API: curl time_total of GET /api/v1/workspaces/WS/metric-values?$query, new connection each time; answer from \"$(jq -r .source "$tmp/api-sqlite.json")\""
	echo "- sqlite3 times by .timer (real, ms resolution), psql by \\timing; DuckDB $(jq -r .version "$tmp/duckdb.json") (@duckdb/node-api $want, $(jq -r .threads "$tmp/duckdb.json") threads) timed in process, the load apart ($(jq -r .rows_loaded "$tmp/duckdb.json") rows)"
	echo "- ratio to DuckDB: median seconds over DuckDB's median; below 1× is faster than DuckDB"
	echo "- load average (1, 5, 15 min) when the timings began: $loadavg; after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(go version | cut -d' ' -f3), modernc.org/sqlite $sqlite_lib, PostgreSQL $pg_version, sqlite3 $(sqlite3 --version | cut -d' ' -f1), node $(node --version)"
	echo "- date $(date +%F), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes in the tree)')"
} | sed "s|$out/||g" >"$report"
cat "$report"
[[ -n $agree ]] || die "the answers differ (see above); the table is in $report"
