/* ring.c - a byte ring buffer with head/tail/end pointers into an array
 * member, an intrusive list with container_of, and pointer-to-row walks. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define RING_SIZE 37

struct ring {
	int id;
	unsigned char *head, *tail, *end;
	unsigned char data[RING_SIZE];
	size_t used;
};

struct list_head { struct list_head *next, *prev; };

struct job {
	int prio;
	double weight;
	struct list_head link;
	short tag[3];
};

static void ring_init(struct ring *r, int id)
{
	r->id = id;
	r->head = r->tail = r->data;
	r->end = r->data + RING_SIZE;   /* one past the array */
	r->used = 0;
}

static int ring_put(struct ring *r, unsigned char c)
{
	if (r->used == RING_SIZE) return -1;
	*r->tail++ = c;
	if (r->tail == r->end) r->tail = r->data;
	r->used++;
	return 0;
}

static int ring_get(struct ring *r)
{
	int c;
	if (r->used == 0) return -1;
	c = *r->head++;
	if (r->head == r->end) r->head = r->data;
	r->used--;
	return c;
}

static void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev; n->next = h;
	h->prev->next = n; h->prev = n;
}

static void list_del(struct list_head *n)
{
	n->prev->next = n->next; n->next->prev = n->prev;
}

int main(void)
{
	struct ring *rings = malloc(2 * sizeof *rings);
	struct list_head queue = { &queue, &queue };
	static int grid[6][8];
	int (*row)[8];
	int *cell, *grid_end = &grid[5][8];
	unsigned long long sum = 0;
	int i, k, njobs = 0;
	struct list_head *pos;

	ring_init(&rings[0], 1);
	ring_init(&rings[1], 2);
	for (i = 0; i < 3000; i++) {
		struct ring *r = &rings[i & 1];
		if (ring_put(r, (unsigned char)(i * 7)) < 0) {
			for (k = 0; k < 20; k++) sum += (unsigned)ring_get(r);
		}
		if (i % 5 == 0) {
			struct job *j = malloc(sizeof *j);
			j->prio = i % 13; j->weight = i / 8.0; j->tag[2] = (short)-i;
			list_add_tail(&j->link, &queue);
			njobs++;
		}
		if (njobs > 40) {
			struct job *best = NULL;
			for (pos = queue.next; pos != &queue; pos = pos->next) {
				struct job *j = container_of(pos, struct job, link);
				if (!best || j->prio > best->prio) best = j;
			}
			sum += (unsigned long)(best->weight * 2) + (unsigned long)best->tag[2];
			list_del(&best->link);
			free(best);
			njobs--;
		}
		for (row = grid; row < grid + 6; row++)
			(*row)[i % 8] += i & 3;
	}
	for (cell = &grid[0][0]; cell < grid_end; cell++) sum = sum * 3 + (unsigned)*cell;
	printf("sum %llu used %zu/%zu head %td tail %td\n", sum & 0xffffffffu, rings[0].used, rings[1].used,
	       rings[0].head - rings[0].data, rings[1].tail - rings[1].data);
	for (pos = queue.next, k = 0; pos != &queue; pos = pos->next, k++)
		if (k < 5) printf("job prio %d w %.3f\n", container_of(pos, struct job, link)->prio,
				container_of(pos, struct job, link)->weight);
	printf("jobs %d\n", njobs);
	return 0;
}
