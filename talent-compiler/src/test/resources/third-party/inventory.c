/* inventory.c - records parsed from generated text lines, kept in a
 * realloc-grown array, sorted with qsort by two keys, with errno checks. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	char sku[12];
	int qty;
	long long price_cents;
	unsigned char flags;
};

struct inventory {
	struct item *items;
	size_t len, cap;
	int overflows;
};

static int inv_push(struct inventory *inv, const struct item *it)
{
	if (inv->len == inv->cap) {
		size_t ncap = inv->cap ? inv->cap * 2 : 4;
		struct item *n = realloc(inv->items, ncap * sizeof *n);
		if (n == NULL)
			return -1;
		inv->items = n;
		inv->cap = ncap;
	}
	inv->items[inv->len++] = *it;
	return 0;
}

static int by_qty_then_sku(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->qty != y->qty)
		return x->qty < y->qty ? -1 : 1;
	return strcmp(x->sku, y->sku);
}

static int parse_line(const char *line, struct item *out, int *overflow)
{
	char *end;
	long v;

	if (sscanf(line, "%11[^;];", out->sku) != 1)
		return -1;
	line = strchr(line, ';');
	if (!line)
		return -1;
	errno = 0;
	v = strtol(line + 1, &end, 10);
	if (errno == ERANGE || v > INT_MAX || v < INT_MIN) {
		*overflow = 1;
		v = 0;
	}
	out->qty = (int)v;
	if (*end != ';')
		return -1;
	errno = 0;
	out->price_cents = strtoll(end + 1, &end, 16);
	if (errno)
		return -1;
	out->flags = (unsigned char)(out->qty * 37);
	return 0;
}

int main(void)
{
	struct inventory inv = { NULL, 0, 0, 0 };
	char buf[96];
	unsigned seed = 12345;
	int i, bad = 0;
	long long total = 0;
	size_t k;

	for (i = 0; i < 900; i++) {
		struct item it;
		int of = 0;
		seed = seed * 1103515245u + 12345u;
		if (i % 97 == 13)
			snprintf(buf, sizeof buf, "SKU%05d;99999999999999999999;%x", i, seed >> 8);
		else if (i % 101 == 7)
			snprintf(buf, sizeof buf, "garbage line %d", i);
		else
			snprintf(buf, sizeof buf, "SKU%05u;%d;%x", seed % 100000u, (int)(seed >> 20) % 500 - 100, seed >> 12);
		if (parse_line(buf, &it, &of) != 0) {
			bad++;
			continue;
		}
		inv.overflows += of;
		if (inv_push(&inv, &it) != 0)
			return 1;
		if (inv.len % 128 == 0) {
			qsort(inv.items, inv.len, sizeof inv.items[0], by_qty_then_sku);
			printf("%zu items, lowest %s (%d), highest %s (%d)\n", inv.len, inv.items[0].sku,
			       inv.items[0].qty, inv.items[inv.len - 1].sku, inv.items[inv.len - 1].qty);
		}
	}
	qsort(inv.items, inv.len, sizeof inv.items[0], by_qty_then_sku);
	for (k = 0; k < inv.len; k++) {
		total += (long long)inv.items[k].qty * inv.items[k].price_cents % 1000007;
		total ^= inv.items[k].flags;
	}
	printf("items %zu cap %zu bad %d overflows %d total %lld median %s\n", inv.len, inv.cap, bad,
	       inv.overflows, total, inv.items[inv.len / 2].sku);
	free(inv.items);
	return 0;
}
