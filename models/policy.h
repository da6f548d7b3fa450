/*
 * policy.h — the stampede-protection policy interface (an ops table).
 *
 * A policy decides, after each cache read, what a request does next. It
 * sees the world only through the request actions below (read, recompute,
 * try-lock, unlock, sleep, reply, fail) and the results they bring back
 * (on_read, on_recomputed, on_lock, on_wake, on_unlocked). It parses its
 * own knobs from the scenario, keeps its own per-run state and its own
 * per-request state (a slot of request_bytes it declares), and contributes
 * its own counters to the outputs. A policy that takes a lock does it
 * through the lock helper (locking.h), which brings its own knobs, state
 * and metrics.
 *
 * Only name, on_read and on_recomputed are required; every other callback
 * may be left NULL and has the default written next to it below.
 * policy_check() says, once, what a table lacks (world_create runs it);
 * nothing calls a policy through NULL: what calls one during a run (the
 * world, the client, the metrics) keeps the table policy_complete()
 * filled in, made when it is created, and the scenario loader calls
 * policy_knob_*().
 *
 * Adding a policy: one file in models/policies/, one row in
 * policies/registry.c, one test file, one row in the README's table of
 * policies (docs/adding-a-policy.md walks through none.c). Nothing else
 * names a policy.
 */
#ifndef STAMPEDE_POLICY_H
#define STAMPEDE_POLICY_H

#include <cjson/cJSON.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/config.h"
#include "kernel/dist.h"
#include "metric.h"

struct request;
struct world;

/* ---- what a read shows the policy ---- */

enum cache_state {
    CACHE_FRESH,    /* now < expires_at */
    CACHE_STALE,    /* expired but within stale_for; only shown to policies
                       that serve stale (others see CACHE_MISSING) */
    CACHE_MISSING,
};

struct cache_view {
    enum cache_state state;
    double expires_at;   /* fresh or stale: when the value expires */
    double delta;        /* the recompute time stored with the value */
    double written_at;   /* fresh or stale: when the value was written */
    /* A lease read (req_lease_read) of a value not fresh: this request got
     * the key's lease (its recompute's write carries the token); false: a
     * hot miss, another holds it. False for any other read. */
    bool lease_granted;
};

/* How a recompute (a query plus the cache write) ended. */
enum recompute_result {
    RECOMPUTE_OK,                 /* the value was computed and written */
    RECOMPUTE_TIMEOUT,
    RECOMPUTE_POOL_TIMEOUT,
    RECOMPUTE_REFUSED,            /* too_many_connections */
    RECOMPUTE_REJECTED,           /* the value was computed, but the cache
                                     refused its write: a lease holder whose
                                     lease was no longer valid */
};

/* Why a recompute ran (counted in the outputs). */
enum recompute_cause {
    CAUSE_MISS,    /* the value was missing (or stale, where not served) */
    CAUSE_EARLY,   /* refreshed before expiry */
    CAUSE_LOCK,    /* a lock holder recomputing */
    N_RECOMPUTE_CAUSES,
};

/* How a request ended (DESIGN.md §4). */
enum outcome {
    OUTCOME_HIT,        /* fresh value read */
    OUTCOME_STALE,      /* stale value served */
    OUTCOME_WAITED,     /* got a value another request computed */
    OUTCOME_COMPUTED,   /* ran the query that produced its reply */
    OUTCOME_ERROR,
    N_OUTCOMES,
};

enum error_cause {
    ERR_TIMEOUT,
    ERR_POOL_TIMEOUT,
    ERR_TOO_MANY_CONNECTIONS,
    ERR_LOCK_GIVE_UP,
    ERR_HOLDER_CRASH,
    N_ERROR_CAUSES,
};

/* Their names in the outputs ("hit", "pool_timeout", "early", ...). */
extern const char *const OUTCOME_NAMES[N_OUTCOMES];
extern const char *const ERROR_CAUSE_NAMES[N_ERROR_CAUSES];
extern const char *const RECOMPUTE_CAUSE_NAMES[N_RECOMPUTE_CAUSES];

/* ---- the policy's own metrics ---- */

/* One of the policy's metrics, in the metric registry (metric_registry.h)
 * as the field policy_metrics.NAME and the column POLICY_NAME. */
struct policy_metric {
    const char *name;            /* JSON field and CSV column suffix */
    enum metric_fold fold;       /* FOLD_SUM, FOLD_MAX, FOLD_RATIO or
                                    FOLD_SHARE */
    int num, den;                /* FOLD_RATIO, FOLD_SHARE: indices of two
                                    FOLD_SUMs (a share's num counts some
                                    of the events den counts) */
    const char *unit;            /* as in the registry: "s", "ratio", ... */
    const char *label;           /* short, with its unit where it has one */
    const char *meaning;         /* one line */
    const char *table;           /* its header in the run table (a column
                                  shown when a policy of the run has it);
                                  NULL: not shown */
};

/* Metrics declared together: a policy's own, or a helper's that every
 * policy using the helper reports (locking.h). */
struct policy_metric_table {
    const struct policy_metric *metrics;
    size_t n;
};

/* The most tables a policy reports: its own and its helpers'. */
#define POLICY_MAX_METRIC_TABLES 4

/* ---- what its knobs risk under a load ---- */

/* The load a policy's knobs meet: what `check` estimates from the
 * scenario, or what a run measured. */
struct policy_load {
    double rate;            /* reads per second of the hottest key */
    double recompute_p99;   /* seconds: the recompute's p99 under the load */
    double ttl;             /* seconds */
};

/* A figure of the knobs under that load that predicts trouble before a
 * run shows it (PER's early-refresh lead time against the TTL). */
struct policy_risk {
    double value, limit;    /* seconds (summary.json: risk.*); above the
                               limit, `check` warns */
    char says[320];         /* what it is, in one line */
    char fix[320];          /* past the limit: what to change */
};

/* ---- calibration ---- */

/* The recompute time under the scenario's load, in seconds: measured by
 * calibrate's pilot, or else the quantiles of database.service. */
struct recompute_time {
    double p50, p99, p999;
    bool measured;       /* by the pilot */
};

/* Another numeric knob calibrate tunes with the policy's cost and
 * constraints (PER's delta_max), with its own default range. */
struct calibration_knob {
    const char *knob;             /* a JSON field of the policy */
    void (*default_range)(const struct recompute_time *recompute, double *lo,
                          double *hi);
    const char *range_help;
    bool pilot;                   /* the range starts from the pilot's */
};

/* Knob assignments ("delta_max=0.6"), as --set takes them relative to the
 * policy's object. */
#define CALIBRATION_MAX_SETS 4
#define CALIBRATION_SET_MAX 64
typedef char calibration_sets[CALIBRATION_MAX_SETS][CALIBRATION_SET_MAX];

/* A comparison calibrate shows beside its answer when the answer's runs
 * misbehave in a way another setting of the policy avoids (PER with a
 * measured delta: refresh storms; beside, the delta clamped). */
struct calibration_compare {
    const char *when;             /* the field of the runs that says so
                                     ("policy_metrics.storm_cycles"): */
    double per_ttl;               /* ... its mean per TTL period of the
                                     measured run above this */
    const char *what;             /* what the other setting is, in words */
    /* The other setting for these knobs and the pilot's recompute time;
     * how many assignments (0: it does not apply to these knobs). */
    size_t (*sets)(const void *knobs, const struct recompute_time *recompute,
                   calibration_sets out);
};

/* What `stampede calibrate` needs to know of a policy: the knob it tunes
 * by default, a default range, the policy's own constraint, and the cost
 * the knob trades against the constraints — the recommendation is the
 * value of least cost among those proven to meet them. */
struct policy_calibration {
    const char *knob;             /* a JSON field of the policy */
    /* The default range of the knob, given the recompute time. */
    void (*default_range)(const struct recompute_time *recompute, double *lo,
                          double *hi);
    const char *range_help;       /* that range, in words, for --help */
    /* The range starts from the recompute time measured under the
     * scenario's load (calibrate runs a pilot for it). */
    bool pilot;
    const char *guard_option;     /* "max-miss-share" (a calibrate flag) */
    const char *guard_path;       /* the summary metric it bounds */
    double guard_default;         /* its default limit */
    const char *cost;             /* the registry field minimised */
    const char *cost_help;        /* why it is the cost, for --help */
    const char *const *explains;  /* fields reported beside the cost: what
                                     makes it, value by value */
    size_t n_explains;
    const struct calibration_knob *others;   /* may be NULL */
    size_t n_others;
    /* The knob assignments the pilot runs with, given the knobs, the
     * service time's quantiles and the scenario's load, so that its runs
     * show the scenario's load and not a feedback of the policy's own
     * (0: none), and the shortest TTL the pilot may shorten the
     * scenario's to (*min_ttl, seconds; left alone: none). NULL: none. */
    size_t (*pilot_sets)(const void *knobs,
                         const struct recompute_time *nominal,
                         const struct policy_load *load,
                         calibration_sets out, double *min_ttl);
    const struct calibration_compare *compare;   /* NULL: none */
};

/* ---- the ops table ---- */

struct policy_ops {
    const char *name;             /* "none", "lock", "per"; required */
    const char *summary;          /* one line, for --help and check */
    /* Its JSON fields, NULL-terminated. NULL: it has no knobs. */
    const char *const *knobs;
    const struct policy_calibration *calibration;   /* NULL: no knob to tune */
    size_t knobs_size;            /* bytes of its parsed knobs */
    size_t key_bytes;             /* bytes of per-key state its create
                                     allocates (the memory estimate) */
    /* It locks or leases keys (req_try_lock, req_lease_read): the cache then
     * keeps a lock per key (16 bytes), which it does not otherwise. */
    bool takes_locks;
    /* Bytes of its per-request state (req_state): zeroed when a request
     * arrives, aligned for any type, touched by the policy alone. 0: it
     * keeps none. */
    size_t request_bytes;

    /* Reads the knobs from the policy's object (defaults where absent);
     * errors go to o->cfg. Unknown keys are checked by the caller.
     * Required if it has knobs. */
    void (*parse)(const struct cfg_obj *o, void *knobs);
    /* Adds the resolved knobs to the policy's JSON object. Required if it
     * has knobs. */
    void (*write)(const void *knobs, cJSON *object);
    /* One line describing the knobs, for `check`. NULL: "no knobs". */
    void (*describe)(const void *knobs, char *out, size_t n);
    /* Whether reads show it stale values (else stale reads as missing).
     * NULL: never. */
    bool (*serves_stale)(const void *knobs);
    /* Its risk figure under `load`: false if it has none for these knobs.
     * NULL: none. */
    bool (*risk)(const void *knobs, const struct policy_load *load,
                 struct policy_risk *out);

    /* Per-run state; NULL if memory runs out. NULL create: it keeps no
     * per-run state, and its callbacks are handed its knobs as `state`.
     * NULL destroy: nothing to free. */
    void *(*create)(const void *knobs, struct world *w);
    void (*destroy)(void *state);

    /* An attempt begins: the request arrived, or a failed attempt is
     * retried. NULL: it reads the value (req_read) — a policy whose reads
     * are of another kind (a lease-get) issues its own. */
    void (*on_attempt)(void *state, struct request *r);
    /* A read completed (first read, re-read, or a retry's read).
     * Required. */
    void (*on_read)(void *state, struct request *r, const struct cache_view *v);
    /* A recompute this request started has ended. Required. */
    void (*on_recomputed)(void *state, struct request *r,
                          enum recompute_result result);
    /* A try-lock completed. NULL: a lock it got is released at once
     * (none stays held until its TTL for nothing), and the request does
     * nothing more — a policy that locks says what follows. */
    void (*on_lock)(void *state, struct request *r, bool acquired);
    /* A sleep ended. NULL: the request reads the value again. */
    void (*on_wake)(void *state, struct request *r);
    /* The delta the write of r's recompute stores with the value, given
     * its query's measured duration in seconds (called between the query
     * and the write). NULL: the measured one (DESIGN.md §4). */
    double (*stored_delta)(void *state, struct request *r, double measured);
    /* An unlock completed: released is false when the lock had expired
     * (or another request held it). NULL: nothing follows. */
    void (*on_unlocked)(void *state, struct request *r, bool released);

    /* Its metrics: the entries of these tables, one after the other (the
     * first NULL ends the list), as the accumulators collect fills and
     * as the outputs show them. A RATIO's num and den index its own
     * table. */
    const struct policy_metric_table *metrics[POLICY_MAX_METRIC_TABLES];
    /* Adds the segment's raw values into acc (SUM: +=, MAX: max), in the
     * order of the tables, and starts a new segment. RATIO entries are
     * left alone. Required if it has metrics. */
    void (*collect)(void *state, double *acc);
};

/* The registered policies, in registry order. */
const struct policy_ops *policy_find(const char *name);
const struct policy_ops *const *policy_all(void);

/* What the table lacks, once, before it is used: false, with a message
 * naming the policy and the callback or metric, if a required callback
 * is missing or its metrics are inconsistent (a ratio of entries that
 * are not sums, two metrics of one name, a table without collect). */
bool policy_check(const struct policy_ops *ops, char *err, size_t n);
/* `ops` with every optional callback left NULL set to its default: the
 * table a run calls (world.c, client.c, metrics.c). */
void policy_complete(const struct policy_ops *ops, struct policy_ops *out);

/* The loader's calls, defaults included. */
const char *const *policy_knob_names(const struct policy_ops *ops);
void policy_knob_parse(const struct policy_ops *ops, const struct cfg_obj *o,
                       void *knobs);
void policy_knob_write(const struct policy_ops *ops, const void *knobs,
                       cJSON *object);
void policy_knob_describe(const struct policy_ops *ops, const void *knobs,
                          char *out, size_t n);
/* ops->risk, or false without one. */
bool policy_knob_risk(const struct policy_ops *ops, const void *knobs,
                      const struct policy_load *load, struct policy_risk *out);

/* ---- its metrics ---- */

/* Metrics it reports: those of its tables. */
size_t policy_metric_count(const struct policy_ops *ops);
/* The index-th of them (< policy_metric_count); *base, if not NULL, is
 * the index of its table's first entry (a RATIO's num and den are
 * relative to it). */
const struct policy_metric *policy_metric_at(const struct policy_ops *ops,
                                             size_t index, size_t *base);
/* The index of its metric called `name` (names are unique within a
 * policy: policy_check says so); -1 if it has none. Two policies may
 * share a name (both list the lock helper's table): each has its own. */
long policy_metric_index(const struct policy_ops *ops, const char *name);
/* Completes RATIO entries of a collected accumulator. */
void policy_metrics_finish(const struct policy_ops *ops, double *acc);
/* Adds the metrics `from` into `into` by their kind: sums add, maxima
 * keep the larger; ratios are left for policy_metrics_finish. What a
 * collect does with one table's counters (`into` at the table's first
 * entry); policy_metrics_add_all does it for every table (metrics.c,
 * with segments). */
void policy_metrics_add(const struct policy_metric_table *t, double *into,
                        const double *from);
void policy_metrics_add_all(const struct policy_ops *ops, double *into,
                            const double *from);

/* ---- request actions (implemented by the client model) ---- */

/* The policy's per-request state, of its request_bytes; `bytes` is what
 * the caller reads it as, at most request_bytes (asking for more is a bug
 * in the policy: the run stops at once, saying so). REQ_STATE gives it
 * typed. */
void *req_state(struct request *r, size_t bytes);
#define REQ_STATE(r, type) ((type *)req_state((r), sizeof(type)))

long req_key(const struct request *r);
/* The application instance the request landed on (0 .. world_instances
 * - 1): its pool, and where a policy's in-process state lives. A function
 * of the seed and the request's number (the same for every policy),
 * drawn at each call: ask once and keep it where it is needed often. */
long req_instance(const struct request *r);
double req_now(const struct request *r);
double req_arrival(const struct request *r);
/* The request's uniform (0, 1] coin for its first read: a function of
 * the seed and the request's number alone (drawn from its substream when
 * first asked), so every policy that asks gets the same; later reads use
 * the policy's own stream. Returns a fresh draw from `own` after the
 * first call. */
double req_coin(struct request *r, gsl_rng *own);
/* The request's id: unique in the run, usable as a lock token. */
uint64_t req_id(const struct request *r);
bool req_replied(const struct request *r);
/* In on_recomputed(RECOMPUTE_OK): when the value it wrote expires (what
 * its SET set; -INFINITY if the TTL is 0). */
double req_written_expiry(const struct request *r);

/* Issue a GET of the request's key; on_read follows. */
void req_read(struct request *r);
/* A GET with a lease (memcache's lease-get): a value that is not fresh
 * comes with the key's lease if it is free — none, expired, or the
 * request's own — which is then the request's until lease_ttl from now
 * (v->lease_granted); otherwise it is a hot miss. A lease holder's
 * recompute writes with its token: the write is refused, and
 * on_recomputed says RECOMPUTE_REJECTED, unless the token still holds the
 * lease (which the write releases). on_read follows. */
void req_lease_read(struct request *r, double lease_ttl);
/* Run the query and, if it succeeds, write the value; on_recomputed
 * follows (after the write). */
void req_recompute(struct request *r, enum recompute_cause cause);
/* SET lock NX PX ttl with the request's token; on_lock follows. */
void req_try_lock(struct request *r, double ttl);
/* Compare-and-delete of the request's lock; nothing follows. */
void req_unlock(struct request *r);
/* on_wake follows after `seconds`. */
void req_sleep(struct request *r, double seconds);
/* The request waits, with nothing else under way, until the policy wakes
 * it (req_wake): in-process waiting, as a singleflight waiter waits for
 * its leader. */
void req_wait(struct request *r);
/* Ends r's req_wait: r's on_wake follows at this instant, in an event of
 * its own (so a request is never re-entered from another's callback).
 * Nothing if r is not waiting. */
void req_wake(struct request *r);
/* The reply. The request may keep working after it (a background
 * refresh, an unlock); it ends when it has replied and nothing is pending. */
void req_reply(struct request *r, enum outcome outcome);
/* The attempt failed. If retryable and retries remain, the client backs
 * off and retries (on_attempt follows); otherwise the request replies
 * with an error of this cause. */
void req_fail(struct request *r, enum error_cause cause, bool retryable);

/* A stream of the policy's own, named: the same name gives the same
 * stream in every run of the experiment. Owned by the world. */
gsl_rng *world_stream(struct world *w, const char *name);
/* Number of keys (for per-key policy state). */
long world_keys(const struct world *w);
/* Number of application instances (for per-instance policy state). */
long world_instances(const struct world *w);
/* When the key's value at t = 0 expires (-INFINITY: none stored): the
 * cache's initial state, the same whenever asked (a policy's per-key
 * table can read it when the key is first used). Not a cache command. */
double world_value_expiry(const struct world *w, long key);

/* The error cause a failed recompute maps to. */
enum error_cause recompute_error(enum recompute_result result);

#endif
