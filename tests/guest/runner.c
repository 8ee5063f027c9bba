/* runner.c — the environment of hearth-test-guest (runner.h): a booted
 * runtime with Wasm processes, the reporter mailbox, the log tee, and the
 * discovery of a guest module's test_* exports. */
#include "runner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/msgpack.h"
#include "hearth/wasm.h"
#include "test.h"

/* ---- the log tee: every line any process logs, in order ---- */

#define LOG_KEEP 400

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_lines[LOG_KEEP];
static unsigned log_next, log_count;

static void tee(void *ud, hr_pid pid, const char *name, int level,
		const char *text, size_t len)
{
	static const char lv[] = "EWIDT";
	char c = lv[level >= 0 && level < 5 ? level : 4], *line;
	const char *nm = name ? name : "?";
	unsigned slot = (unsigned)(pid & 0xffffffff);
	int n;

	(void)ud;
	n = snprintf(NULL, 0, "  [%c %s/%u] %.*s", c, nm, slot, (int)len, text);
	line = malloc((size_t)n + 1);
	if (!line)
		return;
	snprintf(line, (size_t)n + 1, "  [%c %s/%u] %.*s", c, nm, slot,
		 (int)len, text);
	pthread_mutex_lock(&log_lock);
	free(log_lines[log_next]);
	log_lines[log_next] = line;
	log_next = (log_next + 1) % LOG_KEEP;
	if (log_count < LOG_KEEP)
		log_count++;
	pthread_mutex_unlock(&log_lock);
}

void gr_dump_logs(FILE *to)
{
	unsigned i, at;

	pthread_mutex_lock(&log_lock);
	fprintf(to, "  --- process logs (last %u lines) ---\n", log_count);
	at = (log_next + LOG_KEEP - log_count) % LOG_KEEP;
	for (i = 0; i < log_count; i++)
		fprintf(to, "%s\n", log_lines[(at + i) % LOG_KEEP]);
	pthread_mutex_unlock(&log_lock);
}

bool gr_logged(const char *needle)
{
	bool found = false;
	unsigned i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < LOG_KEEP && !found; i++)
		found = log_lines[i] && strstr(log_lines[i], needle);
	pthread_mutex_unlock(&log_lock);
	return found;
}

/* ---- the environment ---- */

void gr_env_init(gr_env *e, unsigned schedulers)
{
	hl_store_config sc = {0};
	hp_config pc = {0};
	hr_config c;
	char err[256];

	memset(e, 0, sizeof *e);
	hr_config_init(&c);
	c.schedulers = schedulers;
	c.spin_us = 20;
	ASSERT_OK(hr_rt_new(&c, &e->rt));
	ASSERT_OK(hl_store_open(&sc, &e->store, err, sizeof err));
	ASSERT_OK(hl_assets_new(e->store, 0, &e->assets));
	pc.rt = e->rt;
	pc.store = e->store;
	pc.assets = e->assets;
	pc.log_fn = tee;
	ASSERT_OK(hp_host_new(&pc, &e->hp));
	ASSERT_OK(hp_plugin_add(e->hp));
	ASSERT_OK(hr_rt_boot(e->rt, &e->reg));
	ASSERT_OK(hr_host_mailbox_new(e->rt, &e->mb));
	ASSERT_OK(
		hr_host_mailbox_cap(e->rt, e->mb, HR_PERM_SEND, &e->reporter));
}

void gr_env_free(gr_env *e)
{
	ASSERT_OK(hr_rt_shutdown(e->rt));
	hr_rt_free(e->rt);
	hp_host_free(e->hp);
	hl_assets_free(e->assets);
	hl_store_close(e->store);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

hl_id gr_put_guest(gr_env *e, const char *name)
{
	char path[512];
	size_t n = 0;
	uint8_t *b;
	hl_id id;

	snprintf(path, sizeof path, "%s/guests/%s.wasm", HEARTH_BINARY_DIR,
		 name);
	b = read_file(path, &n);
	ASSERT_MSG(b != NULL, "cannot read %s (build the guests)", path);
	ASSERT_OK(hl_store_put(e->store, b, n, &id, NULL));
	free(b);
	return id;
}

/* Copy a MessagePack string into dst (NUL-terminated, cut to fit). */
static bool get_text(hb_mp_reader *r, char *dst, size_t cap)
{
	const char *s;
	uint32_t len;

	if (hb_mp_get_str(r, &s, &len))
		return false;
	if (len >= cap)
		len = (uint32_t)cap - 1;
	memcpy(dst, s, len);
	dst[len] = 0;
	return true;
}

/* A report from the guest: ["fail", file, line, text] or ["note", text]. */
static void on_report(const hr_msg *m, gr_result *r)
{
	hb_mp_reader rd;
	hb_mp_item kind;
	uint32_t n;
	int64_t line;
	char note[512];

	hb_mp_reader_init(&rd, m->data, m->len);
	if (hb_mp_get_array(&rd, &n) || hb_mp_next(&rd, &kind))
		goto bad;
	if (hb_mp_str_eq(&kind, "fail") && n == 4 && !r->failed) {
		if (!get_text(&rd, r->fail_file, sizeof r->fail_file) ||
		    hb_mp_get_int(&rd, &line) ||
		    !get_text(&rd, r->fail_text, sizeof r->fail_text))
			goto bad;
		r->fail_line = (int)line;
		r->failed = true;
		return;
	}
	if (hb_mp_str_eq(&kind, "note") && n == 2 &&
	    get_text(&rd, note, sizeof note)) {
		printf("  note: %s\n", note);
		r->notes++;
		return;
	}
bad:
	printf("  runner: a malformed report (%zu bytes)\n", m->len);
}

hr_handle gr_spawn(gr_env *e, const hl_id *lump, const char *entry,
		   uint64_t *ref)
{
	hr_handle caps[2] = {e->reg, e->reporter}, child;
	hp_spawn_opts o = {0};
	char err[256] = "";
	int rc;

	o.lump = lump;
	o.entry = entry;
	o.caps = caps;
	o.ncaps = 2;
	o.monitor = ref;
	o.monitor_mailbox = e->mb;
	rc = hp_spawn(e->hp, NULL, &o, &child, err, sizeof err);
	ASSERT_MSG(rc == 0, "spawn %s: %s (%s)", entry, hb_errname(rc), err);
	return child;
}

int gr_request(gr_env *e, hr_handle to, const void *req, size_t len,
	       const hr_handle *caps, uint32_t ncaps, hr_msg *reply)
{
	hr_handle all[8], back;
	uint32_t mb;
	int rc;

	ASSERT(ncaps < 8);
	ASSERT_OK(hr_host_mailbox_new(e->rt, &mb));
	ASSERT_OK(hr_host_mailbox_cap(e->rt, mb, HR_PERM_SEND, &back));
	all[0] = back;
	if (ncaps)
		memcpy(all + 1, caps, ncaps * sizeof *caps);
	rc = hr_host_send(e->rt, to, req, len, all, ncaps + 1);
	if (!rc)
		rc = hr_host_recv(e->rt, mb, RUN_WAIT_NS, reply);
	hr_host_ref_dec(e->rt, back);
	/* the mailbox stays until the runtime is freed: the reply (held by
	 * the caller) lives in it */
	return rc;
}

void gr_run(gr_env *e, const hl_id *lump, const char *entry, gr_result *r)
{
	uint64_t ref = 0;
	hr_handle child;
	hr_msg m;
	int rc;

	memset(r, 0, sizeof *r);
	child = gr_spawn(e, lump, entry, &ref);
	for (;;) {
		uint32_t i;

		rc = hr_host_recv(e->rt, e->mb, RUN_WAIT_NS, &m);
		if (rc) {
			gr_dump_logs(stderr);
			ASSERT_MSG(0, "%s: no exit within %lld s (%s)", entry,
				   RUN_WAIT_NS / 1000000000, hb_errname(rc));
		}
		if (m.kind == HR_MSG_DATA)
			on_report(&m, r);
		for (i = 0; i < m.ncaps; i++)
			if (m.caps[i] >= 0)
				hr_host_ref_dec(e->rt, m.caps[i]);
		if (m.kind == HR_MSG_DOWN && m.ref == ref) {
			r->code = m.reason.code;
			snprintf(r->reason, sizeof r->reason, "%s",
				 m.reason.text ? m.reason.text : "");
			hr_host_msg_free(e->rt, &m);
			break;
		}
		hr_host_msg_free(e->rt, &m);
	}
	hr_host_ref_dec(e->rt, child);
}

int gr_list_tests(const char *path, char ***names, uint32_t *n)
{
	size_t len = 0;
	uint8_t *bytes = read_file(path, &len);
	hw_module *mod = NULL;
	hw_extern_info info;
	uint32_t i, count, k = 0;
	char **out = NULL;
	int rc;

	*names = NULL;
	*n = 0;
	if (!bytes)
		return HB_ENOENT;
	rc = hw_module_new(bytes, len, NULL, &mod, NULL);
	free(bytes);
	if (rc)
		return rc;
	count = hw_module_export_count(mod);
	out = calloc(count ? count : 1, sizeof *out);
	if (!out) {
		hw_module_free(mod);
		return HB_ENOMEM;
	}
	for (i = 0; i < count; i++) {
		if (hw_module_export(mod, i, &info) ||
		    info.kind != HW_EXTERN_FUNC ||
		    strncmp(info.name, "test_", 5) != 0)
			continue;
		out[k] = strdup(info.name);
		if (out[k])
			k++;
	}
	hw_module_free(mod);
	*names = out;
	*n = k;
	return 0;
}
