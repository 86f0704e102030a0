/* hmap.c - a chained hash map with pluggable hash/compare callbacks,
 * void * keys and values, iteration through a visitor with a context. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned (*hash_fn)(const void *);
typedef int (*eq_fn)(const void *, const void *);

struct entry { void *key, *val; struct entry *next; };
struct hmap {
	struct entry **buckets;
	size_t nbuckets, size;
	hash_fn hash;
	eq_fn eq;
};

static unsigned str_hash(const void *k)
{
	const unsigned char *s = k;
	unsigned h = 5381;
	while (*s) h = h * 33 ^ *s++;
	return h;
}
static int str_eq(const void *a, const void *b) { return strcmp(a, b) == 0; }

static void hmap_grow(struct hmap *m)
{
	size_t i, n = m->nbuckets * 2;
	struct entry **nb = calloc(n, sizeof *nb);
	for (i = 0; i < m->nbuckets; i++) {
		struct entry *e = m->buckets[i], *next;
		for (; e; e = next) {
			size_t b = m->hash(e->key) % n;
			next = e->next;
			e->next = nb[b];
			nb[b] = e;
		}
	}
	free(m->buckets);
	m->buckets = nb;
	m->nbuckets = n;
}

static void **hmap_slot(struct hmap *m, const char *key)
{
	size_t b = m->hash(key) % m->nbuckets;
	struct entry *e;
	for (e = m->buckets[b]; e; e = e->next)
		if (m->eq(e->key, key)) return &e->val;
	if (m->size + 1 > m->nbuckets * 3 / 4) {
		hmap_grow(m);
		b = m->hash(key) % m->nbuckets;
	}
	e = malloc(sizeof *e);
	e->key = strdup(key);
	e->val = NULL;
	e->next = m->buckets[b];
	m->buckets[b] = e;
	m->size++;
	return &e->val;
}

struct stats { unsigned long total; const char *maxkey; long maxval; };

static void visit(struct hmap *m, void (*cb)(const char *, long *, void *), void *ctx)
{
	size_t i;
	struct entry *e;
	for (i = 0; i < m->nbuckets; i++)
		for (e = m->buckets[i]; e; e = e->next) cb(e->key, e->val, ctx);
}

static void collect(const char *k, long *v, void *ctx)
{
	struct stats *st = ctx;
	st->total += (unsigned long)*v;
	if (*v > st->maxval || (*v == st->maxval && strcmp(k, st->maxkey) < 0)) { st->maxval = *v; st->maxkey = k; }
}

int main(void)
{
	struct hmap m = { NULL, 8, 0, str_hash, str_eq };
	char key[16];
	unsigned x = 7;
	int i;
	struct stats st = { 0, "", -1 };
	long *counters = calloc(5000, sizeof *counters);
	int used = 0;

	m.buckets = calloc(m.nbuckets, sizeof *m.buckets);
	for (i = 0; i < 20000; i++) {
		void **slot;
		x = x * 1664525u + 1013904223u;
		snprintf(key, sizeof key, "k%u", (x >> 16) % 3000);
		slot = hmap_slot(&m, key);
		if (!*slot) *slot = &counters[used++];
		++*(long *)*slot;
		if (i % 5000 == 0) printf("%d: size %zu buckets %zu\n", i, m.size, m.nbuckets);
	}
	visit(&m, collect, &st);
	printf("size %zu total %lu max %s=%ld used %d\n", m.size, st.total, st.maxkey, st.maxval, used);
	return 0;
}
