/*
 * heap_infer.h: typing a wrapper-allocated block from its caller's typed use (heap_infer.c). The entry point,
 * talent_heap_type_first, is declared in talent.h.
 */
#ifndef TALENT_HEAP_INFER_H
#define TALENT_HEAP_INFER_H

#include "talent_internal.h"

#endif
