static int counter(void) {
  // BUG: Diagnostic contains: static variable 'n' of function 'counter'
  static int n;
  return ++n; }
