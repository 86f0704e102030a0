/* Hash table with separate chaining; keys are strdup'ed strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *key;
    int count;
    struct entry *next;
};

struct table {
    unsigned nbuckets;
    struct entry **buckets;
    int size;
};

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void add(struct table *t, const char *key) {
    unsigned b = hash(key) % t->nbuckets;
    for (struct entry *e = t->buckets[b]; e; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            e->count++;
            return;
        }
    }
    struct entry *e = malloc(sizeof *e);
    e->key = strdup(key);
    e->count = 1;
    e->next = t->buckets[b];
    t->buckets[b] = e;
    t->size++;
}

static const char *syllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "vo"};

int main(void) {
    struct table *t = calloc(1, sizeof *t);
    t->nbuckets = 13;
    t->buckets = calloc(t->nbuckets, sizeof(struct entry *));
    char word[16];
    for (int i = 0; i < 400; i++) {
        unsigned x = (unsigned)i * 2654435761u;
        snprintf(word, sizeof word, "%s%s%s", syllables[x % 7], syllables[(x >> 8) % 7], syllables[(x >> 16) % 3]);
        add(t, word);
    }
    int longest = 0;
    for (unsigned b = 0; b < t->nbuckets; b++) {
        int len = 0;
        for (struct entry *e = t->buckets[b]; e; e = e->next) len++;
        if (len > longest) longest = len;
        printf("bucket %u: %d\n", b, len);
    }
    long check = 0;
    for (unsigned b = 0; b < t->nbuckets; b++) {
        for (struct entry *e = t->buckets[b]; e; e = e->next) check += (long)e->count * (long)(hash(e->key) % 1000);
    }
    printf("%d distinct words, longest chain %d, check %ld\n", t->size, longest, check);
    return 0;
}
