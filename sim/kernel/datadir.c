/*
 * datadir.c — see datadir.h.
 */
#include "kernel/datadir.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/strutil.h"

static bool holds(const char *dir, const char *file)
{
    char *probe = str_printf("%s/%s", dir, file);
    bool ok = probe && access(probe, R_OK) == 0;
    free(probe);
    return ok;
}

/* The directory `levels` above the running binary's file (1: the one
 * holding it), into top; false when it cannot be told. */
static bool binary_dir(char *top, size_t n, int levels)
{
    /* Linux names the running binary's file there, symlinks resolved. */
    ssize_t len = readlink("/proc/self/exe", top, n - 1);
    top[len > 0 ? len : 0] = '\0';
    for (int up = 0; up < levels; up++) {
        char *slash = strrchr(top, '/');
        if (!slash)
            return false;
        *slash = '\0';
    }
    return true;
}

char *data_dir_find(const struct data_dir *d)
{
    const char *env = d->env ? getenv(d->env) : NULL;
    if (env && env[0])
        return str_printf("%s", env);
    char top[4096];
    if (binary_dir(top, sizeof top, 2)) {
        for (size_t i = 0; i < d->n_beside; i++) {
            char *dir = str_printf("%s/%s", top, d->beside[i]);
            if (!dir || holds(dir, d->probe))
                return dir;
            free(dir);
        }
    }
    return str_printf("%s", d->fallback);
}

char *data_dir_beside_binary(const char *file)
{
    char dir[4096];
    return binary_dir(dir, sizeof dir, 1) ? str_printf("%s/%s", dir, file)
                                          : str_printf("%s", file);
}
