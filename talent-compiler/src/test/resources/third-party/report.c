/* report.c - CSV-ish records split with strtok, names kept as pointers
 * into one heap text buffer, random sampling with rand(), helpers
 * returning static buffers, and a goto-based error path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row { const char *name; int dept; long salary; };

static const char *fmt_money(long cents)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "%s%ld.%02ld", cents < 0 ? "-" : "", labs(cents) / 100, labs(cents) % 100);
	return buf;
}

static const char *dept_name(int d)
{
	static const char *names[] = { "eng", "ops", "sales", "legal" };
	return d >= 0 && d < 4 ? names[d] : "?";
}

static int by_salary_desc(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	return (x->salary < y->salary) - (x->salary > y->salary);
}

int main(void)
{
	char *text = NULL, *line, *save_end;
	struct row *rows = NULL;
	size_t len = 0, cap = 4096, n = 0, i;
	int r, rc = 1;
	long sums[4] = { 0 };
	const char *last_money = NULL;

	srand(2024);
	text = malloc(cap);
	if (!text) goto fail;
	for (r = 0; r < 300; r++) {
		int dept = rand() % 4, pay = 3000000 + rand() % 900000;
		int k = snprintf(text + len, cap - len, "emp%03d,%d,%d\n", r, dept, pay);
		if (k < 0 || (size_t)k >= cap - len) goto fail;
		len += (size_t)k;
		if (cap - len < 64) {
			char *t = realloc(text, cap * 2);
			if (!t) goto fail;
			text = t;
			cap *= 2;
		}
	}
	rows = calloc(300, sizeof *rows);
	if (!rows) goto fail;
	save_end = text + len;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ','), *c2;
		if (!c1) goto fail;
		*c1 = '\0';
		c2 = strchr(c1 + 1, ',');
		if (!c2) goto fail;
		rows[n].name = line;
		rows[n].dept = atoi(c1 + 1);
		rows[n].salary = strtol(c2 + 1, NULL, 10) - 500000 * (rand() % 3);
		sums[rows[n].dept] += rows[n].salary;
		n++;
	}
	qsort(rows, n, sizeof *rows, by_salary_desc);
	for (i = 0; i < n; i += 37) {
		last_money = fmt_money(rows[i].salary);
		printf("%-7s %-5s %s\n", rows[i].name, dept_name(rows[i].dept), last_money);
	}
	for (r = 0; r < 4; r++) printf("%s total %s\n", dept_name(r), fmt_money(sums[r]));
	printf("rows %zu buffer %zu last %s tail %d\n", n, len, last_money, (int)(save_end - text));
	rc = 0;
fail:
	free(rows);
	free(text);
	return rc;
}
