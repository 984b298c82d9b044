// docs/architecture.md: "no module imports another that imports it back". Every relative import of
// src/ (type-only ones too, as TypeScript's own pre-processor lists them) is an edge; no path of
// edges may lead back to where it started. The check also runs on a broken graph, to show it catches one.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function importGraph(): Map<string, string[]> {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(src, file), 'utf8'), true, true);
    const edges = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => path.relative(src, path.resolve(src, path.dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(file, edges);
  }
  return graph;
}

/** Each cycle once, as the files along it (the first one repeated at the end). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string) => {
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const at = stack.indexOf(next);
      if (at >= 0) found.push([...stack.slice(at), next]);
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    done.add(node);
  };
  for (const node of graph.keys()) if (!done.has(node)) visit(node);
  return found;
}

describe('imports in src/', () => {
  it('every relative import names a file of src/', () => {
    const graph = importGraph();
    const missing = [...graph].flatMap(([file, edges]) =>
      edges.filter((e) => !graph.has(e)).map((e) => `${file} → ${e}`),
    );
    expect(missing).toEqual([]);
    expect(graph.size).toBeGreaterThan(50);
  });

  it('no module imports another that imports it back', () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it('the check finds a cycle through several files', () => {
    const broken = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(broken)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
