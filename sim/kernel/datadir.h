/*
 * datadir.h — finding the files stampede ships beside its binary (the
 * gnuplot scripts, the benchmark scenarios, the benchmark's limit
 * program), whether it runs from a checkout (build/stampede) or from an
 * install (bin/stampede).
 */
#ifndef STAMPEDE_DATADIR_H
#define STAMPEDE_DATADIR_H

#include <stddef.h>

struct data_dir {
    const char *env;              /* a variable that overrides the search */
    const char *const *beside;    /* candidates, relative to the directory
                                     above the binary's */
    size_t n_beside;
    const char *probe;            /* a file the right directory holds */
    const char *fallback;         /* used when no candidate holds it */
};

/* $env when set and not empty; else the first candidate that holds the
 * probe file; else the fallback. A new heap string; NULL if memory runs
 * out. */
char *data_dir_find(const struct data_dir *d);

/* The path of `file` in the directory of the running binary (a program
 * built beside it); `file` itself when that directory cannot be told. A
 * new heap string; NULL if memory runs out. */
char *data_dir_beside_binary(const char *file);

#endif
