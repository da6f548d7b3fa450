/*
 * main.c — the `stampede` command line: finds the command and runs it.
 *
 * The only process-wide state is the signal flag: every signal whose
 * default action would end the process (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGXCPU, ...: cli_stop_signals) sets it instead, and every
 * run checks it between events so that it can stop cleanly, write what
 * it measured, leave no temporary file, and exit with 128 + the
 * signal's number. SIGPIPE and SIGXFSZ are ignored: a write to a closed
 * pipe or past the file size limit (ulimit -f) then fails like any
 * other, and the command says which file it could not write.
 */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "kernel/strutil.h"
#include "output/version.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static const struct cli_command COMMANDS[] = {
    {"run", "simulate the policies of a scenario and write the results",
     cmd_run},
    {"sweep", "run a scenario over a grid of parameters, with replications",
     cmd_sweep},
    {"merge", "join the partial results of run or sweep --shard I/N",
     cmd_merge},
    {"calibrate", "recommend a beta or a lock timeout for a scenario's traffic",
     cmd_calibrate},
    {"check", "validate a scenario and describe what it simulates", cmd_check},
    {"init", "write a commented starter scenario to edit", cmd_init},
    {"fit", "fit a lognormal and a gamma to measured samples", cmd_fit},
    {"plot", "draw the figures of a run with gnuplot", cmd_plot},
    {"compare", "put the results of two or more runs side by side",
     cmd_compare},
    {"report", "write a run's results as one page (HTML and Markdown)",
     cmd_report},
    {"metrics", "list the metrics of every output: names, units, meanings",
     cmd_metrics},
    {"bench", "measure the simulator's speed", cmd_bench},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: stampede <command> [options]\n"
            "       stampede <command> --help\n"
            "\n"
            "stampede simulates cache stampedes: a hot key expires, requests\n"
            "miss together and rush the database. It compares protection\n"
            "policies on the same traffic.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-11s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out,
            "\n"
            "Options:\n"
            "  -h, --help     show this help\n"
            "  --version      print the version\n"
            "\n"
            "Exit status: 0 success, 1 failure while running, 2 bad usage or\n"
            "bad scenario, 3 an objective of the scenario's slo broke (run\n"
            "--fail-on-slo), 130/143 interrupted by SIGINT/SIGTERM.\n");
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (const int *s = cli_stop_signals(); *s; s++)
        sigaction(*s, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
}

/* stdout is checked once, at the end: a table that could not all be
 * written (a full disk, a closed pipe) is a failure, not a success. A
 * command that ran to its end though a signal asked it to stop (check,
 * compare...: nothing of theirs to cut short) still says it was asked. */
static int check_stdout(const char *command, int status)
{
    if (stop_signal && status == EXIT_OK)
        status = 128 + (int)stop_signal;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    if (errno != EPIPE)
        fprintf(stderr, "stampede %s: cannot write to standard output: "
                "%s\n", command, strerror(errno));
    return status == EXIT_OK || status == EXIT_SLO_BROKEN ? EXIT_FAILED
                                                          : status;
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every GSL failure is checked instead. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("stampede %s (output schema %d)\n", STAMPEDE_VERSION,
               STAMPEDE_SCHEMA_VERSION);
        return EXIT_OK;
    }
    install_signals();
    struct cli_env env = {&stop_signal, isatty(STDERR_FILENO) == 1};
    const char *names[N_COMMANDS + 1];
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (!strcmp(name, COMMANDS[i].name))
            return check_stdout(name,
                                COMMANDS[i].run(argc - 1, argv + 1, &env));
        names[i] = COMMANDS[i].name;
    }
    names[N_COMMANDS] = NULL;
    const char *hint = str_suggest(name, names);
    fprintf(stderr, "stampede: unknown command '%s'", name);
    if (hint)
        fprintf(stderr, " (did you mean '%s'?)", hint);
    fprintf(stderr, "\n\n");
    usage(stderr);
    return EXIT_USAGE;
}
