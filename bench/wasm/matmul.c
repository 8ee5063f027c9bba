/* matmul.c — double-precision matrix multiply (i-k-j order), repeated:
 * floating-point loads, multiplies and adds. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 40;
	int n = 256;
	double *a = malloc(sizeof(double) * n * n);
	double *b = malloc(sizeof(double) * n * n);
	double *c = malloc(sizeof(double) * n * n);
	double sum = 0;

	if (!a || !b || !c)
		return 1;
	for (int i = 0; i < n * n; i++) {
		a[i] = (double)(i % 17) / 7.0 - 1.0;
		b[i] = (double)(i % 13) / 5.0 + 0.5;
	}
	for (int r = 0; r < reps; r++) {
		for (int i = 0; i < n * n; i++)
			c[i] = 0;
		for (int i = 0; i < n; i++)
			for (int k = 0; k < n; k++) {
				double aik = a[i * n + k];

				for (int j = 0; j < n; j++)
					c[i * n + j] += aik * b[k * n + j];
			}
		a[r] += c[n * n - 1 - r] * 1e-9; /* chain the rounds */
	}
	for (int i = 0; i < n * n; i++)
		sum += c[i];
	printf("matmul %dx%d: checksum %.6f\n", n, n, sum);
	free(a);
	free(b);
	free(c);
	return 0;
}
