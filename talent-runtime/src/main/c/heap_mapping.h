/*
 * heap_mapping.h: the anonymous private read-write mappings the program makes with mmap, carried as heap blocks
 * (heap_mapping.c). The link wraps mmap, mmap64, munmap, mremap and mprotect (RuntimeLibrary.WRAPPED_OTHER).
 */
#ifndef TALENT_HEAP_MAPPING_H
#define TALENT_HEAP_MAPPING_H

#include "heap_track.h"

/* Whether p is the start of a mapping carried as a block (its header is then readable) */
int tl_heap_mapping_start(const void *p);
/* The alignment a carried mapping's position "mmap@<P>:?" names (its writer's page size): 0 without the prefix,
 * (size_t)-1 unless P is a power of two from 4096 to 65536 without a leading zero and ":?" ends the position (len
 * bytes of pos, not necessarily terminated: a checkpoint is hostile input), else P. */
size_t tl_heap_mapping_site_page(const char *pos, size_t len);
/* A restore's mapping: a fresh anonymous mapping of size bytes (rounded up to this platform's page size) tracked as a
 * block of site (tl_heap_site of this platform's "mmap@<P>:?" and the element type) with the header flags given; its
 * start. Dies when this platform's pages are smaller than the writer's page (the mapping's alignment), or out of
 * memory. */
void *tl_heap_mapping_restore(size_t size, size_t writer_page, const talent_type *elem, uint32_t flags);
/* This platform's position of a carried mapping, "mmap@<P>:?" */
const char *tl_heap_mapping_pos(void);
/* At a checkpoint, for a block flagged TL_HDR_MAPPING: NULL, or why it cannot be carried (bytes the program wrote in
 * its last page after the length it asked for, which a restore with other sizes or pages would not keep) */
const char *tl_heap_mapping_uncarried(const tl_hdr *h);
/* Unmaps a carried mapping's block and forgets it (free of its block: an in-process restore releasing the blocks the
 * checkpoint wrote) */
void tl_heap_mapping_release(tl_hdr *h);

#endif
