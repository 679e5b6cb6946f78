/** Each benchmark owns one section of bench/RESULTS.md, between its markers. */
import fs from 'node:fs';
import path from 'node:path';

const FILE = path.join(__dirname, 'RESULTS.md');

export function writeSection(name: string, lines: string[]): void {
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const block = [start, ...lines, end].join('\n');
  let text = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '# Benchmarks\n\nRun `npm run bench`; each benchmark rewrites its own section.\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(FILE, text);
}
