/* wasi_test.h — shared by the WASI tests: loading the clang-built guest
 * (wasi_guest.c) and running it through the embedder API with stdout and
 * stderr captured by callbacks. */
#ifndef HEARTH_TEST_WASI_H
#define HEARTH_TEST_WASI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/wasi.h"
#include "hearth/wasm.h"
#include "test.h"

#define WASI_GUEST  HEARTH_BINARY_DIR "/guests/wasi_guest.wasm"
#define HEARTH_WASM HEARTH_BINARY_DIR "/bin/hearth-wasm"

/* What a routed stream received: in line mode each line with a '\n'
 * added, else the raw bytes. */
typedef struct capture {
	char text[1 << 16];
	size_t len;
	int calls;
	int fd;
} capture;

static inline int capture_fn(void *env, int fd, const char *data, size_t n)
{
	capture *c = env;
	bool lines = c->fd < 0;

	c->calls++;
	if (!lines && c->fd != fd)
		return HB_EINVAL;
	if (c->len + n + 1 < sizeof c->text) {
		memcpy(c->text + c->len, data, n);
		c->len += n;
		if (lines)
			c->text[c->len++] = '\n';
		c->text[c->len] = 0;
	}
	return 0;
}

static inline uint8_t *wt_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ASSERT_MSG(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ASSERT(buf);
	ASSERT_EQ(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline hw_module *wt_load(const char *path, bool no_fuel)
{
	hw_module_opts o = {.no_fuel = no_fuel};
	size_t len;
	uint8_t *bytes = wt_read_file(path, &len);
	hw_module *m = NULL;
	hw_error err;
	int rc = hw_module_new(bytes, len, &o, &m, &err);

	ASSERT_MSG(rc == 0, "%s: %s", path, err.message);
	free(bytes);
	return m;
}

/* One run of the guest: a context with args, stdout/stderr captured (in
 * line mode when lines), and an instance. */
typedef struct wrun {
	hw_module *m;
	hw_wasi *w;
	hw_instance *inst;
	capture out, err;
} wrun;

static inline void wrun_init(wrun *r, bool lines, uint32_t argc,
			     const char *const *argv)
{
	memset(r, 0, sizeof *r);
	r->m = wt_load(WASI_GUEST, false);
	ASSERT_OK(hw_wasi_new(&r->w));
	ASSERT_OK(hw_wasi_set_args(r->w, argc, argv));
	r->out.fd = lines ? -1 : 1;
	r->err.fd = lines ? -1 : 2;
	ASSERT_OK(hw_wasi_route_output(r->w, 1, lines ? HW_WASI_LINES : 0,
				       capture_fn, &r->out));
	ASSERT_OK(hw_wasi_route_output(r->w, 2, lines ? HW_WASI_LINES : 0,
				       capture_fn, &r->err));
}

static inline void wrun_instantiate(wrun *r)
{
	hw_error err;
	int rc = hw_wasi_instantiate(r->w, r->m, NULL, NULL, NULL, &r->inst,
				     &err);

	ASSERT_MSG(rc == 0, "instantiate: %s", err.message);
}

/* Instantiate and run to the end. OUT: *code. Returns hw_wasi_run's. */
static inline int wrun_go(wrun *r, int64_t slice, uint32_t *code)
{
	if (!r->inst)
		wrun_instantiate(r);
	return hw_wasi_run(r->w, r->inst, slice, code);
}

static inline void wrun_deinit(wrun *r)
{
	hw_instance_free(r->inst);
	hw_wasi_free(r->w);
	hw_module_free(r->m);
}

#endif
