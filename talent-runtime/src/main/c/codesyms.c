/* codesyms.c: which functions start where in the executable's code, from its own ELF symbol table (issue 11).
 *
 * A function pointer that names none of the program's known functions (values.c, the program's function table) is
 * either garbage (a struct member not written yet when the checkpoint comes: stack bytes, often a return address into
 * the code) or a real function talent does not know (one of a non-instrumented object's, one of the C library's
 * internals handed out to the program). A correct program never calls the first, so it is carried as indeterminate;
 * the second must not be lost silently. They are told apart by whether the value is the start of a function symbol:
 * a return address or any other garbage in the code is not. The symbol table is read once, from /proc/self/exe (qemu
 * user mode gives the guest's executable there), and kept sorted by address; a name is read only for a refusal.
 *
 * The file is the executable itself, but read as untrusted all the same: every offset and count is bounded. */
#define _GNU_SOURCE 1
#include "codesyms.h"
#include "xalloc.h"
#include "sort.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXE "/proc/self/exe"
#define MAX_SECTIONS 4096u
#define MAX_SEGMENTS 256u
#define MAX_SYMBOLS (1u << 20)

extern const char __executable_start[];

typedef struct {
    uintptr_t addr;     /* where the function is in this process */
    uint32_t name;      /* offset of its name in the string table */
} fsym;

static int loaded;      /* 0 not yet, 1 loaded, -1 the symbol table cannot be read */
static fsym *syms;
static size_t nsyms;
static ElfW(Off) strtab_off;
static ElfW(Xword) strtab_size;

static int read_at(int fd, void *buf, size_t len, ElfW(Off) off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static int cmp_sym(const void *x, const void *y)
{
    uintptr_t a = ((const fsym *)x)->addr, b = ((const fsym *)y)->addr;
    return a < b ? -1 : a > b;
}

static int load(void)
{
    ElfW(Ehdr) eh;
    ElfW(Shdr) *sh = NULL;
    ElfW(Phdr) ph;
    ElfW(Addr) low = (ElfW(Addr))-1;
    uintptr_t bias;
    unsigned i, symtab = 0;
    size_t count, k;
    int fd = open(EXE, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (read_at(fd, &eh, sizeof eh, 0) != 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
        eh.e_shentsize != sizeof(ElfW(Shdr)) || eh.e_shnum == 0 || eh.e_shnum > MAX_SECTIONS ||
        eh.e_phentsize != sizeof(ElfW(Phdr)) || eh.e_phnum == 0 || eh.e_phnum > MAX_SEGMENTS)
        goto fail;
    /* the load bias (0 unless static-pie): the lowest loadable segment is where __executable_start is */
    for (i = 0; i < eh.e_phnum; i++) {
        if (read_at(fd, &ph, sizeof ph, eh.e_phoff + (ElfW(Off))i * sizeof ph) != 0)
            goto fail;
        if (ph.p_type == PT_LOAD && ph.p_vaddr < low)
            low = ph.p_vaddr;
    }
    if (low == (ElfW(Addr))-1)
        goto fail;
    bias = (uintptr_t)__executable_start - (uintptr_t)(low & ~(ElfW(Addr))0xfff);
    sh = tl_xmalloc((size_t)eh.e_shnum * sizeof *sh);
    if (read_at(fd, sh, (size_t)eh.e_shnum * sizeof *sh, eh.e_shoff) != 0)
        goto fail;
    for (i = 1; i < eh.e_shnum && !symtab; i++)
        if (sh[i].sh_type == SHT_SYMTAB)
            symtab = i;
    if (!symtab || sh[symtab].sh_entsize != sizeof(ElfW(Sym)) || sh[symtab].sh_link == 0 ||
        sh[symtab].sh_link >= eh.e_shnum || sh[sh[symtab].sh_link].sh_type != SHT_STRTAB)
        goto fail;
    count = (size_t)(sh[symtab].sh_size / sizeof(ElfW(Sym)));
    if (count > MAX_SYMBOLS)
        goto fail;
    strtab_off = sh[sh[symtab].sh_link].sh_offset;
    strtab_size = sh[sh[symtab].sh_link].sh_size;
    syms = tl_xmalloc((count ? count : 1) * sizeof *syms);
    for (k = 0; k < count;) {
        ElfW(Sym) chunk[256];
        size_t n = count - k < 256 ? count - k : 256, j;
        if (read_at(fd, chunk, n * sizeof *chunk, sh[symtab].sh_offset + (ElfW(Off))k * sizeof *chunk) != 0)
            goto fail;
        for (j = 0; j < n; j++) {
            unsigned type = ELF32_ST_TYPE(chunk[j].st_info);    /* the same macro for both classes */
            if ((type == STT_FUNC || type == STT_GNU_IFUNC) && chunk[j].st_shndx != SHN_UNDEF &&
                chunk[j].st_shndx < SHN_LORESERVE && chunk[j].st_name < strtab_size) {
                syms[nsyms].addr = (uintptr_t)chunk[j].st_value + bias;
                syms[nsyms].name = (uint32_t)chunk[j].st_name;
                nsyms++;
            }
        }
        k += n;
    }
    tl_sort(syms, nsyms, sizeof *syms, cmp_sym);
    free(sh);
    close(fd);
    return 1;
fail:
    free(sh);
    close(fd);
    return -1;
}

int tl_code_function_at(const void *p, char *name, size_t len)
{
    size_t lo = 0, hi;
    if (!loaded)
        loaded = load();
    if (loaded < 0)
        return -1;
    hi = nsyms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (syms[mid].addr == (uintptr_t)p) {
            int fd;
            size_t n = len - 1;
            if (strtab_size - syms[mid].name < n)
                n = (size_t)(strtab_size - syms[mid].name);
            name[0] = '\0';
            fd = open(EXE, O_RDONLY | O_CLOEXEC);
            if (fd >= 0 && read_at(fd, name, n, strtab_off + syms[mid].name) == 0)
                name[n] = '\0';
            else
                name[0] = '\0';
            if (fd >= 0)
                close(fd);
            if (!name[0] && len > 1)
                strncpy(name, "(no name)", len - 1), name[len - 1] = '\0';
            return 1;
        }
        if (syms[mid].addr < (uintptr_t)p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
