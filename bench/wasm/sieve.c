/* sieve.c — sieve of Eratosthenes, repeated: byte stores and loops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 20;
	unsigned n = 4000000, count = 0;
	unsigned char *composite = malloc(n + 1);

	if (!composite)
		return 1;
	for (int r = 0; r < reps; r++) {
		memset(composite, 0, n + 1);
		count = 0;
		for (unsigned i = 2; i <= n; i++) {
			if (composite[i])
				continue;
			count++;
			for (unsigned j = i + i; j <= n; j += i)
				composite[j] = 1;
		}
	}
	printf("primes below %u: %u\n", n, count);
	free(composite);
	return 0;
}
