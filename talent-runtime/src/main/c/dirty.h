/*
 * dirty.h: which pages of the program's large arrays were written since a pre-copy round (README.md "Pre-copy",
 * "Dirty tracking"), so that the stop after pre-copy encodes and compares only the chunks of those arrays whose
 * pages were written since the round its delta is against, and carries the rest as COPY without reading them.
 *
 * Linux's userfaultfd write-protection in asynchronous mode marks the pages; PAGEMAP_SCAN on /proc/self/pagemap
 * lists the written ones and protects them again in one step. Each round's child records where it put the large
 * arrays it referred to (section, offset, address, element size and count) and the CRC32C of every 4 KiB chunk of
 * those sections, in memory it shares with the parent; the parent registers those arrays before the next round's
 * fork. Where anything is unavailable or fails (no userfaultfd, qemu-user, seccomp, a range the kernel refuses),
 * tracking is off and the stop compares every chunk; a range in which a mapping was replaced since (a heap block
 * freed and allocated again, moved by realloc or mremap) is dropped alone. A chunk is only ever called clean when
 * every page it was encoded from is known to be unwritten since the base round's fork.
 */
#ifndef TALENT_DIRTY_H
#define TALENT_DIRTY_H

#include "encode.h"

/* Key dirty (TALENT_DIRTY): track (default: the rounds after the first and the stop), stop (the stop only: every
 * round encodes and compares all of it, as before rounds were tracked; for comparisons), off, or verify (track, and
 * each delta is built both ways, exit 70 when they differ: a test hook). */
#define TL_DIRTY_OFF 0
#define TL_DIRTY_TRACK 1
#define TL_DIRTY_VERIFY 2
#define TL_DIRTY_STOP 3
extern int tl_dirty_mode;

/* Parent, just before the fork of pre-copy round `round` (base: the newest complete round, 0 if none): reads and
 * re-protects the written pages, starts tracking the arrays the newest complete round recorded (without its record:
 * the program's large globals), and prepares the record the child fills. */
void tl_dirty_before_fork(unsigned round, unsigned base);
/* Right after that fork: in_child 1 in the round's child (which records), 0 in the parent (p < 0: no child). */
void tl_dirty_after_fork(int in_child);
/* The round's child: a section payload with referred arrays is about to be written (tag, its buffer), then its
 * content in order, then tl_dirty_record_end; tl_dirty_record_done once the whole image is written. */
void tl_dirty_record_begin(const char *tag, const tl_buf *b);
void tl_dirty_record_bytes(const unsigned char *p, size_t n);
void tl_dirty_record_end(void);
/* The round's child, as its delta is built (delta.c): the next 4 KiB chunk of the section is one taken as unchanged
 * since the base's round, recorded by its CRC32C (seed 0) from the base's record without its bytes. */
void tl_dirty_record_crc(uint32_t crc);
void tl_dirty_record_done(void);

/* Parent, at the stop whose delta is against round base: reads the written pages. 1 when the chunks may be
 * checked with tl_dirty_clean, 0 when the stop compares every chunk (said at -v). */
int tl_dirty_stop(unsigned base);
/* After tl_dirty_stop returned 1: whether the 4 KiB chunk at section offset pos of the section tag, inside the
 * referred array of n elements of size bytes at src that starts at section offset at, equals the base's bytes
 * at the same offset; 1 with its CRC32C (seed 0) in *crc. */
int tl_dirty_clean(const char *tag, size_t at, const void *src, unsigned size, size_t n, size_t pos, uint32_t *crc);

/* A pre-copy round's child whose delta is against round base (the newest complete round when it forked): 1 when
 * the chunks of the program's globals may be checked with tl_dirty_clean, from the written pages as the parent read
 * them just before the fork (the child's memory is the parent's as it was then); every chunk of another section
 * (the arrays of frames, which the child copied after the fork) is compared. 0 when every chunk is compared (said
 * at -v). */
int tl_dirty_round(unsigned base);

/* 1 between a tl_dirty_stop or tl_dirty_round that returned 1 and tl_dirty_disarm (after which every chunk is
 * compared again). */
int tl_dirty_armed(void);
void tl_dirty_disarm(void);

/* CRC32C of A followed by a 4 KiB chunk B, from crc(A) and crc(B) seeded with 0. */
uint32_t tl_dirty_crc_append(uint32_t crc_a, uint32_t crc_b);

/* The runtime's userfaultfd descriptor, or -1: never the program's, never carried (fdscan.c). */
int tl_dirty_descriptor(void);

#endif /* TALENT_DIRTY_H */
