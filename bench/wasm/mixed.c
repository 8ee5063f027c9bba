/* mixed.c — a CoreMark-like mix of the work scripts do: linked-list
 * search, reversal and merge sort; integer matrix arithmetic; a character
 * state machine scanning numbers; CRC-16 over the results. Each iteration
 * feeds the next through the CRC, so nothing can be hoisted away. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
	struct node *next;
	int32_t key, val;
} node;

static uint16_t crc16(uint16_t crc, uint32_t v)
{
	for (int i = 0; i < 32; i++) {
		unsigned bit = ((crc >> 15) ^ (v >> i)) & 1;

		crc = (uint16_t)(crc << 1);
		if (bit)
			crc ^= 0x1021;
	}
	return crc;
}

static node *reverse(node *l)
{
	node *prev = NULL;

	while (l) {
		node *next = l->next;

		l->next = prev;
		prev = l;
		l = next;
	}
	return prev;
}

static node *merge_sort(node *l, int by_val)
{
	node *a = NULL, *b = NULL, head, *t = &head;

	if (!l || !l->next)
		return l;
	/* split alternately */
	while (l) {
		node *next = l->next;

		l->next = a;
		a = l;
		l = next;
		if (l) {
			next = l->next;
			l->next = b;
			b = l;
			l = next;
		}
	}
	a = merge_sort(a, by_val);
	b = merge_sort(b, by_val);
	while (a && b) {
		int take_a = by_val ? a->val <= b->val : a->key <= b->key;

		if (take_a) {
			t->next = a;
			a = a->next;
		} else {
			t->next = b;
			b = b->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

static uint16_t list_work(node *pool, int n, uint16_t seed)
{
	node *l = NULL;
	uint16_t crc = seed;

	for (int i = 0; i < n; i++) {
		pool[i].key = (int32_t)((i * 7919 + seed) % 1000);
		pool[i].val = (int32_t)((i * 104729 ^ seed) & 0xffff);
		pool[i].next = l;
		l = &pool[i];
	}
	for (int q = 0; q < 32; q++) {
		int32_t want = (q * 31 + seed) % 1000;
		node *p = l;

		while (p && p->key != want)
			p = p->next;
		crc = crc16(crc, p ? (uint32_t)p->val : 0xffffu);
	}
	l = merge_sort(l, 1);
	l = reverse(l);
	crc = crc16(crc, (uint32_t)l->val);
	l = merge_sort(l, 0);
	for (node *p = l; p; p = p->next)
		crc = (uint16_t)(crc + (uint16_t)p->val);
	return crc;
}

static uint16_t matrix_work(int32_t *a, int32_t *b, int32_t *c, int n, uint16_t seed)
{
	uint16_t crc = seed;

	for (int i = 0; i < n * n; i++) {
		a[i] = (int32_t)((i * 3 + seed) & 0xff) - 128;
		b[i] = (int32_t)((i * 5 ^ seed) & 0xff) - 128;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			int32_t s = 0;

			for (int k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
	for (int i = 0; i < n * n; i++) {
		c[i] = (c[i] >> 2) + (int32_t)seed;
		if (c[i] > 100000)
			crc = crc16(crc, (uint32_t)c[i]);
	}
	return crc;
}

enum { S_START, S_INT, S_FRAC, S_EXP, S_SCI, S_INVALID };

static uint16_t state_work(char *text, int len, uint16_t seed)
{
	static const char *tokens[] = {"5012", "1.25", "-190", "3.1e-3", "+0x1b",
				       "4,5", "77.7", "-.5e9", "99", "1e1e"};
	int counts[6] = {0}, pos = 0, t = seed % 10;
	uint16_t crc = seed;

	while (pos < len - 8) {
		const char *tok = tokens[t];
		size_t n = strlen(tok);

		memcpy(text + pos, tok, n);
		pos += (int)n;
		text[pos++] = ' ';
		t = (t + 3) % 10;
	}
	text[pos] = 0;
	for (char *p = text; *p;) {
		int st = S_START;

		for (; *p && *p != ' '; p++) {
			char ch = *p;

			switch (st) {
			case S_START:
				st = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-'
					     ? S_INT
					     : ch == '.' ? S_FRAC : S_INVALID;
				break;
			case S_INT:
				if (ch == '.')
					st = S_FRAC;
				else if (ch == 'e' || ch == 'E')
					st = S_EXP;
				else if (ch < '0' || ch > '9')
					st = S_INVALID;
				break;
			case S_FRAC:
				if (ch == 'e' || ch == 'E')
					st = S_EXP;
				else if (ch < '0' || ch > '9')
					st = S_INVALID;
				break;
			case S_EXP:
				st = (ch >= '0' && ch <= '9') || ch == '-' ? S_SCI : S_INVALID;
				break;
			case S_SCI:
				if (ch < '0' || ch > '9')
					st = S_INVALID;
				break;
			default:
				break;
			}
		}
		counts[st]++;
		if (*p)
			p++;
	}
	for (int i = 0; i < 6; i++)
		crc = crc16(crc, (uint32_t)counts[i]);
	return crc;
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 4000;
	int nl = 400, nm = 24, nt = 600;
	node *pool = malloc(sizeof(node) * (size_t)nl);
	int32_t *a = malloc(sizeof(int32_t) * (size_t)(nm * nm));
	int32_t *b = malloc(sizeof(int32_t) * (size_t)(nm * nm));
	int32_t *c = malloc(sizeof(int32_t) * (size_t)(nm * nm));
	char *text = malloc((size_t)nt + 16);
	uint16_t crc = 0;

	if (!pool || !a || !b || !c || !text)
		return 1;
	for (int i = 0; i < iters; i++) {
		crc = list_work(pool, nl, crc);
		crc = matrix_work(a, b, c, nm, crc);
		crc = state_work(text, nt, crc);
	}
	printf("mixed: %d iterations, crc 0x%04x\n", iters, crc);
	free(pool);
	free(a);
	free(b);
	free(c);
	free(text);
	return 0;
}
