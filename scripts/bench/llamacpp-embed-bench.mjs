// llama.cpp embedding speed through node-llama-cpp (measurement only), one
// JSON line:
//   node llamacpp-embed-bench.mjs MODEL.gguf TOKENS TEXTS THREADS [REPS]
// The texts are those of `docent model bench` on encoder files ("the report
// %d covers parts and labour ..." repeated), cut to TOKENS tokens with
// [CLS] and [SEP]; one text per getEmbeddingFor call (node-llama-cpp's
// embedding context evaluates one sequence at a time). After one warm-up
// call, REPS passes over the texts are timed together.
import {getLlama} from "node-llama-cpp";
const [model, ntok, n, threads, reps] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5], +(process.argv[6] ?? 2)];
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const m = await llama.loadModel({modelPath: model});
const ctx = await m.createEmbeddingContext({contextSize: Math.max(512, ntok + 8), batchSize: Math.max(512, ntok + 8), threads});
const inputs = [];
let tokens = 0;
for (let i = 0; i < n; i++) {
  const text = `the report ${i} covers parts and labour for two years while costs fell `.repeat(Math.floor(ntok / 5) + 10);
  const body = m.tokenize(text).filter((t) => t !== m.tokens.bos && t !== m.tokens.eos).slice(0, ntok - 2);
  inputs.push(body);
  tokens += ctx.calculateInputLength(body.slice());
}
await ctx.getEmbeddingFor(inputs[0].slice()); // warm-up
const c0 = process.cpuUsage(), t0 = performance.now();
for (let r = 0; r < reps; r++) {
  for (const t of inputs) await ctx.getEmbeddingFor(t.slice());
}
const wall = (performance.now() - t0) / 1000, c1 = process.cpuUsage();
const cpu = ((c1.user - c0.user) + (c1.system - c0.system)) / 1e6;
console.log(JSON.stringify({engine: "llama.cpp", model, threads, texts: n, tokens_per_text: tokens / n, reps,
  embed_tokens_per_s: tokens * reps / wall, embed_tokens_per_cpu_s: tokens * reps / cpu, peak_rss_bytes: process.resourceUsage().maxRSS * 1024}));
process.exit(0);
