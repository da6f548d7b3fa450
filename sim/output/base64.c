/*
 * base64.c — see base64.h.
 */
#include "output/base64.h"

static const char ALPHABET[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Three bytes (n of them real, 1 to 3) as four characters, '=' for the
 * missing. */
static void quantum(FILE *out, const unsigned char *b, size_t n)
{
    unsigned long v = (unsigned long)b[0] << 16 |
                      (unsigned long)(n > 1 ? b[1] : 0) << 8 |
                      (unsigned long)(n > 2 ? b[2] : 0);
    fputc(ALPHABET[v >> 18 & 63], out);
    fputc(ALPHABET[v >> 12 & 63], out);
    fputc(n > 1 ? ALPHABET[v >> 6 & 63] : '=', out);
    fputc(n > 2 ? ALPHABET[v & 63] : '=', out);
}

void base64_write(FILE *out, const unsigned char *data, size_t n)
{
    for (size_t i = 0; i < n; i += 3)
        quantum(out, data + i, n - i < 3 ? n - i : 3);
}

bool base64_file(FILE *out, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return false;
    /* chunks of a multiple of 3 bytes, filled, so that only the last one
     * pads */
    unsigned char buf[3 * 4096];
    for (;;) {
        size_t n = 0, got;
        while (n < sizeof buf && (got = fread(buf + n, 1, sizeof buf - n,
                                              in)) > 0)
            n += got;
        base64_write(out, buf, n);
        if (n < sizeof buf)
            break;
    }
    bool ok = !ferror(in);
    fclose(in);
    return ok;
}
