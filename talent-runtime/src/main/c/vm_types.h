/*
 * vm_types.h: run-time descriptors of variably modified variables, kept beyond their frame (vm_types.c).
 */
#ifndef TALENT_VM_TYPES_H
#define TALENT_VM_TYPES_H

#include "talent_internal.h"

#endif
