/*
 * talent_internal.h: every runtime header at once, in the order of the layers (README.md "Layers"). Each
 * subsystem has its own header (issue 14); a file may include this one while it has not narrowed its includes
 * to the headers it uses. Every runtime symbol outside the contract (include/talent.h) starts with tl_.
 */
#ifndef TALENT_INTERNAL_H
#define TALENT_INTERNAL_H

#include "base.h"
#include "diag.h"
#include "xalloc.h"
#include "crc32c.h"
#include "encode.h"
#include "types.h"
#include "objects.h"
#include "checkpoint.h"
#include "checkpoint_read.h"
#include "checkpoint_write.h"
#include "values.h"
#include "frames.h"
#include "config.h"
#include "state.h"
#include "site.h"
#include "signals.h"
#include "blocking.h"
#include "files.h"
#include "events.h"
#include "frame_alloca.h"

#endif /* TALENT_INTERNAL_H */
