/* fuzz_release.h: shared by the fuzz targets (checkpoint_fuzz.c, delta_fuzz.c). */
#ifndef TALENT_FUZZ_RELEASE_H
#define TALENT_FUZZ_RELEASE_H

#include "talent_internal.h"

#include <stdlib.h>

/* What tl_checkpoint_release keeps on purpose (a restored process refers to it for its whole life): freed here so
 * that LeakSanitizer reports only what the reader really loses. */
static void release_kept(tl_checkpoint *ck)
{
    uint32_t i, f;
    free(ck->path);
    free(ck->fingerprint);
    free(ck->program);
    free(ck->platform);
    free(ck->reason);
    free(ck->point_pos);
    free(ck->function);
    if (ck->argv)
        for (i = 0; i <= ck->argc; i++)
            free(ck->argv[i]);
    free(ck->argv);
    if (ck->types)
        for (i = 0; i < ck->ntypes; i++) {
            free(ck->types[i].name);
            free(ck->types[i].pointee);
            if (ck->types[i].fields)
                for (f = 0; f < ck->types[i].nfields; f++)
                    free(ck->types[i].fields[f].name);
            free(ck->types[i].fields);
        }
    free(ck->types);
    if (ck->strs)
        for (i = 0; i < ck->nstrs; i++)
            free(ck->strs[i]);
    free(ck->strs);
    free(ck->str_lens);
}

#endif /* TALENT_FUZZ_RELEASE_H */
