/* guest_test.c — a real Wasm guest for the engine's tests, compiled by
 * clang for wasm32-wasi without libc: recursion, loops, memory, traps,
 * and calls to host functions that add numbers or suspend. */
#define IMPORT(name) __attribute__((import_module("test"), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

IMPORT("host_add") int host_add(int a, int b);
IMPORT("wait") int wait_for(int token);

static volatile int sink;
static unsigned char buffer[4096];

EXPORT("fib") int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* A busy loop: many back-edges, for fuel. */
EXPORT("spin") unsigned spin(unsigned n)
{
	unsigned h = 2166136261u;

	for (unsigned i = 0; i < n; i++) {
		h ^= i;
		h *= 16777619u;
		h = (h << 7) | (h >> 25);
	}
	return h;
}

/* Recursion that is not a tail call. */
EXPORT("deep") int deep(int n)
{
	int r;

	if (n <= 0)
		return 0;
	r = deep(n - 1);
	sink = r;
	return r + 1;
}

EXPORT("add_via_host") int add_via_host(int a, int b)
{
	return host_add(a, b) + 1;
}

/* Suspends in the host n times; sums what the host resumes with. */
EXPORT("sum_waits") int sum_waits(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += wait_for(i);
	return s;
}

EXPORT("div") int divide(int a, int b)
{
	return a / b;
}

EXPORT("load") int load(unsigned addr)
{
	return *(volatile int *)addr;
}

/* Fills buffer with i*k and returns its address (for the host to read). */
EXPORT("fill") unsigned char *fill(int k)
{
	for (int i = 0; i < (int)sizeof buffer; i++)
		buffer[i] = (unsigned char)(i * k);
	return buffer;
}

EXPORT("checksum") unsigned checksum(const unsigned char *p, unsigned n)
{
	unsigned s = 0;

	for (unsigned i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

EXPORT("unreachable") void trap_unreachable(void)
{
	__builtin_trap();
}
