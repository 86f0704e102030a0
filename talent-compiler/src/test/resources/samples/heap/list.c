/* Singly linked list: built, filtered and walked with checkpoints at every loop iteration. */
#include <stdio.h>
#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

static struct node *head;   /* global pointer into the heap */

static struct node *push(struct node *list, int value) {
    struct node *n = malloc(sizeof *n);
    n->value = value;
    n->next = list;
    return n;
}

int main(void) {
    struct node **tail = &head;   /* pointer to pointer: into a global, later into a heap block */
    for (int i = 1; i <= 120; i++) {
        struct node *n = malloc(sizeof(struct node));
        n->value = i * 7 % 31;
        *tail = n;
        tail = &n->next;
    }
    struct node *stack = NULL;
    for (struct node *p = head; p; p = p->next) {
        if (p->value % 3 == 0) stack = push(stack, p->value);
    }
    /* remove odd values through a pointer to the link that points at the node */
    for (struct node **link = &head; *link;) {
        if ((*link)->value % 2) {
            struct node *dead = *link;
            *link = dead->next;
            free(dead);
        } else {
            link = &(*link)->next;
        }
    }
    long sum = 0;
    int count = 0;
    for (struct node *p = head; p; p = p->next) {
        sum += p->value;
        count++;
        if (count % 10 == 0) printf("list %d: sum %ld\n", count, sum);
    }
    for (struct node *p = stack; p; p = p->next) printf("%d ", p->value);
    printf("\nlist: %d nodes, sum %ld\n", count, sum);
    while (stack) {
        struct node *n = stack->next;
        free(stack);
        stack = n;
    }
    return 0;
}
