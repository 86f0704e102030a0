/*
 * wordfreq.c -- talent migration corpus.
 * Exercises: reading the whole input file (argv[1]) into a global char buffer with a single fread
 * before the first site, and writing the report file (argv[2]) with a single fwrite after the last
 * site (no FILE* is ever live at a site); char arrays and strings (a global array of structs holding
 * char[24] words), tolower/isalpha, strcmp/strcpy, insertion sort by count then alphabetically, a letter
 * histogram in an unsigned array, snprintf into a global output buffer through a cursor kept as a
 * size_t offset, argv used after sites.
 * Run with arguments: input.txt report.txt (input.txt is wordfreq.input.txt)
 * Output: progress on stdout; the frequency table in report.txt.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_INPUT 8192
#define MAX_WORDS 256

struct entry {
    char word[24];
    int count;
    int first_line;
};

static char input[MAX_INPUT];
static size_t input_length;
struct entry words[MAX_WORDS];
int word_count;
static unsigned letters[26];
static char report[16384];
static size_t report_length;

static void append(const char *text) {
    size_t n = strlen(text);
    if (report_length + n < sizeof report) {
        memcpy(report + report_length, text, n);
        report_length += n;
        report[report_length] = '\0';
    }
}

static int find_or_add(const char *w, int line) {
    for (int k = 0; k < word_count; k++)
        if (strcmp(words[k].word, w) == 0) return k;
    if (word_count == MAX_WORDS) return -1;
    strcpy(words[word_count].word, w);
    words[word_count].count = 0;
    words[word_count].first_line = line;
    return word_count++;
}

static int before(const struct entry *a, const struct entry *b) {
    if (a->count != b->count) return a->count > b->count;
    return strcmp(a->word, b->word) < 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: wordfreq INPUT REPORT\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    input_length = fread(input, 1, MAX_INPUT - 1, in);
    fclose(in);
    input[input_length] = '\0';
    printf("read %zu bytes\n", input_length);

    char current[24];
    int length = 0, line = 1, lines_with_words = 0, words_on_line = 0, total_words = 0;
    for (size_t pos = 0; pos <= input_length; pos++) {
        char ch = input[pos];
        if (isalpha((unsigned char)ch)) {
            char lower = (char)tolower((unsigned char)ch);
            letters[lower - 'a']++;
            if (length < 23) current[length++] = lower;
            continue;
        }
        if (length > 0) {
            current[length] = '\0';
            int slot = find_or_add(current, line);
            if (slot >= 0) words[slot].count++;
            total_words++;
            words_on_line++;
            length = 0;
        }
        if (ch == '\n' || ch == '\0') {
            if (words_on_line > 0) lines_with_words++;
            if (line % 5 == 0) printf("line %d: %d words so far, %d distinct\n", line, total_words, word_count);
            words_on_line = 0;
            line++;
        }
    }
    for (int k = 1; k < word_count; k++) {      /* insertion sort, stable */
        struct entry moving = words[k];
        int j = k - 1;
        while (j >= 0 && before(&moving, &words[j])) {
            words[j + 1] = words[j];
            j--;
        }
        words[j + 1] = moving;
    }
    printf("%d words, %d distinct, %d non-empty lines\n", total_words, word_count, lines_with_words);
    char row[96];
    snprintf(row, sizeof row, "# word frequencies of %s\n", argv[1]);
    append(row);
    for (int k = 0; k < word_count; k++) {
        snprintf(row, sizeof row, "%-16s %3d  (first on line %d)\n", words[k].word, words[k].count,
                 words[k].first_line);
        append(row);
        if (k < 8) printf("top %d: %s x%d\n", k + 1, words[k].word, words[k].count);
    }
    append("# letters\n");
    for (int k = 0; k < 26; k++) {
        snprintf(row, sizeof row, "%c %u%s", 'a' + k, letters[k], k % 6 == 5 || k == 25 ? "\n" : "   ");
        append(row);
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        return 1;
    }
    size_t written = fwrite(report, 1, report_length, out);
    int closed = fclose(out);
    printf("wrote %zu bytes to %s\n", written, argv[2]);
    return written == report_length && closed == 0 ? 0 : 1;
}
