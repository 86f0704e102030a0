/*
 * life.c -- talent migration corpus.
 * Exercises: Conway's game of life on two global char grids (2-D char arrays whose rows are printable
 * strings), a local 2-D char array in main, nested loops with `continue` and `break`, `do { } while`,
 * `switch` with fall-through, `goto` out of a loop, a function excluded by `#pragma talent nocheckpoint`, a _Bool grid flag, a
 * file-scope static generation counter and an unsigned long long population history.
 * Output: the board every 4 generations and the population of each generation.
 */
#include <stdio.h>
#include <string.h>

#define ROWS 10
#define COLS 16

static char board[ROWS][COLS + 1];
static char next_board[ROWS][COLS + 1];
static int generation;
unsigned long long history;

#pragma talent nocheckpoint
static int neighbours(int r, int c) {   /* excluded: 9 sites per cell would dominate the run */
    int n = 0;
    for (int dr = -1; dr <= 1; dr++)
        for (int dc = -1; dc <= 1; dc++) {
            if (dr == 0 && dc == 0) continue;
            int rr = (r + dr + ROWS) % ROWS, cc = (c + dc + COLS) % COLS;   /* torus */
            if (board[rr][cc] == '#') n++;
        }
    return n;
}

static int advance(void) {
    int population = 0;
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
            int n = neighbours(r, c);
            char cell = board[r][c];
            switch (n) {
            case 3: cell = '#'; break;
            case 2: break;                     /* unchanged */
            default: cell = '.'; break;
            }
            next_board[r][c] = cell;
            if (cell == '#') population++;
        }
        next_board[r][COLS] = '\0';
    }
    memcpy(board, next_board, sizeof board);
    generation++;
    return population;
}

int main(void) {
    char pattern[3][6] = {".#...", "..#..", "###.."};   /* a glider, local 2-D char array */
    for (int r = 0; r < ROWS; r++) {
        memset(board[r], '.', COLS);
        board[r][COLS] = '\0';
    }
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 5; c++) board[r + 1][c + 1] = pattern[r][c];
    board[6][10] = board[6][11] = board[6][12] = '#';          /* a blinker */
    board[8][3] = board[8][4] = board[9][3] = board[9][4] = '#';  /* a block */

    _Bool stable = 0;
    int last = -1, same = 0;
    do {
        int population = advance();
        history = history * 31 + (unsigned long long)population;
        printf("generation %2d population %2d history %016llx\n", generation, population, history);
        if (population == last) same++;
        else same = 0;
        last = population;
        if (generation % 4 == 0) {
            for (int r = 0; r < ROWS; r++) {
                int empty = 1;
                for (int c = 0; c < COLS; c++)
                    if (board[r][c] == '#') {
                        empty = 0;
                        break;
                    }
                if (empty) continue;
                printf("  %2d %s\n", r, board[r]);
            }
        }
        if (generation >= 16) goto finished;
        stable = same >= 30;
    } while (!stable);
finished:
    printf("stopped after %d generations, stable=%d\n", generation, (int)stable);
    return 0;
}
