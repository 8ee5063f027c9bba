/* json.c — the spec runner's JSON reader (see json.h). Recursion depth is
 * capped; the input is the test suite's wast2json output. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define JS_MAX_DEPTH 64

typedef struct jp {
	const char *p, *end, *start;
	int depth;
} jp;

static void ws(jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
				 *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static js *node(js_kind k)
{
	js *v = calloc(1, sizeof *v);

	if (v)
		v->kind = k;
	return v;
}

static int push_item(js *v, js *item, char *key)
{
	js **items = realloc(v->items, (v->n + 1) * sizeof *items);

	if (!items)
		return -1;
	v->items = items;
	if (v->kind == JS_OBJ) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);

		if (!keys)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xC0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xE0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*n)++] = (char)(0xF0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string at j->p (after the opening quote). OUT: *len. */
static char *string(jp *j, size_t *len)
{
	const char *s = j->p;
	char *out;
	size_t n = 0;

	while (j->p < j->end && *j->p != '"') {
		if (*j->p == '\\')
			j->p++;
		j->p++;
	}
	if (j->p >= j->end)
		return NULL;
	out = malloc((size_t)(j->p - s) * 2 + 1);
	if (!out)
		return NULL;
	for (const char *q = s; q < j->p; q++) {
		unsigned cp;

		if (*q != '\\') {
			out[n++] = *q;
			continue;
		}
		switch (*++q) {
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'u':
			if (j->p - q < 5 || hex4(q + 1, &cp)) {
				free(out);
				return NULL;
			}
			q += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && j->p - q >= 7 &&
			    q[1] == '\\' && q[2] == 'u') {
				unsigned lo;

				if (hex4(q + 3, &lo) == 0 && lo >= 0xDC00 &&
				    lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) +
					     (lo - 0xDC00);
					q += 6;
				}
			}
			put_utf8(out, &n, cp);
			break;
		default:
			out[n++] = *q;
			break;
		}
	}
	out[n] = 0;
	j->p++; /* closing quote */
	*len = n;
	return out;
}

static js *value(jp *j)
{
	js *v = NULL;

	ws(j);
	if (j->p >= j->end || ++j->depth > JS_MAX_DEPTH)
		return NULL;
	switch (*j->p) {
	case '{':
		j->p++;
		v = node(JS_OBJ);
		if (!v)
			break;
		ws(j);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		for (;;) {
			size_t klen;
			char *key;
			js *item;

			ws(j);
			if (j->p >= j->end || *j->p != '"')
				goto bad;
			j->p++;
			key = string(j, &klen);
			if (!key)
				goto bad;
			ws(j);
			if (j->p >= j->end || *j->p != ':') {
				free(key);
				goto bad;
			}
			j->p++;
			item = value(j);
			if (!item || push_item(v, item, key)) {
				free(key);
				js_free(item);
				goto bad;
			}
			ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == '}') {
				j->p++;
				break;
			}
			goto bad;
		}
		break;
	case '[':
		j->p++;
		v = node(JS_ARR);
		if (!v)
			break;
		ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			break;
		}
		for (;;) {
			js *item = value(j);

			if (!item || push_item(v, item, NULL)) {
				js_free(item);
				goto bad;
			}
			ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				break;
			}
			goto bad;
		}
		break;
	case '"':
		j->p++;
		v = node(JS_STR);
		if (!v)
			break;
		v->str = string(j, &v->len);
		if (!v->str)
			goto bad;
		break;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = {"true", "false", "null"};

		for (int i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if ((size_t)(j->end - j->p) >= n &&
			    memcmp(j->p, words[i], n) == 0) {
				v = node(i == 2 ? JS_NULL : JS_BOOL);
				if (v)
					v->boolean = i == 0;
				j->p += n;
				break;
			}
		}
		break;
	}
	default: {
		const char *s = j->p;

		while (j->p < j->end && strchr("+-0123456789.eE", *j->p))
			j->p++;
		if (j->p == s)
			return NULL;
		v = node(JS_NUM);
		if (!v)
			break;
		v->len = (size_t)(j->p - s);
		v->str = malloc(v->len + 1);
		if (!v->str)
			goto bad;
		memcpy(v->str, s, v->len);
		v->str[v->len] = 0;
		break;
	}
	}
	j->depth--;
	return v;
bad:
	js_free(v);
	return NULL;
}

js *js_parse(const char *text, size_t len, size_t *errpos)
{
	jp j = {text, text + len, text, 0};
	js *v = value(&j);

	if (!v && errpos)
		*errpos = (size_t)(j.p - text);
	return v;
}

void js_free(js *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		js_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

const js *js_get(const js *o, const char *key)
{
	if (!o || o->kind != JS_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}

const char *js_str(const js *o, const char *key)
{
	const js *v = js_get(o, key);

	return v && v->kind == JS_STR ? v->str : NULL;
}
