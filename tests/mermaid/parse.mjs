import { JSDOM } from "jsdom";
const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
import fs from "node:fs";
let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1]);
  for (const block of blocks) {
    try { const r = await mermaid.parse(block); console.log(`ok ${file} ${r.diagramType}`); }
    catch (e) { failed++; console.log(`FAIL ${file}: ${String(e.message || e).split("\n").slice(0,3).join(" ")}`); }
  }
}
process.exit(failed ? 1 : 0);
