// ttf_v8.js — the V8 side of the differential check (diff_v8.sh):
//   node --experimental-wasm-type-reflection ttf_v8.js run MODULE.wasm
//       runs a `wasm-opt -ttf` module as hearth-wasm-ttf does (every
//       exported function with zero arguments, the hang limit reset before
//       each call, the fuzzing-support log imports printed) and prints the
//       same lines;
//   node ttf_v8.js compare OURS THEIRS
//       compares two such outputs (floats by value, any NaN equals any NaN);
//   node ttf_v8.js seed N LEN
//       writes LEN deterministic pseudo-random bytes for seed N (input for
//       wasm-opt -ttf), so a bounded run in make test is reproducible.
'use strict';
const fs = require('fs');

function i32(v) { return Number(BigInt.asIntN(32, BigInt(v))); }

function fmt(v) {
	if (typeof v === 'bigint')
		return String(BigInt.asIntN(64, v));
	if (v === null || v === undefined)
		return 'null';
	return String(v);
}

function run(file) {
	const lines = [];
	const log = (s) => lines.push(s);
	const mod = new WebAssembly.Module(fs.readFileSync(file));
	const imports = {};
	for (const imp of WebAssembly.Module.imports(mod)) {
		if (imp.kind !== 'function') {
			log(`unexpected import ${imp.name}`);
			continue;
		}
		const np = imp.type.parameters.length;
		let fn;
		if (imp.name === 'log-i64' && np === 2)
			fn = (a, b) => log(`[LoggingExternalInterface logging ${i32(a)} ${i32(b)}]`);
		else if (imp.name === 'log-i64')
			fn = (a) => log(`[LoggingExternalInterface logging ${i32(a)} ${i32(BigInt(a) >> 32n)}]`);
		else if (imp.name === 'log-i32')
			fn = (a) => log(`[LoggingExternalInterface logging ${a | 0}]`);
		else
			fn = (a) => log(`[LoggingExternalInterface logging ${fmt(a)}]`);
		(imports[imp.module] ??= {})[imp.name] = fn;
	}
	let inst;
	try {
		inst = new WebAssembly.Instance(mod, imports);
	} catch (e) {
		if (!(e instanceof WebAssembly.RuntimeError || e instanceof RangeError))
			throw e;
		log('[trap in start]');
		console.log(lines.join('\n'));
		return;
	}
	const hang = inst.exports.hangLimitInitializer;
	for (const ex of WebAssembly.Module.exports(mod)) {
		if (ex.kind !== 'function')
			continue;
		log(`[fuzz-exec] calling ${ex.name}`);
		if (hang)
			hang();
		const args = ex.type.parameters.map((t) => (t === 'i64' ? 0n : 0));
		let r;
		try {
			r = inst.exports[ex.name](...args);
		} catch (e) {
			if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
				log('[trap]');
				continue;
			}
			log(`[error] ${e}`);
			continue;
		}
		const nres = ex.type.results.length;
		if (nres === 0)
			continue;
		const vals = nres > 1 ? Array.from(r) : [r];
		const text = vals.map(fmt).join(', ');
		log(`[fuzz-exec] note result: ${ex.name} => ${nres > 1 ? '(' + text + ')' : text}`);
	}
	console.log(lines.join('\n'));
}

function relevant(path) {
	const out = [];
	for (let l of fs.readFileSync(path, 'utf8').split('\n')) {
		l = l.trim();
		if (l.startsWith('[trap in start'))
			out.push('[trap in start]');
		else if (l.startsWith('[trap'))
			out.push('[trap]');
		else if (l.startsWith('[fuzz-exec]') || l.startsWith('[LoggingExternalInterface') ||
			 l.startsWith('[error]') || l.startsWith('load failed') ||
			 l.startsWith('instantiate failed') || l.startsWith('unexpected'))
			out.push(l);
	}
	return out;
}

function num(t) {
	const s = t.toLowerCase();
	if (s.includes('nan'))
		return NaN;
	if (/^[+-]?inf(inity)?$/.test(s))
		return s.startsWith('-') ? -Infinity : Infinity;
	if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s))
		return undefined;
	return Number(s);
}

function same(a, b) {
	if (a === b)
		return true;
	const ta = a.split(/([ ,()\]])/), tb = b.split(/([ ,()\]])/);
	if (ta.length !== tb.length)
		return false;
	for (let i = 0; i < ta.length; i++) {
		if (ta[i] === tb[i])
			continue;
		const x = num(ta[i]), y = num(tb[i]);
		if (x === undefined || y === undefined)
			return false;
		if (!(x === y || (Number.isNaN(x) && Number.isNaN(y))))
			return false;
	}
	return true;
}

function compare(pa, pb) {
	let a = relevant(pa), b = relevant(pb);
	// after a trapping start function V8 has no instance to call
	const sa = a.indexOf('[trap in start]'), sb = b.indexOf('[trap in start]');
	if (sa >= 0 || sb >= 0) {
		if (sa !== sb) {
			console.log(`  start trapped in one engine only`);
			process.exit(1);
		}
		a = a.slice(0, sa + 1);
		b = b.slice(0, sb + 1);
	}
	const n = Math.max(a.length, b.length);
	for (let i = 0; i < n; i++) {
		if (i >= a.length || i >= b.length || !same(a[i], b[i])) {
			console.log(`  line ${i + 1}:\n  ours: ${a[i] ?? '(none)'}\n  V8:   ${b[i] ?? '(none)'}`);
			process.exit(1);
		}
	}
	process.exit(0);
}

function seed(n, len) {
	// xorshift32, seeded from n: any bytes will do for -ttf
	let x = (Number(n) * 2654435761) >>> 0 || 1;
	const buf = Buffer.alloc(Number(len));
	for (let i = 0; i < buf.length; i++) {
		x ^= x << 13; x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5; x >>>= 0;
		buf[i] = x & 255;
	}
	process.stdout.write(buf);
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'run')
	run(rest[0]);
else if (cmd === 'compare')
	compare(rest[0], rest[1]);
else if (cmd === 'seed')
	seed(rest[0], rest[1]);
else {
	console.error('usage: ttf_v8.js run MODULE | compare OURS THEIRS | seed N LEN');
	process.exit(2);
}
