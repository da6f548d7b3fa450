/*
 * version.h — the tool's version and the version of its output formats.
 * SCHEMA_VERSION changes whenever a column or field of the outputs changes
 * meaning or disappears (additions keep it).
 */
#ifndef STAMPEDE_VERSION_H
#define STAMPEDE_VERSION_H

#define STAMPEDE_VERSION "0.1.0"
#define STAMPEDE_SCHEMA_VERSION 2

#endif
