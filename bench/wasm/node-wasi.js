// node-wasi.js — run a wasm32-wasi program in Node's V8 (the peer engine of
// bench-wasm): node --experimental-wasi-unstable-preview1 node-wasi.js prog.wasm args...
'use strict';
const { WASI } = require('wasi');
const fs = require('fs');
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {} });
const mod = new WebAssembly.Module(fs.readFileSync(file));
const inst = new WebAssembly.Instance(mod, { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(inst);
