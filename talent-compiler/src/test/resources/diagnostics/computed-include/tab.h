// BUG: Diagnostic contains: variable 'table'
// BUG: Diagnostic contains: variable 'state'
static unsigned table[16]; static unsigned state = 7;
static void fill(void) { for (int i = 0; i < 16; i++) table[i] = i * 2654435761u; }
