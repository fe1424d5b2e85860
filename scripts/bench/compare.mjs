// Side-by-side speed of docent and llama.cpp on the same GGUF files, same
// machine, same run (measurement only; llama.cpp comes from the npm package
// node-llama-cpp, which must be installed next to this script or in NODE_PATH).
//
//   cd scripts/bench && npm install --no-save node-llama-cpp@3.21.1
//   go build -o /tmp/docent ./cmd/docent
//   node scripts/bench/compare.mjs --docent /tmp/docent --threads 1,2 --reps 2 \
//        -p 128 -n 64 FILE.gguf...
//
// Each (file, threads) pair runs docent then llama.cpp, --reps times,
// alternating, each engine in a fresh process. It prints a Markdown table of
// the medians and the ratios docent / llama.cpp, and the raw JSON lines on
// stderr.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join, basename } from "node:path";

const args = process.argv.slice(2);
let docent = "docent", threads = [2], reps = 2, np = 128, ng = 64;
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--docent") docent = args[++i];
  else if (a === "--threads") threads = args[++i].split(",").map(Number);
  else if (a === "--reps") reps = +args[++i];
  else if (a === "-p") np = +args[++i];
  else if (a === "-n") ng = +args[++i];
  else files.push(a);
}
if (files.length === 0) {
  console.error("usage: node compare.mjs [--docent BIN] [--threads 1,2] [--reps N] [-p 128] [-n 64] FILE.gguf...");
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
const rows = [];
for (const f of files) {
  for (const t of threads) {
    const d = [], l = [];
    for (let r = 0; r < reps; r++) {
      d.push(run(docent, ["model", "bench", "--model", f, "-p", String(np), "-n", String(ng), "--threads", String(t), "--json"]));
      l.push(run(process.execPath, [join(here, "llamacpp-bench.mjs"), f, String(np), String(ng), String(t)]));
    }
    const dp = median(d.map((x) => x.prefill_tokens_per_s)), dd = median(d.map((x) => x.decode_tokens_per_s));
    const lp = median(l.map((x) => x.prefill_tokens_per_s)), ld = median(l.map((x) => x.decode_tokens_per_s));
    const share = median(d.map((x) => x.decode_share_of_bound));
    const rss = Math.max(...d.map((x) => x.peak_rss_bytes)) / 2 ** 20, lrss = Math.max(...l.map((x) => x.peak_rss_bytes)) / 2 ** 20;
    rows.push(`| ${basename(f)} | ${t} | ${dp.toFixed(1)} | ${lp.toFixed(1)} | ${(dp / lp).toFixed(2)} | ${dd.toFixed(1)} | ${ld.toFixed(1)} | ${(dd / ld).toFixed(2)} | ${(100 * share).toFixed(0)}% | ${rss.toFixed(0)} / ${lrss.toFixed(0)} |`);
  }
}
console.log(`pp${np} / tg${ng}, median of ${reps} alternating runs per engine`);
console.log("| file | threads | docent prefill t/s | llama.cpp prefill | ratio | docent decode t/s | llama.cpp decode | ratio | docent decode / bound | peak RSS MiB docent / llama.cpp |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) console.log(r);
