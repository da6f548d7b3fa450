/*
 * memguard.c — see memguard.h.
 */
#define _DEFAULT_SOURCE   /* sysconf(_SC_PHYS_PAGES) */
#include "experiment/memguard.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "experiment/experiment.h"
#include "kernel/strutil.h"

#define KB 1024.0
#define MB (1024.0 * KB)
#define GB (1024.0 * MB)

/* ---- the default limit ---- */

static double physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

/* A number of bytes read from a cgroup file; 0 when it says "max", is
 * absent, or is so large that it means no limit. */
static double read_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char text[64] = "";
    bool got = fgets(text, sizeof text, f) != NULL;
    fclose(f);
    char *end;
    double v = got ? strtod(text, &end) : 0;
    if (!got || end == text || !(v > 0) || v >= 1e18)
        return 0;
    return v;
}

/* The container's memory limit, if one is set (cgroup v2, then v1). */
static double container_memory(void)
{
    double v = read_limit("/sys/fs/cgroup/memory.max");
    return v > 0 ? v : read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
}

/* Fields of /proc/self/statm, in bytes: the address space (field 1) and
 * the data and stack (field 6); 0 where it cannot be read. */
static void own_usage(double *address_space, double *data)
{
    *address_space = *data = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size, resident, shared, text, lib, dat;
    long page = sysconf(_SC_PAGE_SIZE);
    if (f && fscanf(f, "%lu %lu %lu %lu %lu %lu", &size, &resident, &shared,
                    &text, &lib, &dat) == 6 && page > 0) {
        *address_space = (double)size * (double)page;
        *data = (double)dat * (double)page;
    }
    if (f)
        fclose(f);
}

/* A resource limit's soft value in bytes; INFINITY when unlimited. */
static double soft_limit(int resource)
{
    struct rlimit r;
    if (getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
        return INFINITY;
    return (double)r.rlim_cur;
}

double memguard_process_room(void)
{
    double as = soft_limit(RLIMIT_AS), data = soft_limit(RLIMIT_DATA);
    if (isinf(as) && isinf(data))
        return INFINITY;
    double used_as, used_data;
    own_usage(&used_as, &used_data);
    return fmax(0, fmin(as - used_as, data - used_data));
}

/* Half of what the process can have leaves room for everything else on
 * the machine (and for requests in flight); 4 GB keeps the default the
 * same on every machine big enough for it, so that whether `check`
 * accepts a scenario does not depend on where it runs. */
double memguard_default_limit(void)
{
    double have = physical_memory(), container = container_memory();
    if (container > 0 && (have == 0 || container < have))
        have = container;
    double room = memguard_process_room();
    if (isfinite(room) && (have == 0 || room < have))
        have = fmax(room, 2 * MB);   /* a limit of 0 would read as "none" */
    return have > 0 ? fmin(MEMGUARD_DEFAULT_CAP, have / 2)
                    : MEMGUARD_DEFAULT_CAP;
}

/* ---- sizes ---- */

bool memguard_parse_size(const char *text, double *bytes)
{
    size_t n = str_number_length(text);
    if (n == 0 || text[0] == '-' || text[0] == '+')
        return false;
    double v = strtod(text, NULL);
    const char *unit = text + n;
    static const char UNITS[] = "kmgt";
    const char *u = *unit ? strchr(UNITS, tolower((unsigned char)*unit)) : NULL;
    if (u) {
        v *= pow(1024, (double)(u - UNITS) + 1);
        unit++;
        if (tolower((unsigned char)*unit) == 'i' &&
            tolower((unsigned char)unit[1]) == 'b')
            unit += 2;
    }
    if (tolower((unsigned char)*unit) == 'b')
        unit++;
    if (*unit != '\0' || !(v >= 1) || !isfinite(v))
        return false;
    *bytes = v;
    return true;
}

void memguard_format_size(double bytes, char *out, size_t n)
{
    double scale = bytes >= GB ? GB : bytes >= MB ? MB : KB;
    const char *unit = bytes >= GB ? "GB" : bytes >= MB ? "MB" : "KB";
    double v = bytes / scale;
    double tenths = round(v * 10) / 10;
    if (v >= 10)
        snprintf(out, n, "%.0f %s", round(v), unit);
    else if (tenths == floor(tenths))
        snprintf(out, n, "%.0f %s", tenths, unit);
    else
        snprintf(out, n, "%.1f %s", tenths, unit);
}

/* ---- the estimate ---- */

double memguard_estimate(const struct scenario *s, const size_t *policies,
                         size_t n_policies, size_t *policy)
{
    size_t n = policies ? n_policies : s->n_policies, best_i = 0;
    double best = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = policies ? policies[i] : i;
        double e = world_memory_estimate(&s->model, s->policies[k].ops, NULL);
        if (e > best) {
            best = e;
            best_i = k;
        }
    }
    if (policy)
        *policy = best_i;
    return best;
}

void memguard_run_results(unsigned reps, size_t n_policies,
                          struct memguard_results *out)
{
    out->command = "run";
    snprintf(out->what, sizeof out->what, "--reps %u with %zu polic%s", reps,
             n_policies, n_policies == 1 ? "y" : "ies");
    out->fewer = "run fewer replications";
    out->bytes = (double)reps * (double)n_policies * sizeof(struct rep_result);
}

static char *results_problem(const struct memguard_results *r, double all,
                             double limit)
{
    char results_s[32], all_s[32], limit_s[32];
    memguard_format_size(r->bytes, results_s, sizeof results_s);
    memguard_format_size(all, all_s, sizeof all_s);
    memguard_format_size(limit, limit_s, sizeof limit_s);
    return str_printf("stampede %s: %s: the results need about %s (%s in "
                      "all), over the limit of %s (raise it with "
                      "--max-memory, or %s)", r->command, r->what, results_s,
                      all_s, limit_s, r->fewer);
}

char *memguard_results_problem(const struct memguard_results *r,
                               double limit)
{
    return r->bytes > limit ? results_problem(r, r->bytes, limit) : NULL;
}

/* The problem of a world that the process's limits (ulimit -v, -d)
 * cannot hold, whatever --max-memory allows. */
static char *room_problem(const struct scenario *s, const char *path,
                          double need, double room)
{
    char origin[600], need_s[32], room_s[32];
    scenario_origin(s, path, origin, sizeof origin);
    memguard_format_size(need, need_s, sizeof need_s);
    memguard_format_size(room, room_s, sizeof room_s);
    return str_printf("%s: %s: a world needs about %s at start, more than "
                      "the %s the process's limits leave it (ulimit -v or "
                      "-d: raise them, or make the scenario smaller)",
                      origin, path, need_s, room_s);
}

/* The field that makes a world of policy k large: its workers, the
 * trace's keys, or the keys. */
static const char *large_path(const struct scenario *s, size_t k, double one)
{
    double by_keys;
    world_memory_estimate(&s->model, s->policies[k].ops, &by_keys);
    const struct workload_config *w = &s->model.workload;
    bool by_workers = w->process == ARRIVALS_CLOSED && one - by_keys > by_keys;
    return by_workers   ? "workload.arrivals.workers"
           : w->replay  ? "workload.trace.file"
                        : "workload.keys.count";
}

char *memguard_problem(const struct scenario *s, const size_t *policies,
                       size_t n_policies, unsigned parallel,
                       const struct memguard_results *results, double limit)
{
    size_t k;
    double one = memguard_estimate(s, policies, n_policies, &k);
    double worlds = one * (parallel > 1 ? parallel : 1);
    double kept = results ? results->bytes : 0;
    double room = memguard_process_room();
    if (worlds + kept <= limit && one + kept <= room)
        return NULL;
    if (worlds + kept <= limit)
        return room_problem(s, large_path(s, k, one), one + kept, room);
    if (kept > worlds)
        return results_problem(results, worlds + kept, limit);
    const char *path = large_path(s, k, one);
    const struct workload_config *w = &s->model.workload;
    bool by_workers = strcmp(path, "workload.arrivals.workers") == 0;
    char origin[600], what[64], one_s[32], all_s[32], limit_s[32], more[64];
    scenario_origin(s, path, origin, sizeof origin);
    if (by_workers)
        snprintf(what, sizeof what, "%ld workers", w->workers);
    else
        snprintf(what, sizeof what, "%ld key%s", w->keys,
                 w->keys == 1 ? "" : "s");
    memguard_format_size(one, one_s, sizeof one_s);
    memguard_format_size(worlds, all_s, sizeof all_s);
    memguard_format_size(limit, limit_s, sizeof limit_s);
    more[0] = '\0';
    if (kept >= MB) {
        char kept_s[32];
        memguard_format_size(kept, kept_s, sizeof kept_s);
        snprintf(more, sizeof more, ", and the results %s more", kept_s);
    }
    if (parallel > 1)
        return str_printf("%s: %s: %s need about %s at start in each of %u "
                          "worker processes (%s in all%s), over the limit of "
                          "%s (raise it with --max-memory, or run fewer at "
                          "once with -j)", origin, path, what, one_s,
                          parallel, all_s, more, limit_s);
    return str_printf("%s: %s: %s need about %s at start%s, over the limit "
                      "of %s (raise it with --max-memory)", origin, path,
                      what, one_s, more, limit_s);
}

void memguard_describe(const struct scenario *s, double limit, FILE *out)
{
    size_t k;
    double one = memguard_estimate(s, NULL, 0, &k);
    char one_s[32], limit_s[32];
    memguard_format_size(one, one_s, sizeof one_s);
    memguard_format_size(limit, limit_s, sizeof limit_s);
    bool differ = false;
    for (size_t i = 0; i < s->n_policies; i++)
        differ |= s->policies[i].ops->key_bytes != s->policies[k].ops->key_bytes;
    fprintf(out, "memory    about %s at start", one_s);
    if (differ)
        fprintf(out, " (with %s, the largest)", s->policies[k].label);
    fprintf(out, "; limit %s", limit_s);
    double room = memguard_process_room();
    if (isfinite(room)) {
        char room_s[32];
        memguard_format_size(room, room_s, sizeof room_s);
        fprintf(out, "; ulimit leaves %s", room_s);
    }
    fputc('\n', out);
}
