extern int random;
int report(void) { return random % 1000; }
