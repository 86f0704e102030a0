/* Reads input.txt line by line (fgets) and writes a report progressively: report.txt (opened "w"), a
 * summary appended to log.txt (opened "a", which already holds earlier runs' lines), and stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stats {
    long lines;
    long words;
    unsigned checksum;   /* 32 bits on every target: the same value everywhere */
};

static int count_words(const char *s) {
    int words = 0, in_word = 0;
    for (; *s; s++) {
        int space = *s == ' ' || *s == '\n' || *s == '\t';
        if (!space && !in_word) words++;
        in_word = !space;
    }
    return words;
}

int main(void) {
    FILE *in = fopen("input.txt", "r");
    if (in == NULL) {
        perror("input.txt");
        return 1;
    }
    FILE *report = fopen("report.txt", "w");
    FILE *log = fopen("log.txt", "a");
    if (report == NULL || log == NULL) {
        perror("output");
        return 1;
    }
    struct stats st = { 0, 0, 5381 };
    char line[128];
    while (fgets(line, sizeof line, in) != NULL) {
        st.lines++;
        int w = count_words(line);
        st.words += w;
        for (size_t i = 0; line[i]; i++) st.checksum = st.checksum * 33u + (unsigned char)line[i];
        fprintf(report, "%4ld %2d %s", st.lines, w, line);
        if (st.lines % 25 == 0) {
            fprintf(log, "after %ld lines: %ld words, checksum %u\n", st.lines, st.words, st.checksum);
            printf("progress %ld\n", st.lines);
        }
    }
    fclose(in);
    fprintf(report, "total %ld lines %ld words\n", st.lines, st.words);
    fclose(report);
    fprintf(log, "done: %ld lines, checksum %u\n", st.lines, st.checksum);
    fclose(log);
    printf("lines %ld words %ld checksum %u\n", st.lines, st.words, st.checksum);
    return 0;
}
