/*
 * scenario_schema.c — see scenario_schema.h.
 */
#include "scenario/scenario_schema.h"

#include <string.h>

#define MAX_CORES 100000

const char *const PROCESS_NAMES[] = {"poisson", "closed", NULL};
const char *const POPULARITY_NAMES[] = {"single", "uniform", "zipf", NULL};
const char *const WARM_NAMES[] = {"staggered", "synchronized", "cold", NULL};
const char *const DISCIPLINE_NAMES[] = {"ps", "fcfs", NULL};
const char *const EVENT_NAMES[] = {"cache_flush", "database", "traffic",
                                   NULL};

bool scenario_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool scenario_label_valid(const char *label)
{
    if (!is_letter(label[0]))
        return false;
    for (const char *c = label; *c; c++)
        if (!is_letter(*c) && !(*c >= '0' && *c <= '9') && *c != '-' &&
            *c != '_')
            return false;
    return strlen(label) <= 64;
}

static const char *const USL_KEYS[] = {"sigma", "kappa", NULL};

static void read_usl(const struct cfg_obj *db, struct db_capacity *cap)
{
    struct cfg_obj o;
    if (!cfg_open_member(db, "usl", &o))
        return;
    cfg_check_keys(&o, USL_KEYS);
    cap->usl = true;
    cfg_number(&o, "sigma", &cap->sigma, 0, CFG_FRACTION);
    cfg_number(&o, "kappa", &cap->kappa, 0, CFG_NONNEG);
    if (cap->sigma == 0 && cap->kappa == 0)
        cfg_error(o.cfg, o.path, "usl needs sigma > 0 or kappa > 0 (with "
                  "both 0 the capacity grows without bound)");
}

void scenario_read_capacity(const struct cfg_obj *o, enum db_discipline d,
                            int default_cores, struct db_capacity *cap)
{
    memset(cap, 0, sizeof *cap);
    long long cores;
    cfg_integer(o, "cores", &cores, default_cores, 1, MAX_CORES);
    cap->cores = (int)cores;
    if (!cfg_has(o, "usl"))
        return;
    char path[CFG_PATH_MAX];
    cfg_path_key(path, o->path, "usl");
    if (cfg_has(o, "cores"))
        cfg_error(o->cfg, path, "give cores or usl, not both (the USL fit "
                  "already includes the database's CPUs)");
    else if (d == DB_FCFS)
        cfg_error(o->cfg, path, "usl applies to discipline \"ps\" only "
                  "(\"fcfs\" needs cores: its number of servers)");
    else
        read_usl(o, cap);
}
