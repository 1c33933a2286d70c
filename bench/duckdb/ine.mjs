// DuckDB side of the tabulation benchmark: INE's monthly table (month ->
// quarter -> year, direction, post -> department, transport, nationality ->
// region and national/foreign) with every margin, crossings and distinct
// persons, by GROUPING SETS; once straight from the CSV, once from a loaded
// table. Then every non-zero cell is compared with pasos' tidy CSV.
// usage: node ine.mjs MOVEMENTS.csv PERSON_LINKS.csv BORDER_POSTS.csv REGIONS.csv PASOS_TABLE.csv
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [movements, links, posts, regions, pasosCsv] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`SET threads TO 2`);
// spill under build/ (DuckDB's default is .tmp in the working directory)
await con.run(`SET temp_directory = '${process.env.DUCKDB_TEMP || 'build/bench/duckdb.tmp'}'`);
await con.run(`CREATE TABLE posts AS SELECT code, department_code, mode FROM read_csv('${posts}', header = true)`);
await con.run(`CREATE TABLE regions AS SELECT code, region, origin FROM read_csv('${regions}', header = true)`);
await con.run(`CREATE TABLE links AS SELECT record_id, person_id FROM read_csv('${links}', header = true)`);

const query = (src) => `
  WITH m AS (
    SELECT substr(event_time, 1, 7) AS month,
           substr(event_time, 1, 4) || '-Q' || CAST((CAST(substr(event_time, 6, 2) AS INT) - 1) // 3 + 1 AS VARCHAR) AS quarter,
           substr(event_time, 1, 4) AS year, direction, border_post AS post, p.department_code AS department,
           transport, nationality, r.region AS region, r.origin AS origin, l.person_id AS person
    FROM ${src} s
    LEFT JOIN posts p ON p.code = s.border_post
    LEFT JOIN regions r ON r.code = s.nationality
    LEFT JOIN links l ON l.record_id = s.movement_id)
  SELECT coalesce(month, quarter, year) AS t, coalesce(direction, '_T') AS d,
         coalesce(post, department, '_T') AS p, coalesce(transport, '_T') AS tr,
         coalesce(nationality, region, origin, '_T') AS n,
         count(*) AS crossings, count(DISTINCT person) AS persons
  FROM m
  GROUP BY ROLLUP(year, quarter, month), CUBE(direction), ROLLUP(department, post), CUBE(transport),
           GROUPING SETS ((nationality, region, origin), (region), (origin), ())
  HAVING year IS NOT NULL`;

const csvSrc = `read_csv('${movements}', header = true, all_varchar = true)`;
let t0 = performance.now();
const fromCsv = await (await con.run(query(csvSrc))).getRows();
const csvSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
await con.run(`CREATE TABLE mv AS SELECT * FROM ${csvSrc}`);
const loadSeconds = (performance.now() - t0) / 1000;
t0 = performance.now();
const fromTable = await (await con.run(query('mv'))).getRows();
const tableSeconds = (performance.now() - t0) / 1000;

// pasos' non-zero cells
const ours = new Map();
const lines = readFileSync(pasosCsv, 'utf8').split('\r\n');
for (let i = 1; i < lines.length; i++) {
  const f = lines[i].split(',');
  if (f.length < 8 || f[6] === '0') continue;
  const k = f.slice(0, 5).join(',');
  const v = ours.get(k) || [0, 0];
  v[f[5] === 'CROSSINGS' ? 0 : 1] = Number(f[6]);
  ours.set(k, v);
}
let mismatches = 0;
for (const r of fromTable) {
  const k = r.slice(0, 5).join(',');
  const v = ours.get(k);
  if (!v || v[0] !== Number(r[5]) || v[1] !== Number(r[6])) {
    if (mismatches++ < 5) console.error(`cell ${k}: duckdb ${r[5]},${r[6]} pasos ${v}`);
  }
}
const theirs = new Set(fromTable.map((r) => r.slice(0, 5).join(',')));
let extra = 0;
for (const k of ours.keys())
  if (!theirs.has(k) && extra++ < 5) console.error(`only in pasos: ${k} ${ours.get(k)}`);
console.log(JSON.stringify({ csvSeconds, loadSeconds, tableSeconds, cells: fromTable.length,
  csvCells: fromCsv.length, mismatches, pasosNonZeroCells: ours.size, extra }));
