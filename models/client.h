/*
 * client.h — one request's life: cache read, policy, database, reply.
 */
#ifndef STAMPEDE_CLIENT_H
#define STAMPEDE_CLIENT_H

struct client_config {
    long pool_size;       /* connections to the database */
    double pool_timeout;  /* seconds to wait for one; INFINITY: forever */
    double timeout;       /* one query, submission to result; INFINITY: none */
    long retries;         /* a failed request is retried this many times */
    double backoff;       /* first backoff (seconds), doubled per attempt */
    double backoff_max;   /* cap of the backoff */
};

#endif
