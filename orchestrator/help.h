/*
 * The help of every command, kept in one table (help.c) so that `baton CMD
 * --help`, the usage line of an error and the man page say the same thing.
 */
#ifndef BATON_HELP_H
#define BATON_HELP_H

#include <stdbool.h>
#include <stdio.h>

struct command_help {
	const char *name;
	const char *args;    /* after the command: "CONTAINER [SIGNAL]" */
	const char *summary; /* one line, for the list of commands */
	const char *options; /* the option lines, "" when it has none */
	/* --help fails like the command: podman reads `checkpoint --help`'s
	 * exit status as "the runtime can checkpoint" */
	bool unsupported;
};

/* The entry of command name, or NULL. */
const struct command_help *command_help(const char *name);
/* Every entry, in the order `baton --help` lists them; *n of them. */
const struct command_help *command_helps(size_t *n);
/* `Usage: baton [OPTION...] NAME ARGS`, the summary and the options, on stdout; exit 0
 * (1 for an unsupported command). */
__attribute__((noreturn)) void command_help_exit(const char *name);
/*
 * Does argv (argv[0] the command) ask for help before its first operand:
 * -h, -?, --help, or --usage (*short_form)?
 */
bool help_requested(int argc, char **argv, bool *short_form);
/* The short form: `Usage: baton [OPTION...] NAME ARGS`. */
void print_command_usage(FILE *out, const struct command_help *h);

#endif
