// llama.cpp speed through node-llama-cpp (measurement only), one JSON line:
// node llamacpp-bench.mjs MODEL.gguf PROMPT_TOKENS GEN_TOKENS THREADS
import {getLlama} from "node-llama-cpp";
const [model, np, ng, threads] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5]];
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const m = await llama.loadModel({modelPath: model});
const ctx = await m.createContext({contextSize: 512, threads, batchSize: 512, sequences: 1});
const run = async () => {
  const seq = ctx.getSequence();
  const toks = Array.from({length: np}, (_, i) => 100 + (i * 7919) % 5000);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await seq.evaluateWithoutGeneratingNewTokens(toks);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  let n = 0;
  for await (const t of seq.evaluate([200], {temperature: 0})) { if (++n >= ng) break; }
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  seq.dispose();
  const cpu = (a, b) => ((b.user - a.user) + (b.system - a.system)) / 1e6;
  return [np / ((t1 - t0) / 1000), ng / ((t2 - t1) / 1000), np / cpu(c0, c1), ng / cpu(c1, c2)];
};
await run(); // warm-up
const [pp, tg, ppc, tgc] = await run();
console.log(JSON.stringify({engine: "llama.cpp", model, threads, n_prompt: np, n_gen: ng, prefill_tokens_per_s: pp, decode_tokens_per_s: tg, prefill_tokens_per_cpu_s: ppc, decode_tokens_per_cpu_s: tgc, peak_rss_bytes: process.resourceUsage().maxRSS * 1024}));
process.exit(0);
