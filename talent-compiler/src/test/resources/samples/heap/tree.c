/* Binary search tree built recursively, with a checkpoint deep inside the recursion. */
#include <stdio.h>
#include <stdlib.h>

struct tree {
    int key;
    struct tree *left, *right;
    struct tree *parent;    /* back pointer: the structure has cycles */
};

static int made;

static struct tree *build(struct tree *parent, int lo, int hi, int depth) {
    if (lo > hi) return NULL;
    int mid = lo + (hi - lo) / 2;
    struct tree *t = malloc(sizeof *t);
    t->key = mid;
    t->parent = parent;
    made++;
    printf("%d@%d ", mid, depth);
    if (made % 16 == 0) printf("\n");
#pragma talent checkpoint
    t->left = build(t, lo, mid - 1, depth + 1);
    t->right = build(t, mid + 1, hi, depth + 1);
    return t;
}

static int height(const struct tree *t) {
    if (!t) return 0;
    int l = height(t->left), r = height(t->right);
    return 1 + (l > r ? l : r);
}

static long walk(struct tree *t, int depth) {
    if (!t) return 0;
#pragma talent checkpoint
    long s = walk(t->left, depth + 1);
    s += (long)t->key * depth;
    s += walk(t->right, depth + 1);
    return s;
}

int main(void) {
    struct tree *root = build(NULL, 1, 200, 0);
    printf("\nmade %d, height %d\n", made, height(root));
    printf("weighted sum %ld\n", walk(root, 1));
    struct tree *leftmost = root;
    while (leftmost->left) leftmost = leftmost->left;
    int up = 0;
    for (struct tree *p = leftmost; p; p = p->parent) up++;
    printf("leftmost %d, %d steps to the root\n", leftmost->key, up);
    return 0;
}
