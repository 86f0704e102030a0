
static int work(int n) {
  for (int i = 0; i < n; i++) {
    // BUG: Diagnostic contains: alloca in 'work'
    char *v = __builtin_alloca_with_align(n, 65536);
    v[0] = 1; }
  return n; }
