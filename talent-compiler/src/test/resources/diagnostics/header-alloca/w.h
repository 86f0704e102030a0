
static int work(int n) {
  for (int i = 0; i < n; i++) {
    // BUG: Diagnostic contains: alloca in 'work'
    char *v = alloca(n);
    v[0] = 1; }
  return n; }
