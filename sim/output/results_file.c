/*
 * results_file.c — see results_file.h.
 */
#include "output/results_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Run directories are small; a larger file is not one of ours. */
#define MAX_INPUT_BYTES (64u << 20)

char *results_read_text(const char *path, char *err, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, n, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 &&
        (unsigned long long)st.st_size <= MAX_INPUT_BYTES)
        text = malloc((size_t)st.st_size + 1);
    if (text) {
        len = fread(text, 1, (size_t)st.st_size, f);
        text[len] = '\0';
    }
    if (!text || ferror(f)) {
        snprintf(err, n, "%s: cannot read: %s", path,
                 text ? strerror(errno) : "too large or out of memory");
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

cJSON *results_read_json(const char *path, char *err, size_t n)
{
    char *text = results_read_text(path, err, n);
    if (!text)
        return NULL;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(root)) {
        snprintf(err, n, "%s: not a JSON object; was it written by "
                 "'stampede run'?", path);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

