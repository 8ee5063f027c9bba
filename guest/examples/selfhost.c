/* selfhost.c — example: the self-hosting path. A process assembles a new
 * WebAssembly module at run time (its bytes written here, byte by byte),
 * stores it as a lump, and spawns it. The new module imports
 * hearth_v1.cap_send, greets its parent (handle 1) and sends it the sum
 * 1 + 2 + ... + K, with K chosen at random when the module is written: the
 * answer proves that the code ran, not a copy of ours.
 *
 * The generated module, in text form:
 *   (module
 *     (import "hearth_v1" "cap_send" (func (param i32 i32 i32 i32 i32)
 *                                          (result i32)))
 *     (memory (export "memory") 1)
 *     (data (i32.const 0) "<greeting>")
 *     (func (export "main") (local $i i32) (local $s i32)
 *       (drop (call 0 (i32.const 1) (i32.const 0) (i32.const <len>)
 *                     (i32.const 0) (i32.const 0)))
 *       (local.set $i (i32.const K))
 *       (loop (local.set $s (i32.add (local.get $s) (local.get $i)))
 *             (br_if 0 (local.tee $i (i32.sub (local.get $i)
 *                                             (i32.const 1)))))
 *       (i32.store (i32.const 64) (local.get $s))
 *       (drop (call 0 (i32.const 1) (i32.const 64) (i32.const 4)
 *                     (i32.const 0) (i32.const 0)))))
 */
#include <string.h>

#include "hearth.h"

#define GREETING "hello from a module written at run time"

static void uleb(hb_buf *b, uint64_t v)
{
	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		hb_buf_push(b, byte | (v ? 0x80 : 0));
	} while (v);
}

static void sleb(hb_buf *b, int64_t v)
{
	for (;;) {
		uint8_t byte = v & 0x7f;

		v >>= 7; /* arithmetic shift */
		if ((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40))) {
			hb_buf_push(b, byte);
			return;
		}
		hb_buf_push(b, byte | 0x80);
	}
}

static void name(hb_buf *b, const char *s)
{
	uleb(b, strlen(s));
	hb_buf_append(b, s, strlen(s));
}

/* Append section id with the contents of body. */
static void section(hb_buf *out, uint8_t id, hb_buf *body)
{
	hb_buf_push(out, id);
	uleb(out, body->len);
	hb_buf_append(out, body->data, body->len);
	if (body->err && !out->err)
		out->err = body->err;
	hb_buf_reset(body);
}

static void i32_const(hb_buf *b, int32_t v)
{
	hb_buf_push(b, 0x41);
	sleb(b, v);
}

/* call cap_send(1, ptr, len, 0, 0) and drop its result */
static void send_to_parent(hb_buf *b, int32_t ptr, int32_t len)
{
	i32_const(b, 1);
	i32_const(b, ptr);
	i32_const(b, len);
	i32_const(b, 0);
	i32_const(b, 0);
	hb_buf_push(b, 0x10); /* call */
	uleb(b, 0);
	hb_buf_push(b, 0x1a); /* drop */
}

/* Write the module for K into out. Returns out->err. */
static int assemble(hb_buf *out, int32_t k)
{
	static const uint8_t header[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	hb_buf s, code;

	hb_buf_init(&s);
	hb_buf_init(&code);
	hb_buf_append(out, header, sizeof header);

	/* type 0: (i32 x5) -> i32; type 1: () -> () */
	uleb(&s, 2);
	hb_buf_append(&s, "\x60\x05\x7f\x7f\x7f\x7f\x7f\x01\x7f", 9);
	hb_buf_append(&s, "\x60\x00\x00", 3);
	section(out, 1, &s);

	uleb(&s, 1); /* import: hearth_v1.cap_send, a function of type 0 */
	name(&s, "hearth_v1");
	name(&s, "cap_send");
	hb_buf_push(&s, 0x00);
	uleb(&s, 0);
	section(out, 2, &s);

	uleb(&s, 1); /* function 1 has type 1 */
	uleb(&s, 1);
	section(out, 3, &s);

	uleb(&s, 1); /* one memory, min 1 page, no max */
	hb_buf_push(&s, 0x00);
	uleb(&s, 1);
	section(out, 5, &s);

	uleb(&s, 2); /* exports */
	name(&s, "main");
	hb_buf_push(&s, 0x00);
	uleb(&s, 1);
	name(&s, "memory");
	hb_buf_push(&s, 0x02);
	uleb(&s, 0);
	section(out, 7, &s);

	/* the body of main */
	uleb(&code, 1); /* locals: 2 x i32 ($i = 0, $s = 1) */
	uleb(&code, 2);
	hb_buf_push(&code, 0x7f);
	send_to_parent(&code, 0, (int32_t)strlen(GREETING));
	i32_const(&code, k);
	hb_buf_append(&code, "\x21\x00", 2); /* local.set $i */
	hb_buf_append(&code, "\x03\x40", 2); /* loop */
	hb_buf_append(&code, "\x20\x01\x20\x00\x6a\x21\x01", 7); /* s += i */
	hb_buf_append(&code, "\x20\x00", 2); /* local.get $i */
	i32_const(&code, 1);
	hb_buf_append(&code, "\x6b\x22\x00", 3); /* i32.sub, local.tee $i */
	hb_buf_append(&code, "\x0d\x00", 2);	 /* br_if 0 */
	hb_buf_push(&code, 0x0b);		 /* end loop */
	i32_const(&code, 64);
	hb_buf_append(&code, "\x20\x01", 2);	 /* local.get $s */
	hb_buf_append(&code, "\x36\x02\x00", 3); /* i32.store align=4 */
	send_to_parent(&code, 64, 4);
	hb_buf_push(&code, 0x0b); /* end */
	uleb(&s, 1);
	uleb(&s, code.len);
	hb_buf_append(&s, code.data, code.len);
	section(out, 10, &s);

	uleb(&s, 1); /* data: active, memory 0, at 0 */
	hb_buf_push(&s, 0x00);
	i32_const(&s, 0);
	hb_buf_push(&s, 0x0b);
	name(&s, GREETING);
	section(out, 11, &s);

	if (code.err && !out->err)
		out->err = code.err;
	hb_buf_deinit(&code);
	hb_buf_deinit(&s);
	return out->err;
}

/* Receive one message from the child (or fail). */
static void expect(hearth_msg *m, const char *what)
{
	int rc = hearth_recv(0, 10 * HEARTH_SEC, m);

	if (rc)
		hearth_fail("selfhost: no %s: %s", what, hb_strerror(rc));
	if (m->kind == HEARTH_SIG_EXIT)
		hearth_fail("selfhost: the child died (%s %s) before its %s",
			    hearth_exit_name(m->reason), m->reason_text, what);
}

HEARTH_ENTRY(main)
{
	int32_t k = 1 + (int32_t)(hearth_random_u64() % 1000), sum;
	hearth_cap spawner, self, child, caps[2];
	char hex[HEARTH_LUMP_HEX], why[128];
	uint8_t check[64];
	hearth_lump lump;
	hearth_id id;
	hearth_msg m;
	hb_buf mod;
	int rc;

	hearth_set_description("self-hosting: writes a module and spawns it");
	hb_buf_init(&mod);
	rc = assemble(&mod, k);
	if (rc)
		hearth_fail("selfhost: assemble: %s", hb_strerror(rc));

	/* the module becomes a lump; read it back to see what was kept */
	rc = hearth_lump_new(mod.data, mod.len, &id, &lump);
	if (rc)
		hearth_fail("selfhost: lump_new: %s", hb_strerror(rc));
	if (hearth_lump_len(lump) != (int)mod.len ||
	    hearth_lump_read(lump, 0, check, sizeof check) !=
		    (int)(mod.len < sizeof check ? mod.len : sizeof check) ||
	    memcmp(check, mod.data, 8) != 0)
		hearth_fail("selfhost: the lump does not hold the module");
	hearth_lump_free(lump);
	hearth_lump_id_hex(&id, hex);

	rc = hearth_spawner(HEARTH_REGISTRY, &spawner);
	if (!rc)
		rc = hearth_self(HEARTH_PERM_SEND, &self);
	if (rc)
		hearth_fail("selfhost: %s", hb_strerror(rc));
	caps[0] = HEARTH_REGISTRY;
	caps[1] = self;
	{
		/* linked before it runs, and we trap exits: its exit comes as
		 * a signal with its reason, however soon it ends */
		hearth_spawn_opts o = {.lump = &id,
				       .entry = "main",
				       .name = "generated",
				       .caps = caps,
				       .ncaps = 2,
				       .link = true};

		hearth_trap_exits(true);
		rc = hearth_spawn(spawner, &o, &child, why, sizeof why);
	}
	if (rc)
		hearth_fail("selfhost: spawn: %s: %s", hb_strerror(rc), why);

	expect(&m, "greeting");
	if (m.len != strlen(GREETING) || memcmp(m.data, GREETING, m.len) != 0)
		hearth_fail("selfhost: unexpected greeting");
	hearth_msg_free(&m);
	expect(&m, "sum");
	if (m.len != 4)
		hearth_fail("selfhost: the sum is %zu bytes", m.len);
	memcpy(&sum, m.data, 4); /* little-endian, as the child stored it */
	hearth_msg_free(&m);
	if (sum != k * (k + 1) / 2)
		hearth_fail("selfhost: sum(1..%d) = %d?", k, sum);
	rc = hearth_recv(0, 10 * HEARTH_SEC, &m);
	if (rc || m.kind != HEARTH_SIG_EXIT || m.reason != HEARTH_EXIT_NORMAL)
		hearth_fail("selfhost: the child did not exit normally (%s %s)",
			    rc ? hb_strerror(rc) : hearth_exit_name(m.reason),
			    rc ? "" : m.reason_text);
	hearth_msg_free(&m);
	hearth_info("selfhost: wrote a %zu-byte module (lump %.16s...), "
		    "spawned it: \"%s\", sum(1..%d) = %d",
		    mod.len, hex, GREETING, k, sum);
	hb_buf_deinit(&mod);
	hearth_cap_unref(child);
	hearth_cap_unref(self);
	hearth_cap_unref(spawner);
}
