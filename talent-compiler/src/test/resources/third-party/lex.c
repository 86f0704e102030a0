/* lex.c - a tokenizer with switch fallthrough in its loop, token kinds as
 * interned string literals compared by pointer, numbers through strtod
 * with errno, and a long double accumulator. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const T_NUM = "number", *const T_ID = "ident", *const T_OP = "op", *const T_BAD = "bad";

struct tok { const char *kind; char text[24]; double val; };

static int next_token(const char **pp, struct tok *t)
{
	const char *p = *pp;
	size_t n = 0;
	char *end;
	while (*p == ' ' || *p == '\t') p++;
	if (!*p) return 0;
	switch (*p) {
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
	case '.':
		errno = 0;
		t->val = strtod(p, &end);
		t->kind = errno == ERANGE ? T_BAD : T_NUM;
		n = (size_t)(end - p);
		break;
	case '<': case '>': case '!': case '=':
		if (p[1] == '=') { n = 2; t->kind = T_OP; break; }
		/* fall through */
	case '+': case '-': case '*': case '/':
		n = 1;
		t->kind = T_OP;
		break;
	default:
		while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '_' || (n && p[n] >= '0' && p[n] <= '9')) n++;
		if (n == 0) { n = 1; t->kind = T_BAD; }
		else t->kind = T_ID;
	}
	if (n >= sizeof t->text) n = sizeof t->text - 1;
	memcpy(t->text, p, n);
	t->text[n] = '\0';
	*pp = p + n;
	return 1;
}

int main(void)
{
	static const char *lines[] = {
		"x1 = 3.25 + y_2 * 1e3 <= 7", "a>=b != c - .5 / 2e-3 ? q", "zz 1e999 - 4 == w", "pi = 3.14159265358979 * r * r",
	};
	long double acc = 0.0L, small = 1.0L;
	unsigned counts[4] = { 0 };
	unsigned long long hash = 1469598103934665603ull;
	int round, i, ranges = 0;

	for (round = 0; round < 400; round++) {
		for (i = 0; i < 4; i++) {
			const char *p = lines[(i + round) % 4];
			struct tok t;
			while (next_token(&p, &t)) {
				const char *c;
				int k = t.kind == T_NUM ? 0 : t.kind == T_ID ? 1 : t.kind == T_OP ? 2 : 3;
				counts[k]++;
				switch (k) {
				case 0:
					acc += (long double)t.val / (round + 1);
					small /= 1.0009L;
					break;
				case 3:
					ranges++;
					/* fall through */
				case 1:
				case 2:
					for (c = t.text; *c; c++)
						hash = (hash ^ (unsigned char)*c) * 1099511628211ull;
					break;
				}
			}
		}
		if (round % 100 == 0)
			printf("round %d: acc %.6Lf small %.9Lf\n", round, acc, small);
	}
	printf("num %u id %u op %u bad %u ranges %d hash %016llx acc %.6Lf small %.9Le\n", counts[0], counts[1], counts[2],
	       counts[3], ranges, hash, acc, small);
	return 0;
}
