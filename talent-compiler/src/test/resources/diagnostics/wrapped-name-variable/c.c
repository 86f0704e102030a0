static int rand = 7;
int roll(void) { return rand++; }
