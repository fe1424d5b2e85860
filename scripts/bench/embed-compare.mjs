// Embedding throughput of docent and llama.cpp on the same encoder GGUF
// files, same machine, same run (measurement only; llama.cpp comes from the
// npm package node-llama-cpp, installed next to this script or in
// NODE_PATH):
//
//   cd scripts/bench && npm install --no-save node-llama-cpp@3.21.1
//   go build -o /tmp/docent ./cmd/docent
//   node scripts/bench/embed-compare.mjs --docent /tmp/docent --threads 2 \
//        --rounds 5 -p 128 --texts 24 FILE.gguf...
//
// Each round runs, each in a fresh process: docent one text per call,
// llama.cpp (one text per call), docent eight texts per call. It prints a
// Markdown table of the medians and maxima over the rounds and the ratios
// to llama.cpp, and the raw JSON lines on stderr. On a shared machine the
// maxima (the least disturbed runs) and medians can differ a lot.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join, basename } from "node:path";

const args = process.argv.slice(2);
let docent = "docent", threads = 2, rounds = 3, np = 128, texts = 24;
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--docent") docent = args[++i];
  else if (a === "--threads") threads = +args[++i];
  else if (a === "--rounds") rounds = +args[++i];
  else if (a === "-p") np = +args[++i];
  else if (a === "--texts") texts = +args[++i];
  else files.push(a);
}
if (files.length === 0) {
  console.error("usage: node embed-compare.mjs [--docent BIN] [--threads 2] [--rounds N] [-p 128] [--texts 24] FILE.gguf...");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const run = (cmd, argv) => {
  const out = execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 24 });
  const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  console.error(line);
  return JSON.parse(line);
};
const dbench = (f, batch) => run(docent, ["model", "bench", "--model", f, "-p", String(np), "--texts", String(texts), "--batch", String(batch), "--threads", String(threads), "--reps", "2", "--json"]);
console.log(`${texts} texts of ${np} tokens, ${threads} threads, ${rounds} alternating rounds: median (max) tokens/s; per CPU-second, medians`);
console.log("| file | docent, 1 text per call | docent, 8 per call | llama.cpp (1 per call) | ratio 1 per call, median (max) | ratio 8 per call | per CPU-s: docent 1 / 8 per call, llama.cpp |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const f of files) {
  const d1 = [], d8 = [], l = [];
  for (let r = 0; r < rounds; r++) {
    d1.push(dbench(f, 1));
    l.push(run(process.execPath, [join(here, "llamacpp-embed-bench.mjs"), f, String(np), String(texts), String(threads), "2"]));
    d8.push(dbench(f, 8));
  }
  const w = (xs) => xs.map((x) => x.embed_tokens_per_s), c = (xs) => median(xs.map((x) => x.embed_tokens_per_cpu_s)).toFixed(0);
  const fmt = (xs) => `${median(w(xs)).toFixed(0)} (${Math.max(...w(xs)).toFixed(0)})`;
  const ratio = (xs) => `${(median(w(xs)) / median(w(l))).toFixed(2)} (${(Math.max(...w(xs)) / Math.max(...w(l))).toFixed(2)})`;
  console.log(`| ${basename(f)} | ${fmt(d1)} | ${fmt(d8)} | ${fmt(l)} | ${ratio(d1)} | ${ratio(d8)} | ${c(d1)} / ${c(d8)}, ${c(l)} |`);
}
