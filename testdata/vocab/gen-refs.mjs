// Regenerates refs.json.gz: llama.cpp's tokenization of the texts in plan.json
// for every vocabulary variant written by TestWriteRefVariants.
//
//   DOCENT_TOKENIZER_REFGEN=/tmp/refgen go test ./llm/tokenizer -run TestWriteRefVariants
//   mkdir /tmp/nlc && cd /tmp/nlc && npm init -y && npm install node-llama-cpp@3.21.1 --ignore-scripts
//   cp $REPO/testdata/vocab/gen-refs.mjs . && node gen-refs.mjs /tmp/refgen $REPO/testdata/vocab/refs.json.gz
//
// To keep the file small, "=" stands for "same as plain" in special and for
// "same as the input text" in detok.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { getLlama } from "node-llama-cpp";

const dir = process.argv[2];
const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const out = { generator: "llama.cpp via node-llama-cpp@3.21.1 (llama_tokenize add_special=false; llama_detokenize remove_special=false)", texts: plan.texts, variants: [] };
for (const v of plan.variants) {
  const model = await llama.loadModel({ modelPath: join(dir, v.name + ".gguf"), vocabOnly: true });
  const plain = [], special = [], detok = [];
  for (const text of plan.texts) {
    const p = model.tokenize(text, false);
    const ps = p.join(" ");
    const ss = model.tokenize(text, true).join(" ");
    const d = model.detokenize(p, false);
    plain.push(ps);
    special.push(ss === ps ? "=" : ss);
    detok.push(d === text ? "=" : d);
  }
  out.variants.push({ ...v, plain, special, detok });
  await model.dispose();
}
writeFileSync(process.argv[3], gzipSync(JSON.stringify(out) + "\n", { level: 9 }));
process.exit(0);
