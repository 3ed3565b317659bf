// DuckDB's answer to the metrics benchmark's question (bench/metrics.sh): NPS by plan and ISO
// week over the generated survey CSV, loaded into an in-memory table with read_csv.
//
//	node bench/metrics/duckdb.mjs --prefix DIR --csv FILE --from 2024-07-01 --to 2026-01-05 \
//	  --runs 7 --cells OUT.tsv
//
// --prefix is the folder @duckdb/node-api was installed into with npm --prefix (bench/metrics.sh
// installs it in bench/out/duckdb, never in the repository). The load is timed once; the query is
// run once to warm up and then --runs times, each timed alone in process. Standard output is
// one JSON object: the DuckDB version, the load's seconds, the rows loaded, each run's seconds
// and their median. --cells gets the answer as tab-separated plan, week (its Monday), n,
// promoters, detractors and NPS, one line per plan and week, for the script's check.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const { values: opt } = parseArgs({
  options: {
    prefix: { type: 'string' },
    csv: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    runs: { type: 'string', default: '7' },
    cells: { type: 'string' },
  },
});
for (const name of ['prefix', 'csv', 'from', 'to', 'cells']) {
  if (!opt[name]) {
    console.error(`duckdb.mjs: --${name} is required`);
    process.exit(2);
  }
}
const day = /^\d{4}-\d{2}-\d{2}$/;
if (!day.test(opt.from) || !day.test(opt.to)) {
  console.error('duckdb.mjs: --from and --to must be YYYY-MM-DD');
  process.exit(2);
}
const runs = Number(opt.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error('duckdb.mjs: --runs must be 1 to 100');
  process.exit(2);
}

const require = createRequire(resolve(opt.prefix, 'package.json'));
const { DuckDBInstance, version } = require('@duckdb/node-api');

// No extension is fetched at run time: the ones the package ships (icu for time zones among
// them) are enough.
const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
const db = await instance.connect();
// Lodestar counts days in the workspace's time zone, UTC here; the session's zone only matters
// to the load's conversion below.
await db.run("SET TimeZone = 'UTC'");

const quote = (s) => `'${s.replaceAll("'", "''")}'`;

// The whole file, every column, as Lodestar imports it. The types are given so that nothing
// depends on sniffing: submitted_at is read as TIMESTAMPTZ, which applies its UTC offset, and
// kept as a plain TIMESTAMP in UTC, as Lodestar keeps `at`. Read as TIMESTAMP directly, DuckDB
// would drop the offset (wrong weeks); kept as TIMESTAMPTZ, every date_trunc goes through ICU,
// more than ten times slower on this query. nps and csat may be blank (NULL).
let t = performance.now();
await db.run(`CREATE TABLE survey AS
SELECT * REPLACE (timezone('UTC', submitted_at) AS submitted_at)
FROM read_csv(${quote(opt.csv)}, header = true, columns = {
  'response_id': 'VARCHAR', 'submitted_at': 'TIMESTAMPTZ', 'customer_id': 'VARCHAR',
  'plan': 'VARCHAR', 'region': 'VARCHAR', 'channel': 'VARCHAR', 'nps': 'INTEGER',
  'csat': 'INTEGER', 'comment': 'VARCHAR', 'touchpoint': 'VARCHAR'})`);
const loadSeconds = (performance.now() - t) / 1000;
const loaded = Number((await db.runAndReadAll('SELECT count(*) AS n FROM survey')).getRowObjectsJS()[0].n);

// NPS by plan and ISO week (weeks start on Monday) over the span [from, to): the same
// question as GET …/metric-values?kind=nps&by=plan&every=week.
const query = `
SELECT plan, week::VARCHAR AS week, n, promoters, detractors,
       round(100.0 * (promoters - detractors) / n, 4) AS nps
FROM (
  SELECT plan,
         date_trunc('week', submitted_at)::DATE AS week,
         count(*) AS n,
         count(*) FILTER (WHERE nps >= 9) AS promoters,
         count(*) FILTER (WHERE nps <= 6) AS detractors
  FROM survey
  WHERE nps BETWEEN 0 AND 10
    AND submitted_at >= TIMESTAMP ${quote(opt.from)}
    AND submitted_at < TIMESTAMP ${quote(opt.to)}
  GROUP BY plan, week
)
ORDER BY plan, week`;

let rows = (await db.runAndReadAll(query)).getRowObjectsJS(); // warm-up
const seconds = [];
for (let i = 0; i < runs; i++) {
  t = performance.now();
  const reader = await db.runAndReadAll(query);
  rows = reader.getRowObjectsJS();
  seconds.push((performance.now() - t) / 1000);
}
const sorted = [...seconds].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]
  : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

writeFileSync(opt.cells, rows.map((r) =>
  [r.plan, r.week, r.n, r.promoters, r.detractors, r.nps].join('\t') + '\n').join(''));
console.log(JSON.stringify({
  version: version(),
  threads: (await db.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjectsJS()[0].t.toString(),
  load_seconds: loadSeconds,
  rows_loaded: loaded,
  cells: rows.length,
  seconds,
  median_seconds: median,
}));
db.closeSync();
instance.closeSync();
