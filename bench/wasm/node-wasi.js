// node-wasi.js — run a wasm32-wasi program in Node's V8 (the peer engine of
// bench-wasm), and V8's figures for the same measurements as hearth-wasm:
//   node --experimental-wasi-unstable-preview1 node-wasi.js prog.wasm args...
//   node ... node-wasi.js --time prog.wasm args...   (times on stderr)
//   node ... node-wasi.js --instantiate-bench prog.wasm N
//   node --expose-gc ... node-wasi.js --idle-rss prog.wasm N
'use strict';
const { WASI } = require('wasi');
const fs = require('fs');

function wasiOf(file, args) {
	return new WASI({ version: 'preview1', args: [file, ...args], env: {},
			  returnOnExit: true });
}

function now() {
	const [s, ns] = process.hrtime();
	return s + ns * 1e-9;
}

function run(file, args, timed) {
	const t0 = now();
	const mod = new WebAssembly.Module(fs.readFileSync(file));
	const t1 = now();
	const wasi = wasiOf(file, args);
	const inst = new WebAssembly.Instance(mod,
		{ wasi_snapshot_preview1: wasi.wasiImport });
	const code = wasi.start(inst);
	const t2 = now();
	if (timed)
		process.stderr.write(`node: time: run ${(t2 - t1).toFixed(6)} s, ` +
				     `load ${(t1 - t0).toFixed(6)} s\n`);
	process.exitCode = code;
}

function instantiateBench(file, n) {
	const mod = new WebAssembly.Module(fs.readFileSync(file));
	const shared = wasiOf(file, []);
	const imports = { wasi_snapshot_preview1: shared.wasiImport };
	for (let i = 0; i < 100; i++) // warm up
		new WebAssembly.Instance(mod, imports);
	let t0 = now();
	for (let i = 0; i < n; i++)
		new WebAssembly.Instance(mod, imports);
	const bare = (now() - t0) / n;
	t0 = now();
	for (let i = 0; i < n; i++) {
		const w = wasiOf(file, []);
		new WebAssembly.Instance(mod,
			{ wasi_snapshot_preview1: w.wasiImport });
	}
	const full = (now() - t0) / n;
	console.log(`instantiate: ${(bare * 1e6).toFixed(2)} us (with a WASI ` +
		    `context: ${(full * 1e6).toFixed(2)} us), mean of ${n}`);
}

function idleRss(file, n) {
	const mod = new WebAssembly.Module(fs.readFileSync(file));
	const keep = [];
	if (global.gc) global.gc();
	const before = process.memoryUsage().rss;
	for (let i = 0; i < n; i++) {
		const w = wasiOf(file, []);
		keep.push(new WebAssembly.Instance(mod,
			{ wasi_snapshot_preview1: w.wasiImport }));
	}
	if (global.gc) global.gc();
	const after = process.memoryUsage().rss;
	console.log(`idle instances: ${keep.length}, resident ` +
		    `${((after - before) / 1024 / n).toFixed(1)} KiB each ` +
		    `(${((after - before) / 1048576).toFixed(1)} MiB in all)`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--instantiate-bench')
	instantiateBench(argv[1], Number(argv[2]));
else if (argv[0] === '--idle-rss')
	idleRss(argv[1], Number(argv[2]));
else if (argv[0] === '--time')
	run(argv[1], argv.slice(2), true);
else
	run(argv[0], argv.slice(1), false);
