/*
 * records.c -- talent migration corpus.
 * Exercises: nested structs (struct in struct in struct), arrays of structs (global and local), bit-fields
 * (unsigned and explicitly signed, in a file-scope struct), char arrays inside structs, a union whose
 * live value is always its first member (migrated through the first member), a struct local passed by
 * value and by pointer, struct assignment, typedef'd struct types.
 * Output: the inventory state after every simulated day.
 */
#include <stdio.h>
#include <string.h>

struct flags {
    unsigned active : 1;
    unsigned level : 3;
    signed int delta : 5;      /* -16..15 */
    unsigned code : 7;
};

struct point { short x, y; };
struct box { struct point lo, hi; char label[12]; };

union amount {                 /* the live value is always the first member */
    long long cents;
    double as_double;
};

typedef struct item {
    int id;
    struct box where;
    struct flags fl;
    union amount price;
    float weight;
    char name[16];
} item;

typedef struct {
    item items[5];
    struct { int day; long long revenue; char last_event[24]; } ledger;  /* anonymous nested struct */
} shop;

static shop the_shop;          /* file-scope static aggregate */

static void describe(const item *it) {
    printf("  #%d %-8s box(%d,%d)-(%d,%d) '%s' act=%u lvl=%u d=%d code=%u price=%lld.%02lld w=%.3f\n", it->id,
           it->name, it->where.lo.x, it->where.lo.y, it->where.hi.x, it->where.hi.y, it->where.label,
           (unsigned)it->fl.active, (unsigned)it->fl.level, (int)it->fl.delta, (unsigned)it->fl.code,
           it->price.cents / 100, it->price.cents % 100, it->weight);
}

static item evolve(item it, int day) {
    it.where.lo.x = (short)(it.where.lo.x + day % 3 - 1);
    it.where.hi.y = (short)(it.where.hi.y + (it.id + day) % 4);
    it.fl.active = (unsigned)((it.fl.active + day + it.id) % 2);
    it.fl.level = (unsigned)((it.fl.level + 3) % 8);
    int d = it.fl.delta - 5;
    it.fl.delta = d < -16 ? d + 31 : d;
    it.fl.code = (unsigned)((it.fl.code * 5 + 11) % 128);
    it.price.cents = it.price.cents + (it.fl.active ? 125 : -75) * (it.id + 1);
    it.weight = it.weight * 0.75f + 0.5f;
    it.where.label[day % 10] = (char)('a' + (day + it.id) % 26);
    return it;
}

int main(void) {
    static const char *const names[5] = {"anvil", "bolt", "chisel", "drill", "easel"};
    item extra[2];
    for (int k = 0; k < 5; k++) {
        item *it = &the_shop.items[k];
        it->id = k;
        it->where.lo.x = (short)(k * 10);
        it->where.lo.y = (short)(-k * 3);
        it->where.hi.x = (short)(k * 10 + 5);
        it->where.hi.y = (short)(k * 7);
        strcpy(it->where.label, "..........");
        it->fl.active = 1;
        it->fl.level = (unsigned)k;
        it->fl.delta = -k;
        it->fl.code = (unsigned)(k * 20);
        it->price.cents = 1000 + 250 * k;
        it->weight = 1.0f + k;
        strcpy(it->name, names[k]);
    }
    for (int k = 0; k < 2; k++) {
        extra[k] = the_shop.items[k];
        extra[k].id = 10 + k;
        strcpy(extra[k].name, k ? "spare-b" : "spare-a");
    }
    strcpy(the_shop.ledger.last_event, "opened");

    for (int day = 1; day <= 12; day++) {
        the_shop.ledger.day = day;
        for (int k = 0; k < 5; k++) {
            item next = evolve(the_shop.items[k], day);
            if (next.fl.active) the_shop.ledger.revenue += next.price.cents;
            the_shop.items[k] = next;
        }
        struct box moved = extra[day % 2].where;   /* struct local copied out of an array of structs */
        moved.hi.x = (short)(moved.hi.x + day);
        extra[day % 2].where = moved;
        extra[day % 2].fl.level = (unsigned)(day % 8);
        snprintf(the_shop.ledger.last_event, sizeof the_shop.ledger.last_event, "day %d: %s", day,
                 the_shop.items[day % 5].name);
        printf("day %d revenue=%lld event='%s'\n", the_shop.ledger.day, the_shop.ledger.revenue,
               the_shop.ledger.last_event);
        for (int k = 0; k < 5; k++) describe(&the_shop.items[k]);
        for (int k = 0; k < 2; k++) describe(&extra[k]);
    }
    return 0;
}
