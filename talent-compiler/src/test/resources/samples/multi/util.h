#ifndef UTIL_H
#define UTIL_H
long checksum(const int *data, int n);
int util_calls(void);
static inline int twice(int x) { return 2 * x; }
#endif
