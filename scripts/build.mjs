#!/usr/bin/env node
/**
 * The build behind `npm run build` and the pre-scripts of stress, bench, load, churn, fuzz and
 * test: tsc -p tsconfig.json, skipped when dist/ is current, because rebuilding unchanged code
 * cost 6-7 s before every run.
 *
 * Current means: the stamp dist/.build-stamp exists, no input is newer than it, and every
 * entry point is there. Inputs are tsconfig.json, package.json and every file and folder under
 * the folders tsconfig includes (a folder's time changes when a file in it is added, removed
 * or renamed, so a deleted source rebuilds too). The stamp takes the time the build started,
 * so a file saved during the build is newer than it and the next run builds again.
 *
 * `--always` builds whatever the stamp says (npm run build, npm install's prepare).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
/** What the commands run; one missing (deleted by hand, or never built) means build. */
const ENTRY_POINTS = ['dist/src/cli/main.js', 'dist/src/index.js', 'dist/fuzz/main.js'];

function newestInput() {
  let newest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.mtimeMs > newest) newest = st.mtimeMs;
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(join(root, 'tsconfig.json'));
  visit(join(root, 'package.json'));
  const config = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  for (const dir of config.include ?? []) visit(join(root, dir));
  return newest;
}

function current() {
  if (!existsSync(stamp)) return false;
  if (!ENTRY_POINTS.every((p) => existsSync(join(root, p)))) return false;
  return newestInput() <= statSync(stamp).mtimeMs;
}

const always = process.argv.includes('--always');
if (!always && current()) process.exit(0);

const started = new Date();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
if (run.status !== 0) process.exit(run.status ?? 1);
closeSync(openSync(stamp, 'w'));
utimesSync(stamp, started, started);
