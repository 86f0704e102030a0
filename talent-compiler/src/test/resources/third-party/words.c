/* words.c - case-insensitive sort of words with a hand-written comparator
 * (it loops), lookups with bsearch, keyword identity by pointer. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char KW_IF[] = "if", KW_ELSE[] = "else", KW_WHILE[] = "while";
static const char *const keywords[] = { KW_ELSE, KW_IF, KW_WHILE };

static int ci_compare(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

static int cmp_words(const void *pa, const void *pb)
{
	const char *const *a = pa, *const *b = pb;
	return ci_compare(*a, *b);
}

static int cmp_key(const void *k, const void *e)
{
	return ci_compare(k, *(const char *const *)e);
}

static const char *intern_keyword(const char *w)
{
	const char *const *hit = bsearch(w, keywords, 3, sizeof keywords[0], cmp_key);
	return hit ? *hit : NULL;
}

int main(void)
{
	static char pool[400][12];
	char *words[400];
	const char *syll[] = { "ka", "Lo", "mi", "IF", "el", "se", "wh", "ile", "ne", "Zu" };
	unsigned x = 2463534242u;
	int i, n = 0, ifs = 0, elses = 0, whiles = 0;

	for (i = 0; i < 400; i++) {
		int parts = 1 + (int)(x % 3), j;
		pool[i][0] = '\0';
		for (j = 0; j < parts; j++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			strcat(pool[i], syll[x % 10]);
		}
		words[n++] = pool[i];
	}
	for (i = 0; i < 3; i++) {
		qsort(words, (size_t)n, sizeof words[0], cmp_words);
		printf("pass %d: first %s last %s mid %s\n", i, words[0], words[n - 1], words[n / 2]);
		words[i * 7] [0] = (char)('a' + i);
	}
	for (i = 0; i < n; i++) {
		const char *k = intern_keyword(words[i]);
		if (k == KW_IF) ifs++;
		else if (k == KW_ELSE) elses++;
		else if (k == KW_WHILE) whiles++;
	}
	printf("if %d else %d while %d\n", ifs, elses, whiles);
	return 0;
}
