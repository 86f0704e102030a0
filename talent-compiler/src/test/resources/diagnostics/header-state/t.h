static int next_id(void) {
  // BUG: Diagnostic contains: thread-local variable 'id'
  static __thread int id;
  return ++id; }
