/* json.h — a small JSON reader for the spec runner: parses a whole
 * document into a tree of nodes (strings decoded to UTF-8 with their byte
 * length, numbers kept as text). */
#ifndef HEARTH_SPEC_JSON_H
#define HEARTH_SPEC_JSON_H

#include <stddef.h>

typedef enum { JS_NULL, JS_BOOL, JS_NUM, JS_STR, JS_ARR, JS_OBJ } js_kind;

typedef struct js {
	js_kind kind;
	char *str;  /* JS_STR, JS_NUM: NUL-terminated text */
	size_t len; /* its byte length (strings may hold NUL) */
	int boolean;
	struct js **items; /* JS_ARR values, JS_OBJ values */
	char **keys;	   /* JS_OBJ keys */
	size_t n;
} js;

/* Parse text[0..len). Returns the root, or NULL with *errpos set. */
js *js_parse(const char *text, size_t len, size_t *errpos);
void js_free(js *v);

/* Member `key` of object o, or NULL. */
const js *js_get(const js *o, const char *key);
/* Its string (NULL when absent or not a string). */
const char *js_str(const js *o, const char *key);

#endif
