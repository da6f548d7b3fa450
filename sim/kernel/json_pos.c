/*
 * json_pos.c — a strict JSON scanner that records positions. See json_pos.h.
 *
 * Recursive descent with an explicit depth limit. The current path is kept
 * in one growing buffer; each recorded entry copies it. Once the text is
 * scanned, an index sorted by path serves the lookups.
 */
#include "kernel/json_pos.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *path;
    struct json_pos key, value;
};

struct json_pos_map {
    struct entry *entries;       /* in text order */
    size_t n, cap;
    const struct entry **sorted; /* by path, then text order: lookups are
                                    O(log n), so a file with a million
                                    fields and as many errors stays fast */
};

struct scanner {
    const char *text;
    size_t len, at;
    int line, col;
    int depth;
    char *path;          /* the current path, NUL-terminated */
    size_t path_len, path_cap;
    struct json_pos_map *map;
    struct json_syntax_error *err;
    bool failed;
};

/* ---- errors and positions ---- */

static void fail(struct scanner *s, const char *fmt, const char *detail)
{
    if (s->failed)
        return;
    s->failed = true;
    s->err->at.line = s->line;
    s->err->at.col = s->col;
    snprintf(s->err->message, sizeof s->err->message, fmt, detail);
}

/* "'x'", "end of file", or "byte 0x01" for what stands at the cursor. */
static const char *describe_here(struct scanner *s, char buf[32])
{
    if (s->at >= s->len)
        return "end of file";
    unsigned char c = (unsigned char)s->text[s->at];
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 32, "'%c'", c);
    else
        snprintf(buf, 32, "byte 0x%02x", c);
    return buf;
}

static void fail_unexpected(struct scanner *s, const char *expected)
{
    char buf[32], msg[128];
    snprintf(msg, sizeof msg, "expected %s, got %s", expected,
             describe_here(s, buf));
    fail(s, "%s", msg);
}

static void advance(struct scanner *s)
{
    unsigned char c = (unsigned char)s->text[s->at++];
    if (c == '\n') {
        s->line++;
        s->col = 1;
    } else if ((c & 0xc0) != 0x80) {   /* not a UTF-8 continuation byte */
        s->col++;
    }
}

static struct json_pos here(const struct scanner *s)
{
    return (struct json_pos){s->line, s->col};
}

static int peek(const struct scanner *s)
{
    return s->at < s->len ? (unsigned char)s->text[s->at] : -1;
}

static void skip_ws(struct scanner *s)
{
    for (int c = peek(s); c == ' ' || c == '\t' || c == '\n' || c == '\r';
         c = peek(s))
        advance(s);
}

/* ---- the path buffer ---- */

static bool path_reserve(struct scanner *s, size_t extra)
{
    if (s->path_len + extra + 1 <= s->path_cap)
        return true;
    size_t cap = (s->path_len + extra + 1) * 2;
    char *p = realloc(s->path, cap);
    if (!p) {
        fail(s, "%s", "out of memory");
        return false;
    }
    s->path = p;
    s->path_cap = cap;
    return true;
}

static bool path_append(struct scanner *s, const char *piece, size_t n)
{
    if (!path_reserve(s, n))
        return false;
    memcpy(s->path + s->path_len, piece, n);
    s->path_len += n;
    s->path[s->path_len] = '\0';
    return true;
}

static void path_truncate(struct scanner *s, size_t len)
{
    s->path_len = len;
    if (s->path)
        s->path[len] = '\0';
}

static void record(struct scanner *s, struct json_pos key, struct json_pos value)
{
    struct json_pos_map *m = s->map;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct entry *e = realloc(m->entries, cap * sizeof *e);
        if (!e) {
            fail(s, "%s", "out of memory");
            return;
        }
        m->entries = e;
        m->cap = cap;
    }
    char *p = malloc(s->path_len + 1);
    if (!p) {
        fail(s, "%s", "out of memory");
        return;
    }
    memcpy(p, s->path ? s->path : "", s->path_len + 1);
    m->entries[m->n++] = (struct entry){p, key, value};
}

/* ---- tokens ---- */

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Length of a valid UTF-8 sequence starting at p (at most n bytes), or 0. */
static size_t utf8_length(const unsigned char *p, size_t n)
{
    size_t len;
    uint32_t cp;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Appends code point cp to the path as UTF-8 (keys with \u escapes). */
static void append_code_point(struct scanner *s, uint32_t cp, bool to_path)
{
    if (!to_path)
        return;
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    path_append(s, b, n);
}

static bool read_hex4(struct scanner *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(peek(s));
        if (h < 0) {
            fail_unexpected(s, "four hex digits after \\u");
            return false;
        }
        v = v << 4 | (uint32_t)h;
        advance(s);
    }
    *out = v;
    return true;
}

/* An escape after the backslash; appends the character to the path when
 * reading a key. cJSON decodes escapes the same way, so paths match. */
static void scan_escape(struct scanner *s, bool to_path)
{
    static const char SIMPLE[] = "\"\\/bfnrt";
    static const char DECODED[] = "\"\\/\b\f\n\r\t";
    int c = peek(s);
    const char *hit = c > 0 ? strchr(SIMPLE, c) : NULL;
    if (hit) {
        advance(s);
        append_code_point(s, (uint32_t)DECODED[hit - SIMPLE], to_path);
        return;
    }
    if (c != 'u') {
        fail_unexpected(s, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
        return;
    }
    advance(s);
    uint32_t cp;
    if (!read_hex4(s, &cp))
        return;
    if (cp >= 0xd800 && cp <= 0xdbff && peek(s) == '\\' &&
        s->at + 1 < s->len && s->text[s->at + 1] == 'u') {
        advance(s);
        advance(s);
        uint32_t low;
        if (!read_hex4(s, &low))
            return;
        if (low >= 0xdc00 && low <= 0xdfff)
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    append_code_point(s, cp, to_path);
}

/* A string; when to_path, its decoded text is appended to the path. */
static void scan_string(struct scanner *s, bool to_path)
{
    advance(s);   /* the opening quote */
    while (!s->failed) {
        int c = peek(s);
        if (c < 0) {
            fail(s, "%s", "unterminated string (no closing '\"')");
            return;
        }
        if (c == '"') {
            advance(s);
            return;
        }
        if (c < 0x20) {
            fail(s, "%s", c == '\n' ? "unterminated string (line ends "
                                      "before the closing '\"')"
                                    : "control character in a string");
            return;
        }
        if (c == '\\') {
            advance(s);
            scan_escape(s, to_path);
            continue;
        }
        size_t n = utf8_length((const unsigned char *)s->text + s->at,
                               s->len - s->at);
        if (n == 0) {
            fail(s, "%s", "invalid UTF-8 in a string");
            return;
        }
        if (to_path)
            path_append(s, s->text + s->at, n);
        for (size_t i = 0; i < n; i++)
            advance(s);
    }
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static void scan_digits(struct scanner *s, const char *what)
{
    if (!is_digit(peek(s))) {
        fail_unexpected(s, what);
        return;
    }
    while (is_digit(peek(s)))
        advance(s);
}

static void scan_number(struct scanner *s)
{
    if (peek(s) == '-')
        advance(s);
    if (peek(s) == '0') {
        advance(s);
        if (is_digit(peek(s))) {
            fail(s, "%s", "a number cannot have a leading zero");
            return;
        }
    } else {
        scan_digits(s, "a digit");
    }
    if (!s->failed && peek(s) == '.') {
        advance(s);
        scan_digits(s, "a digit after the decimal point");
    }
    if (!s->failed && (peek(s) == 'e' || peek(s) == 'E')) {
        advance(s);
        if (peek(s) == '+' || peek(s) == '-')
            advance(s);
        scan_digits(s, "a digit in the exponent");
    }
}

static void scan_literal(struct scanner *s)
{
    static const char *const WORDS[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(WORDS[i]);
        if (s->len - s->at >= n && memcmp(s->text + s->at, WORDS[i], n) == 0) {
            for (size_t k = 0; k < n; k++)
                advance(s);
            return;
        }
    }
    fail_unexpected(s, "a value (an object, array, string, number, true, "
                       "false or null)");
}

static void scan_value(struct scanner *s);

static void scan_object(struct scanner *s)
{
    advance(s);   /* { */
    skip_ws(s);
    if (peek(s) == '}') {
        advance(s);
        return;
    }
    size_t base = s->path_len;
    for (;;) {
        skip_ws(s);
        if (peek(s) != '"') {
            fail_unexpected(s, peek(s) == '}' ? "a key (no comma before '}')"
                                              : "a key in double quotes");
            return;
        }
        struct json_pos key = here(s);
        if (base > 0)
            path_append(s, ".", 1);
        scan_string(s, true);
        skip_ws(s);
        if (s->failed)
            return;
        if (peek(s) != ':') {
            fail_unexpected(s, "':' after the key");
            return;
        }
        advance(s);
        skip_ws(s);
        record(s, key, here(s));
        scan_value(s);
        path_truncate(s, base);
        skip_ws(s);
        if (s->failed)
            return;
        if (peek(s) == '}') {
            advance(s);
            return;
        }
        if (peek(s) != ',') {
            fail_unexpected(s, "',' or '}'");
            return;
        }
        advance(s);
    }
}

static void scan_array(struct scanner *s)
{
    advance(s);   /* [ */
    skip_ws(s);
    if (peek(s) == ']') {
        advance(s);
        return;
    }
    size_t base = s->path_len;
    for (size_t index = 0;; index++) {
        skip_ws(s);
        char piece[32];
        int n = snprintf(piece, sizeof piece, "[%zu]", index);
        path_append(s, piece, (size_t)n);
        struct json_pos at = here(s);
        record(s, at, at);
        if (peek(s) == ']') {
            fail(s, "%s", "expected a value, got ']' (no comma before ']')");
            return;
        }
        scan_value(s);
        path_truncate(s, base);
        skip_ws(s);
        if (s->failed)
            return;
        if (peek(s) == ']') {
            advance(s);
            return;
        }
        if (peek(s) != ',') {
            fail_unexpected(s, "',' or ']'");
            return;
        }
        advance(s);
    }
}

static void scan_value(struct scanner *s)
{
    if (s->failed)
        return;
    int c = peek(s);
    if (c == '{' || c == '[') {
        if (++s->depth > JSON_POS_MAX_DEPTH) {
            char msg[64];
            snprintf(msg, sizeof msg, "nested deeper than %d levels",
                     JSON_POS_MAX_DEPTH);
            fail(s, "%s", msg);
            return;
        }
        if (c == '{')
            scan_object(s);
        else
            scan_array(s);
        s->depth--;
    } else if (c == '"') {
        scan_string(s, false);
    } else if (c == '-' || is_digit(c)) {
        scan_number(s);
    } else {
        scan_literal(s);
    }
}

/* ---- the index ---- */

static int by_path_then_place(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a;
    const struct entry *y = *(const struct entry *const *)b;
    int c = strcmp(x->path, y->path);
    if (c != 0)
        return c;
    return x < y ? -1 : x > y;   /* one array: address order is text order */
}

static bool build_index(struct json_pos_map *m)
{
    m->sorted = malloc((m->n ? m->n : 1) * sizeof *m->sorted);
    if (!m->sorted)
        return false;
    for (size_t i = 0; i < m->n; i++)
        m->sorted[i] = &m->entries[i];
    qsort(m->sorted, m->n, sizeof *m->sorted, by_path_then_place);
    return true;
}

/* ---- public ---- */

struct json_pos_map *json_pos_scan(const char *text, size_t len,
                                   struct json_syntax_error *err)
{
    struct json_pos_map *map = calloc(1, sizeof *map);
    if (!map) {
        *err = (struct json_syntax_error){{1, 1}, "out of memory"};
        return NULL;
    }
    struct scanner s = {.text = text, .len = len, .line = 1, .col = 1,
                        .map = map, .err = err};
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        s.at = 3;   /* a UTF-8 byte order mark, as some editors write */
    if (path_reserve(&s, 16))
        s.path[0] = '\0';
    skip_ws(&s);
    if (peek(&s) < 0)
        fail(&s, "%s", "the file is empty (expected a JSON object)");
    struct json_pos root = here(&s);
    record(&s, root, root);
    scan_value(&s);
    skip_ws(&s);
    if (!s.failed && s.at < s.len) {
        char buf[32], msg[96];
        snprintf(msg, sizeof msg, "unexpected %s after the end of the JSON value",
                 describe_here(&s, buf));
        fail(&s, "%s", msg);
    }
    free(s.path);
    if (!s.failed && !build_index(map))
        fail(&s, "%s", "out of memory");
    if (s.failed) {
        json_pos_free(map);
        return NULL;
    }
    return map;
}

void json_pos_free(struct json_pos_map *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->n; i++)
        free(map->entries[i].path);
    free(map->entries);
    free(map->sorted);
    free(map);
}

static bool find_exact(const struct json_pos_map *map, const char *path,
                       unsigned occurrence, bool at_key, struct json_pos *out)
{
    size_t lo = 0, hi = map->n;   /* the first entry whose path >= path */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(map->sorted[mid]->path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t i = lo + occurrence;
    if (i < lo || i >= map->n || strcmp(map->sorted[i]->path, path) != 0)
        return false;
    *out = at_key ? map->sorted[i]->key : map->sorted[i]->value;
    return true;
}

/* Cuts the last component ("a.b[2]" -> "a.b", "a.b" -> "a"); false at root. */
static bool parent_path(char *path)
{
    size_t n = strlen(path);
    if (n == 0)
        return false;
    while (n > 0 && path[n - 1] != '.' && path[n - 1] != '[')
        n--;
    if (n > 0 && path[n - 1] == '.')
        n--;
    else if (n > 0 && path[n - 1] == '[')
        n--;
    path[n] = '\0';
    return true;
}

bool json_pos_lookup(const struct json_pos_map *map, const char *path,
                     unsigned occurrence, bool at_key, struct json_pos *out)
{
    if (!map)
        return false;
    if (find_exact(map, path, occurrence, at_key, out))
        return true;
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return false;
    memcpy(p, path, n + 1);
    bool found = false;
    while (!found && parent_path(p))
        found = find_exact(map, p, 0, false, out);
    free(p);
    return found;
}

bool json_pos_has(const struct json_pos_map *map, const char *path)
{
    struct json_pos unused;
    return map && find_exact(map, path, 0, false, &unused);
}

struct json_pos json_pos_of_offset(const char *text, size_t offset)
{
    struct json_pos p = {1, 1};
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            p.col++;
        }
    }
    return p;
}
