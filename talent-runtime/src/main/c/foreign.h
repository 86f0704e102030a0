/* foreign.h: memory the program may point into that talent does not carry (foreign.c): the memory mappings the
 * program made with mmap that are not carried (heap_mapping.c keeps their list here);
 * and inet_ntoa, whose static result is the runtime's own storage, carried ("<libc>:inet_ntoa"). */
#ifndef TALENT_FOREIGN_H
#define TALENT_FOREIGN_H

#include "base.h"

/* NULL when p is outside every mapping the program made; else what it points into, for a refusal naming the
 * pointer ("an anonymous memory mapping ..."). Asked only about a pointer that
 * points into no object talent knows (values.c): such a pointer, if the program reads through it after a restart,
 * would read memory the restarted process does not have as it was. */
const char *tl_foreign_memory(const void *p);

/* The mappings not carried: kinds (bits), and the list (bounded: beyond it a mapping is not known) */
#define TL_MAP_ANON 1      /* anonymous */
#define TL_MAP_SHARED 2    /* MAP_SHARED */
#define TL_MAP_FILE 4      /* a file's */
#define TL_MAP_CUT 8       /* carried until a part of it was unmapped or remapped */
#define TL_MAP_PROT 16     /* not readable and writable as a whole */
#define TL_MAP_FIXED 32    /* at an address the program chose */
void tl_foreign_map_add(uintptr_t base, size_t len, int kind);
/* forgets [base, base+len) of every entry */
void tl_foreign_map_remove(uintptr_t base, size_t len);
/* the kind of the listed mapping holding a, 0 if none */
int tl_foreign_map_kind(uintptr_t a);
/* the refusal's words for a pointer into a mapping of that kind; NULL for 0 */
const char *tl_foreign_map_what(int kind);

/* mmap and munmap for the runtime's own memory (slab chunks, buffers, the checkpoint file, a delta's image): the
 * C library's functions, not the wrapped ones, so that the list of the program's mappings never holds the
 * runtime's, and a pointer the program left dangling into a freed slab slot stays indeterminate (issue 11) instead of
 * refusing the checkpoint as one into a mapping of the program's. The offset is always 0. */
void *tl_runtime_mmap(void *addr, size_t len, int prot, int flags, int fd);
int tl_runtime_munmap(void *addr, size_t len);
/* mremap with MREMAP_MAYMOVE, untracked likewise */
void *tl_runtime_mremap(void *old, size_t old_len, size_t new_len);

/* Whether the program called inet_ntoa: the global "<libc>:inet_ntoa" is then written (libc_state.c). */
int tl_inet_ntoa_used(void);

/* The global's storage and type ("char[16]", FORMAT.md "GLOB"). */
void tl_inet_ntoa_global(void **addr, const talent_type **type);

/* After the globals of a restart are restored: NULL, or what is wrong with the restored inet_ntoa result (not a
 * string within its 16 bytes: hostile input, the restore then fails). */
const char *tl_inet_ntoa_restored(void);

/* l64a's, ether_ntoa's, ecvt's, fcvt's and tmpnam's results and strerror's and strsignal's texts of unknown numbers,
 * the runtime's storage carried as "<libc>:l64a", "<libc>:ether_ntoa", "<libc>:ecvt", "<libc>:fcvt", "<libc>:tmpnam",
 * "<libc>:strerror" and "<libc>:strsignal" (TL_TEXT_* for `which`): whether the program called the function (the
 * global is then written), the global's storage and type,
 * and after a restart's globals are restored, NULL or what is wrong with a restored text (hostile input). */
#define TL_TEXT_L64A 0
#define TL_TEXT_ETHER_NTOA 1
#define TL_TEXT_ECVT 2
#define TL_TEXT_FCVT 3
#define TL_TEXT_TMPNAM 4
#define TL_TEXT_STRERROR 5
#define TL_TEXT_STRSIGNAL 6
int tl_libc_text_used(int which);
/* The C library's text (its static buffer's) into the carried one of `which`, returned; a constant text or NULL is
 * returned as it is (tmpnam.c's wrapper calls it) */
char *tl_libc_text_keep(int which, char *text);
void tl_libc_text_global(int which, void **addr, const talent_type **type);
const char *tl_libc_texts_restored(void);
/* ether_aton's result, carried as "<libc>:ether_aton" (six octets, every value valid): whether the program called it,
 * the global's storage and type */
int tl_ether_aton_used(void);
void tl_ether_aton_global(void **addr, const talent_type **type);
/* A global a restart restored, at addr: when it is one of these texts, it is carried again from now on. */
void tl_libc_text_restored_global(const void *addr);

/* Results of the C library copied into the runtime's memory and not carried (localeconv here; getpwnam's and
 * getgrnam's kinds in pwgr.c; the netdb.h lookups in netproto.c, netserv.c, nethost.c and netnet.c; ptsname in
 * ptsname.c): a pointer into one
 * refuses a checkpoint, naming the function and what to do (tl_foreign_memory). `which` (TL_UNCARRIED_*) names the kind
 * of result in that refusal; `slot` (TL_SLOT_*) is the C library's static result the copy stands for: a buffer of at
 * least `need` bytes, the same as the slot's last one when it is big enough (the C library's next call of a function
 * of that slot overwrites its static result too), or NULL when no more can be known. */
#define TL_UNCARRIED_LCONV 0
#define TL_UNCARRIED_PASSWD 1
#define TL_UNCARRIED_GROUP 2
#define TL_UNCARRIED_PROTO 3
#define TL_UNCARRIED_SERV 4
#define TL_UNCARRIED_HOST 5
#define TL_UNCARRIED_NET 6
#define TL_UNCARRIED_PTSNAME 7
#define TL_UNCARRIED_COUNT 8
/* The C library's static results, one slot each. glibc gives every function its own (getpwnam's is not getpwuid's);
 * musl shares one among getpwnam, getpwuid and getpwent, one among getgrnam, getgrgid and getgrent, and one among
 * getprotobyname, getprotobynumber and getprotoent: the wrappers pick the slot of the C library they are built for, so
 * that a later call overwrites what an earlier one returned exactly when that C library's would. */
#define TL_SLOT_LCONV 0
#define TL_SLOT_PWNAM 1
#define TL_SLOT_PWUID 2
#define TL_SLOT_PWENT 3
#define TL_SLOT_GRNAM 4
#define TL_SLOT_GRGID 5
#define TL_SLOT_GRENT 6
#define TL_SLOT_PROTONAME 7
#define TL_SLOT_PROTONUM 8
#define TL_SLOT_PROTOENT 9
#define TL_SLOT_SERVNAME 10
#define TL_SLOT_SERVPORT 11
#define TL_SLOT_SERVENT 12
#define TL_SLOT_HOSTNAME 13
#define TL_SLOT_HOSTADDR 14
#define TL_SLOT_HOSTENT 15
#define TL_SLOT_NETNAME 16
#define TL_SLOT_NETADDR 17
#define TL_SLOT_NETENT 18
#define TL_SLOT_PTSNAME 19
#define TL_SLOT_COUNT 20
void *tl_uncarried_buffer(int which, int slot, size_t need);
/* A C library result's shape: `size` bytes, whose members at the offsets `strings` point to strings and whose member at
 * `array` (TL_NO_ARRAY: none) points to a NULL-terminated array of strings */
struct tl_uncarried_shape {
    size_t size;
    const size_t *strings;
    size_t nstrings;
    size_t array;
};
#define TL_NO_ARRAY ((size_t)-1)
/* p (a result of that shape) copied into the slot's buffer (tl_uncarried_buffer): the struct, then the array, then the
 * strings; a member string in the executable's read-only part (a constant text of the C library's) stays where it is
 * and is carried as a string constant. p itself when it is NULL or cannot be copied. */
void *tl_uncarried_copy(int which, int slot, void *p, const struct tl_uncarried_shape *shape);
/* s (NULL: NULL) copied at *at, which moves past its NUL; the copy */
char *tl_uncarried_string(char **at, const char *s);
/* A NULL-terminated array of strings (NULL: none): the bytes its copy takes, array and strings; the array's alone */
size_t tl_uncarried_strings_size(char *const *v);
size_t tl_uncarried_array_size(char *const *v);
/* v's copy: the array at *ptrs (aligned for pointers), its strings at *at; both move past what they took */
char **tl_uncarried_strings(char **ptrs, char **at, char *const *v);

#endif /* TALENT_FOREIGN_H */
