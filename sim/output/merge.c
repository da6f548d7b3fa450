/*
 * merge.c — see merge.h.
 */
#include "output/merge.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/strutil.h"
#include "output/version.h"

#define TOOL "stampede " STAMPEDE_VERSION

/* ---- checking the set ---- */

static bool fail(char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return false;
}

/* "none, lock, per" */
static void join(const char *const *s, size_t k, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < k && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", i ? ", " : "",
                                s[i]);
}

static bool same_strings(const char *const *a, size_t na,
                         const char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

/* "--vary database.cores=1,2,4 (log) --vary ...", as the values were
 * made. */
static void grid_text(const struct partial_manifest *m, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t v = 0; v < m->n_varies && len < n; v++) {
        len += (size_t)snprintf(out + len, n - len, "%s--vary %s=",
                                v ? " " : "", m->varies[v].path);
        for (size_t i = 0; i < m->varies[v].n && len < n; i++)
            len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "",
                                    m->varies[v].values[i]);
        if (m->varies[v].log && len < n)
            len += (size_t)snprintf(out + len, n - len, " (log)");
    }
}

static bool same_grid(const struct partial_manifest *a,
                      const struct partial_manifest *b)
{
    if (a->n_varies != b->n_varies)
        return false;
    for (size_t v = 0; v < a->n_varies; v++)
        if (strcmp(a->varies[v].path, b->varies[v].path) != 0 ||
            a->varies[v].log != b->varies[v].log ||
            !same_strings((const char *const *)a->varies[v].values,
                          a->varies[v].n,
                          (const char *const *)b->varies[v].values,
                          b->varies[v].n))
            return false;
    return true;
}

static void constraints_text(const struct partial_manifest *m, char *out,
                             size_t n)
{
    size_t len = 0;
    snprintf(out, n, "none");
    for (size_t i = 0; i < m->n_constraints && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s--%s %s",
                                i ? " " : "",
                                m->constraints[i].lower ? "min" : "max",
                                m->constraints[i].arg);
}

static bool same_constraints(const struct partial_manifest *a,
                             const struct partial_manifest *b)
{
    if (a->n_constraints != b->n_constraints)
        return false;
    for (size_t i = 0; i < a->n_constraints; i++)
        if (a->constraints[i].lower != b->constraints[i].lower ||
            strcmp(a->constraints[i].arg, b->constraints[i].arg) != 0)
            return false;
    return true;
}

/* What the whole command is: the same in every slice. `p` against the
 * first, `f`. */
static bool same_command(const struct partial *p, const struct partial *f,
                         char *err, size_t n)
{
    const struct partial_manifest *a = &p->m, *b = &f->m;
    char x[2048], y[2048];
    if (a->kind != b->kind)
        return fail(err, n, "%s is a slice of a %s, %s of a %s", p->dir,
                    PARTIAL_KIND_NAMES[a->kind], f->dir,
                    PARTIAL_KIND_NAMES[b->kind]);
    if (strcmp(a->scenario, b->scenario) != 0)
        return fail(err, n, "%s: scenario \"%s\", but %s has \"%s\"", p->dir,
                    a->scenario, f->dir, b->scenario);
    if (a->seed != b->seed)
        return fail(err, n, "%s: seed %llu, but %s has seed %llu", p->dir,
                    a->seed, f->dir, b->seed);
    if (strcmp(a->sha256, b->sha256) != 0)
        return fail(err, n, "%s: another scenario.json (sha256 %.12s..., "
                    "%s has %.12s...): the scenarios differ after --set",
                    p->dir, a->sha256, f->dir, b->sha256);
    if (a->reps != b->reps)
        return fail(err, n, "%s: %u replications, but %s has %u", p->dir,
                    a->reps, f->dir, b->reps);
    if (!same_strings(a->labels, a->n_labels, b->labels, b->n_labels)) {
        join(a->labels, a->n_labels, x, sizeof x);
        join(b->labels, b->n_labels, y, sizeof y);
        return fail(err, n, "%s: policies %s, but %s has %s", p->dir, x,
                    f->dir, y);
    }
    if (a->max_in_flight != b->max_in_flight)
        return fail(err, n, "%s: --max-in-flight %ld, but %s has %ld (0: the "
                    "default)", p->dir, a->max_in_flight, f->dir,
                    b->max_in_flight);
    if (!same_grid(a, b)) {
        grid_text(a, x, sizeof x);
        grid_text(b, y, sizeof y);
        return fail(err, n, "%s: grid %s, but %s has %s", p->dir, x, f->dir,
                    y);
    }
    if (!same_constraints(a, b)) {
        constraints_text(a, x, sizeof x);
        constraints_text(b, y, sizeof y);
        return fail(err, n, "%s: constraints %s, but %s has %s", p->dir, x,
                    f->dir, y);
    }
    if (a->shard.count != b->shard.count)
        return fail(err, n, "%s is a slice of %u, %s a slice of %u", p->dir,
                    a->shard.count, f->dir, b->shard.count);
    if (a->total != b->total || a->slo != b->slo)
        return fail(err, n, "%s: %zu items in all, but %s has %zu", p->dir,
                    a->total, f->dir, b->total);
    return true;
}

/* The items of the whole: policies x reps (run), points x reps (sweep). */
static size_t expected_total(const struct partial_manifest *m)
{
    size_t units = m->n_labels;
    if (m->kind == PARTIAL_SWEEP) {
        units = 1;
        for (size_t v = 0; v < m->n_varies; v++)
            units *= m->varies[v].n;
    }
    return units * m->reps;
}

/* The manifest's own consistency: its tool, its items, its scenario.json. */
static bool sound(const struct partial *p, char *err, size_t n)
{
    const struct partial_manifest *m = &p->m;
    if (strcmp(m->tool, TOOL) != 0)
        return fail(err, n, "%s: written by %s; this is %s (merge the "
                    "slices with the version that ran them)", p->dir,
                    m->tool, TOOL);
    if (m->total != expected_total(m))
        return fail(err, n, "%s/%s: items.total: %zu, but its policies, "
                    "grid and replications make %zu", p->dir,
                    PARTIAL_MANIFEST, m->total, expected_total(m));
    bool listed = p->n_held == shard_size(&m->shard, m->total);
    for (size_t k = 0; listed && k < p->n_held; k++)
        listed = p->held[k] == shard_item(&m->shard, k);
    if (!listed)
        return fail(err, n, "%s/%s: items.held: not the items of slice "
                    "%u/%u", p->dir, PARTIAL_MANIFEST, m->shard.index,
                    m->shard.count);
    char *path = str_printf("%s/%s", p->dir, PARTIAL_SCENARIO);
    size_t len = 0;
    char *text = path ? scenario_read(path, &len, &(struct scenario_errors){0})
                      : NULL;
    char hex[SHA256_HEX_LEN + 1] = "";
    if (text)
        sha256_hex(text, len, hex);
    free(text);
    free(path);
    if (!text)
        return fail(err, n, "%s/%s: missing or unreadable", p->dir,
                    PARTIAL_SCENARIO);
    if (strcmp(hex, m->sha256) != 0)
        return fail(err, n, "%s/%s: its sha256 is not the manifest's "
                    "scenario_sha256 (the file was changed)", p->dir,
                    PARTIAL_SCENARIO);
    return true;
}

/* Each slice once, none missing. */
static bool every_slice_once(const struct partial *read, size_t n_read,
                             struct merge *out, char *err, size_t n)
{
    unsigned count = read[0].m.shard.count;
    out->parts = calloc(count, sizeof *out->parts);
    if (!out->parts)
        return fail(err, n, "out of memory");
    out->n = count;
    for (size_t i = 0; i < n_read; i++) {
        struct partial *slot = &out->parts[read[i].m.shard.index - 1];
        if (slot->dir)
            return fail(err, n, "%s and %s are both slice %u/%u", slot->dir,
                        read[i].dir, read[i].m.shard.index, count);
        *slot = read[i];
    }
    char missing[1024];
    size_t len = 0, gaps = 0;
    for (unsigned s = 0; s < count; s++)
        if (!out->parts[s].dir && len < sizeof missing) {
            len += (size_t)snprintf(missing + len, sizeof missing - len,
                                    "%s%u/%u", gaps ? ", " : "", s + 1,
                                    count);
            gaps++;
        }
    if (gaps)
        return fail(err, n, "missing slice%s %s of %s's %s (run %s with "
                    "--shard %s, then merge all %u)", gaps == 1 ? "" : "s",
                    missing, read[0].m.scenario,
                    PARTIAL_KIND_NAMES[read[0].m.kind],
                    gaps == 1 ? "it" : "them", gaps == 1 ? missing : "I/N",
                    count);
    return true;
}

bool merge_open(const char *const *dirs, size_t n_dirs, struct merge *out,
                char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    struct partial *read = calloc(n_dirs ? n_dirs : 1, sizeof *read);
    size_t k = 0;
    bool ok = read != NULL;
    if (!ok)
        fail(err, n, "out of memory");
    for (; ok && k < n_dirs; k++)
        ok = partial_read(dirs[k], &read[k], err, n) &&
             sound(&read[k], err, n) &&
             (k == 0 || same_command(&read[k], &read[0], err, n));
    if (ok && every_slice_once(read, n_dirs, out, err, n)) {
        out->m = &out->parts[0].m;
        free(read);
        return true;
    }
    /* what is in out->parts is also in read: free each once */
    for (size_t i = 0; read && i < n_dirs; i++)
        partial_free(&read[i]);
    free(read);
    free(out->parts);
    memset(out, 0, sizeof *out);
    return false;
}

void merge_free(struct merge *m)
{
    for (unsigned i = 0; m->csv && i < m->n; i++) {
        if (m->csv[i].fp)
            fclose(m->csv[i].fp);
        free(m->csv[i].path);
    }
    free(m->csv);
    free(m->header);
    free(m->blocks);
    free(m->rows);
    for (unsigned i = 0; i < m->n; i++)
        partial_free(&m->parts[i]);
    free(m->parts);
    memset(m, 0, sizeof *m);
}

/* ---- records ---- */

/* The next record of slice `part`, which must be item `item` of `label`
 * (at point, rep). */
static bool expect_record(struct partial_records *r, size_t item,
                          size_t point, unsigned rep,
                          const char *label, struct partial_record *out,
                          char *err, size_t n)
{
    int got = partial_records_next(r, out, err, n);
    if (got < 0)
        return false;
    if (got == 0)
        return fail(err, n, "%s: ends before item %zu (%s): the slice is "
                    "incomplete", r->path, item, label);
    if (out->item != item || out->rep != rep || out->point != point ||
        strcmp(out->label, label) != 0)
        return fail(err, n, "%s:%zu: item %zu (%s, replication %u) where "
                    "item %zu (%s, replication %u) belongs", r->path, r->line,
                    out->item, out->label, out->rep, item, label, rep);
    return true;
}

/* Nothing after the last item of the slice. */
static bool at_end(struct partial_records *r, char *err, size_t n)
{
    struct partial_record extra;
    int got = partial_records_next(r, &extra, err, n);
    if (got > 0)
        return fail(err, n, "%s:%zu: item %zu is not one of the slice's",
                    r->path, r->line, extra.item);
    return got == 0;
}

static bool open_all(const struct merge *m, struct partial_records *r,
                     char *err, size_t n)
{
    for (unsigned i = 0; i < m->n; i++)
        if (!partial_records_open(&r[i], m->parts[i].dir, err, n)) {
            while (i-- > 0)
                partial_records_close(&r[i]);
            return false;
        }
    return true;
}

static void close_all(const struct merge *m, struct partial_records *r)
{
    for (unsigned i = 0; i < m->n; i++)
        partial_records_close(&r[i]);
}

/* ---- a run ---- */

static bool alloc_experiment(struct experiment *e, size_t n_policies,
                             unsigned reps)
{
    memset(e, 0, sizeof *e);
    e->results = calloc(n_policies, sizeof *e->results);
    if (!e->results)
        return false;
    e->n = n_policies;
    e->replications = reps;
    for (size_t i = 0; i < n_policies; i++) {
        e->results[i].reps = calloc(reps, sizeof *e->results[i].reps);
        e->results[i].n_done = reps;
        if (!e->results[i].reps)
            return false;
    }
    return true;
}

/* Reads slice `part`'s records into e (rows: each item's row count). */
static bool read_run_slice(const struct merge *m, unsigned part,
                           struct experiment *e, size_t *rows, char *err,
                           size_t n)
{
    const struct partial *p = &m->parts[part];
    struct partial_records r;
    if (!partial_records_open(&r, p->dir, err, n))
        return false;
    bool ok = true;
    struct partial_record *rec = malloc(sizeof *rec);
    if (!rec)
        ok = fail(err, n, "out of memory");
    for (size_t k = 0; ok && k < p->n_held; k++) {
        size_t item = p->held[k], policy = item / m->m->reps;
        unsigned rep = (unsigned)(item % m->m->reps);
        ok = expect_record(&r, item, 0, rep, m->m->labels[policy], rec, err,
                           n);
        if (ok) {
            e->results[policy].reps[rep] = rec->r;
            rows[item] = rec->rows;
        }
    }
    ok = ok && at_end(&r, err, n);
    free(rec);
    partial_records_close(&r);
    return ok;
}

bool merge_run(struct merge *m, const struct scenario *s,
               struct experiment *out, char *err, size_t n)
{
    size_t idx[SCENARIO_MAX_POLICIES];
    char why[256];
    if (m->m->n_labels > SCENARIO_MAX_POLICIES ||
        !scenario_policy_indices(s, m->m->labels, m->m->n_labels, idx, why,
                                 sizeof why))
        return fail(err, n, "%s/%s: the policies of the manifest are not the "
                    "scenario's", m->parts[0].dir, PARTIAL_SCENARIO);
    free(m->rows);
    m->rows = calloc(m->m->total ? m->m->total : 1, sizeof *m->rows);
    bool ok = m->rows && alloc_experiment(out, m->m->n_labels, m->m->reps);
    if (!ok)
        fail(err, n, "out of memory");
    for (size_t i = 0; ok && i < out->n; i++)
        out->results[i].spec = &s->policies[idx[i]];
    for (unsigned part = 0; ok && part < m->n; part++)
        ok = read_run_slice(m, part, out, m->rows, err, n);
    if (ok)
        experiment_conclude(out);
    return ok;
}

bool merge_write_scenario(const struct merge *m, const char *path, char *err,
                          size_t n)
{
    char *from = str_printf("%s/%s", m->parts[0].dir, PARTIAL_SCENARIO);
    size_t len = 0;
    struct scenario_errors errors = {0};
    char *text = from ? scenario_read(from, &len, &errors) : NULL;
    scenario_errors_free(&errors);
    bool ok = text ? outfile_write_all(path, text, len, err, n)
                   : fail(err, n, "%s: cannot read it", from ? from : path);
    free(text);
    free(from);
    return ok;
}

/* ---- a run's timeseries.csv ---- */

/* "label,rep," of an item's rows. */
static char *row_prefix(const struct merge *m, size_t item)
{
    return str_printf("%s,%u,", m->m->labels[item / m->m->reps],
                      (unsigned)(item % m->m->reps));
}

/* Reads a slice's header (into *header, or checks it against it), then
 * finds each held item's rows: as many as its record says, each
 * starting "label,rep,". */
static bool index_slice(const struct merge *m, const struct partial *p,
                        const size_t *rows, struct csv_slice *f,
                        char **header, struct block *blocks, char *err,
                        size_t n)
{
    char *line = NULL;
    size_t cap = 0, line_no = 1;
    ssize_t len = getline(&line, &cap, f->fp);
    bool ok = len > 0;
    if (!ok)
        fail(err, n, "%s: empty", f->path);
    else if (!*header)
        ok = (*header = str_printf("%s", line)) != NULL ||
             fail(err, n, "out of memory");
    else if (strcmp(*header, line) != 0)
        ok = fail(err, n, "%s:1: another header than %s/%s's", f->path,
                  m->parts[0].dir, PARTIAL_TIMESERIES);
    for (size_t k = 0; ok && k < p->n_held; k++) {
        size_t item = p->held[k];
        char *prefix = row_prefix(m, item);
        blocks[item].offset = ftell(f->fp);
        blocks[item].len = 0;
        for (size_t r = 0; ok && r < rows[item]; r++) {
            len = getline(&line, &cap, f->fp);
            line_no++;
            if (len <= 0 || !prefix || strncmp(line, prefix, strlen(prefix)))
                ok = fail(err, n, "%s:%zu: expected row %zu of %zu of "
                          "%s replication %zu", f->path, line_no, r + 1,
                          rows[item], m->m->labels[item / m->m->reps],
                          item % m->m->reps);
            else
                blocks[item].len += (size_t)len;
        }
        free(prefix);
    }
    if (ok && getline(&line, &cap, f->fp) > 0)
        ok = fail(err, n, "%s:%zu: a row of no item of the slice", f->path,
                  line_no + 1);
    free(line);
    return ok;
}

static bool copy_block(FILE *from, const struct block *b, FILE *to)
{
    char buf[1 << 16];
    size_t left = b->len;
    if (fseek(from, b->offset, SEEK_SET) != 0)
        return false;
    while (left > 0) {
        size_t want = left < sizeof buf ? left : sizeof buf;
        if (fread(buf, 1, want, from) != want ||
            fwrite(buf, 1, want, to) != want)
            return false;
        left -= want;
    }
    return true;
}

static bool write_rows(const struct merge *m, struct csv_slice *f,
                       const char *header, const struct block *blocks,
                       bool complete, const char *path, char *err, size_t n)
{
    struct outfile out;
    if (!outfile_open(&out, path, err, n))
        return false;
    fputs(header, out.fp);
    bool ok = true;
    for (size_t item = 0; ok && item < m->m->total; item++) {
        struct csv_slice *from = &f[shard_of(item, m->n) - 1];
        ok = copy_block(from->fp, &blocks[item], out.fp) ||
             fail(err, n, "%s: cannot read: %s", from->path, strerror(errno));
    }
    /* the rows say what the whole run says: a slice that ran to its end
     * wrote 1 beside another's 0 */
    if (ok && !complete)
        ok = timeseries_mark_incomplete(&out, err, n);
    if (!ok) {
        outfile_abort(&out);
        return false;
    }
    return outfile_commit(&out, err, n);
}

bool merge_index_timeseries(struct merge *m, char *err, size_t n)
{
    size_t total = m->m->total ? m->m->total : 1;
    m->blocks = calloc(total, sizeof *m->blocks);
    m->csv = calloc(m->n, sizeof *m->csv);
    bool ok = (m->rows && m->blocks && m->csv) ||
              fail(err, n, "out of memory");
    for (unsigned i = 0; ok && i < m->n; i++) {
        struct csv_slice *f = &m->csv[i];
        f->path = str_printf("%s/%s", m->parts[i].dir, PARTIAL_TIMESERIES);
        f->fp = f->path ? fopen(f->path, "rb") : NULL;
        ok = f->fp ? index_slice(m, &m->parts[i], m->rows, f, &m->header,
                                 m->blocks, err, n)
                   : fail(err, n, "%s/%s: cannot open: %s", m->parts[i].dir,
                          PARTIAL_TIMESERIES, strerror(errno));
    }
    return ok;
}

bool merge_write_timeseries(const struct merge *m, const char *path,
                            bool complete, char *err, size_t n)
{
    return write_rows(m, m->csv, m->header, m->blocks, complete, path, err,
                      n);
}

/* ---- a sweep ---- */

static bool sweep_params_of(const struct merge *m, struct merge_sweep *out,
                            char *err, size_t n)
{
    const struct partial_manifest *mf = m->m;
    size_t k = mf->n_constraints;
    out->constraints = calloc(k ? k : 1, sizeof *out->constraints);
    if (!out->constraints)
        return fail(err, n, "out of memory");
    for (size_t i = 0; i < k; i++) {
        char why[512];
        if (!constraint_parse(mf->constraints[i].arg, mf->constraints[i].lower,
                              &out->constraints[i], why, sizeof why))
            return fail(err, n, "%s/%s: constraints[%zu]: %s",
                        m->parts[0].dir, PARTIAL_MANIFEST, i, why);
    }
    out->p = (struct sweep_params){
        .varies = mf->varies, .n_varies = mf->n_varies,
        .labels = mf->labels, .n_labels = mf->n_labels, .reps = mf->reps,
        .jobs = 1, .max_in_flight = mf->max_in_flight,
        .constraints = out->constraints, .n_constraints = k,
    };
    struct sweep *s = &out->s;
    s->n_points = sweep_point_count(&out->p);
    s->points = calloc(s->n_points, sizeof *s->points);
    s->labels = calloc(mf->n_labels, sizeof *s->labels);
    for (size_t i = 0; s->labels && i < mf->n_labels; i++)
        if ((s->labels[i] = str_printf("%s", mf->labels[i])))
            s->n_labels++;
    s->slo = mf->slo;
    if (!s->points || s->n_labels != mf->n_labels)
        return fail(err, n, "out of memory");
    return true;
}

/* Point `point`: each replication from the slice that ran it. */
static bool merge_point(const struct merge *m, struct merge_sweep *ms,
                        size_t point, struct partial_records *r,
                        struct experiment *e, const struct policy_spec *specs,
                        struct partial_record *rec, char *err, size_t n)
{
    unsigned reps = m->m->reps;
    for (unsigned rep = 0; rep < reps; rep++) {
        size_t item = point * reps + rep;
        unsigned part = shard_of(item, m->n) - 1;
        for (size_t i = 0; i < e->n; i++) {
            if (!expect_record(&r[part], item, point, rep, m->m->labels[i],
                               rec, err, n))
                return false;
            e->results[i].reps[rep] = rec->r;
        }
    }
    for (size_t i = 0; i < e->n; i++)
        e->results[i].spec = &specs[i];
    experiment_conclude(e);
    struct sweep_point *pt = &ms->s.points[point];
    pt->policies = calloc(e->n, sizeof *pt->policies);
    if (!pt->policies || !sweep_point_aggregate(e, reps, pt->policies))
        return fail(err, n, "out of memory");
    pt->n_policies = e->n;
    pt->done = true;
    sweep_point_judge(&ms->p, pt);
    return true;
}

bool merge_sweep(const struct merge *m, struct merge_sweep *out, char *err,
                 size_t n)
{
    memset(out, 0, sizeof *out);
    if (!sweep_params_of(m, out, err, n))
        return false;
    size_t k = m->m->n_labels;
    struct policy_spec *specs = calloc(k, sizeof *specs);
    struct partial_records *r = calloc(m->n, sizeof *r);
    struct partial_record *rec = malloc(sizeof *rec);
    struct experiment e = {0};
    bool ok = specs && r && rec && alloc_experiment(&e, k, m->m->reps);
    if (!ok)
        fail(err, n, "out of memory");
    /* only the label of a spec is read (the reason of an incomplete run) */
    for (size_t i = 0; ok && i < k; i++)
        specs[i].label = (char *)m->m->labels[i];
    ok = ok && open_all(m, r, err, n);
    for (size_t point = 0; ok && point < out->s.n_points; point++)
        ok = merge_point(m, out, point, r, &e, specs, rec, err, n);
    for (unsigned i = 0; ok && i < m->n; i++)
        ok = at_end(&r[i], err, n);
    if (r)
        close_all(m, r);
    experiment_free(&e);
    free(rec);
    free(r);
    free(specs);
    return ok;
}

void merge_sweep_free(struct merge_sweep *ms)
{
    sweep_free(&ms->s);
    free(ms->constraints);
    memset(ms, 0, sizeof *ms);
}
