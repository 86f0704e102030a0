/* dispatch.c - a tiny command interpreter with a sorted command table,
 * bsearch lookup and a struct of callbacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vm vm_t;
typedef int (*cmd_fn)(vm_t *, long);

struct cmd {
	const char *name;
	cmd_fn fn;
	int arity;
};

struct vm_ops {
	void (*trace)(vm_t *, const char *);
	long (*combine)(long, long);
};

struct vm {
	long stack[64];
	long *sp;
	const struct vm_ops *ops;
	unsigned long ntraced;
	unsigned int hash;
};

static int do_push(vm_t *vm, long arg) { *vm->sp++ = arg; return 0; }
static int do_pop(vm_t *vm, long arg) { (void)arg; if (vm->sp == vm->stack) return -1; vm->sp--; return 0; }
static int do_add(vm_t *vm, long arg)
{
	(void)arg;
	if (vm->sp - vm->stack < 2) return -1;
	vm->sp[-2] = vm->ops->combine(vm->sp[-2], vm->sp[-1]);
	vm->sp--;
	return 0;
}
static int do_dup(vm_t *vm, long arg) { (void)arg; if (vm->sp == vm->stack) return -1; vm->sp[0] = vm->sp[-1]; vm->sp++; return 0; }
static int do_mul(vm_t *vm, long arg) { vm->sp[-1] = (vm->sp[-1] * arg) % 1000003; return 0; }
static int do_neg(vm_t *vm, long arg) { (void)arg; vm->sp[-1] = -vm->sp[-1]; return 0; }

/* must stay sorted by name */
static const struct cmd commands[] = {
	{ "add", do_add, 0 },
	{ "dup", do_dup, 0 },
	{ "mul", do_mul, 1 },
	{ "neg", do_neg, 0 },
	{ "pop", do_pop, 0 },
	{ "push", do_push, 1 },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_compare(const void *key, const void *elem)
{
	const char *k = key;
	const struct cmd *c = elem;
	return strcmp(k, c->name);
}

static void trace_hash(vm_t *vm, const char *what)
{
	const unsigned char *p;
	vm->ntraced++;
	for (p = (const unsigned char *)what; *p; p++)
		vm->hash = vm->hash * 33 + *p;
}

static long add_mod(long a, long b) { return (a + b) % 1000003; }

static const struct vm_ops default_ops = { trace_hash, add_mod };

static const char *program[] = {
	"push 7", "dup", "mul 13", "add", "push -4", "neg", "add", "dup", "mul 3", "add", "pop", "push 2", "add",
};

int main(void)
{
	vm_t vm;
	char line[32];
	int round, errors = 0;
	size_t i;

	memset(&vm, 0, sizeof vm);
	vm.sp = vm.stack;
	vm.ops = &default_ops;
	do_push(&vm, 1);

	for (round = 0; round < 300; round++) {
		for (i = 0; i < sizeof(program) / sizeof(program[0]); i++) {
			char name[16];
			long arg = 0;
			const struct cmd *c;
			int n;

			snprintf(line, sizeof line, "%s", program[i]);
			n = sscanf(line, "%15s %ld", name, &arg);
			if (n < 1)
				continue;
			c = bsearch(name, commands, NCOMMANDS, sizeof(commands[0]), cmd_compare);
			if (!c) {
				errors++;
				continue;
			}
			if (c->arity == 1 && n < 2)
				arg = round;
			vm.ops->trace(&vm, c->name);
			if (c->fn(&vm, arg + (round & 3)) < 0)
				errors++;
		}
		if (vm.sp - vm.stack > 32)
			vm.sp = vm.stack + 1;
		if (round % 50 == 0)
			printf("round %d: depth %ld top %ld\n", round, (long)(vm.sp - vm.stack), vm.sp[-1]);
	}
	printf("traced %lu hash %u errors %d top %ld\n", vm.ntraced, vm.hash, errors, vm.sp[-1]);
	return 0;
}
