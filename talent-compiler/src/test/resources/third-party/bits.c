/* bits.c - packet headers in bit-fields, enum-indexed tables, signed and
 * unsigned char arithmetic, negative shifts and divisions, _Bool flags. */
#include <stdio.h>
#include <string.h>

enum proto { P_NONE, P_TCP, P_UDP, P_ICMP, P_MAX };
static const char *const proto_names[P_MAX] = {
	[P_NONE] = "none", [P_TCP] = "tcp", [P_UDP] = "udp", [P_ICMP] = "icmp",
};

struct hdr {
	unsigned int version : 4;
	unsigned int ihl : 4;
	signed int delta : 6;
	unsigned int proto : 2;
	_Bool urgent : 1;
	unsigned int ttl : 8;
	unsigned int frag : 7;
};

struct stats {
	unsigned long count[P_MAX];
	long long bytes[P_MAX];
	signed char minbias[P_MAX];
	unsigned char maxbias[P_MAX];
	_Bool seen[P_MAX];
};

static void account(struct stats *st, const struct hdr *h, signed char bias, unsigned char ubias)
{
	enum proto p = (enum proto)h->proto;
	st->count[p]++;
	st->bytes[p] += (long long)h->ihl * 4 + h->delta;
	if (!st->seen[p] || bias < st->minbias[p])
		st->minbias[p] = bias;
	if (!st->seen[p] || ubias > st->maxbias[p])
		st->maxbias[p] = ubias;
	st->seen[p] = 1;
}

int main(void)
{
	struct stats st;
	struct hdr h;
	unsigned int state = 0x9e3779b9u;
	int i, urgent = 0;
	long long acc = 0;
	signed char sc = -100;
	unsigned char uc = 200;
	int neg_shift_sum = 0, neg_div_sum = 0, neg_mod_sum = 0;

	memset(&st, 0, sizeof st);
	for (i = 0; i < 5000; i++) {
		int v;
		state ^= state << 7;
		state ^= state >> 9;
		h.version = state & 0xf;
		h.ihl = (state >> 4) & 0xf;
		h.delta = (int)((state >> 8) & 0x3f) - 32;
		h.proto = (state >> 14) & 3;
		h.urgent = (state >> 16) & 1;
		h.ttl = (state >> 17);
		h.frag = h.ttl + h.ihl;
		urgent += h.urgent;

		sc = (signed char)(sc + 7);          /* wraps */
		uc = (unsigned char)(uc * 3 + 1);
		account(&st, &h, sc, uc);

		v = h.delta * 1000 - 17;
		neg_shift_sum += v >> 3;             /* arithmetic shift on gcc */
		neg_div_sum += v / 7;
		neg_mod_sum += v % 7;
		acc += (long long)(h.frag - 64) * (h.version ? h.version : -1);
		if (i % 1000 == 999)
			printf("%d: urgent %d acc %lld sc %d uc %u\n", i, urgent, acc, sc, uc);
	}
	for (i = P_NONE; i < P_MAX; i++)
		printf("%-5s count %lu bytes %lld minbias %d maxbias %u\n", proto_names[i], st.count[i], st.bytes[i],
		       st.minbias[i], st.maxbias[i]);
	printf("shift %d div %d mod %d last %u/%u/%d/%d/%u/%u\n", neg_shift_sum, neg_div_sum, neg_mod_sum, h.version,
	       h.ihl, h.delta, h.proto, h.ttl, h.frag);
	return 0;
}
