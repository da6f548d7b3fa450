/*
 * sha256.h — SHA-256 (FIPS 180-4) of a byte string, as lowercase hex.
 *
 * Names the exact bytes of a resolved scenario in the manifest of a
 * partial result, so that `sha256sum scenario.json` gives the same text
 * and partials of different scenarios are told apart. Not for secrets:
 * nothing here needs to resist an attacker, only to tell inputs apart.
 */
#ifndef STAMPEDE_SHA256_H
#define STAMPEDE_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

/* hex receives 64 hex digits and a terminating NUL. O(len). */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif
