// Parses Mermaid files with the real Mermaid parser (under jsdom): node mermaid_parse.mjs FILE...
// Needs `npm install mermaid@11 jsdom` in a directory named by CST_MERMAID_DIR (see test_mermaid_parses.py).
import { JSDOM } from "jsdom";
import fs from "fs";
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const mermaid = (await import("mermaid")).default;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
let bad = 0;
for (const f of process.argv.slice(2)) {
  const text = fs.readFileSync(f, "utf8");
  try { await mermaid.parse(text); } catch (e) { bad++; console.log("FAIL", f, String(e.message || e).slice(0, 300)); }
}
console.log("checked", process.argv.length - 2, "bad", bad);
