/* The state final-exec carries from its first step to the user's execve. */
#ifndef BATON_FINAL_EXEC_H
#define BATON_FINAL_EXEC_H

#include <stdbool.h>

#include "error.h"
#include "filter.h"
#include "listener.h"
#include "plan.h"
#include "spec.h"

struct final_exec {
	struct plan plan;
	struct process_spec spec;
	struct bpf_filter filter;	   /* empty when seccomp is off */
	struct listener_receiver receiver; /* where a notifying filter's listener goes */
	bool no_process;		   /* create without `process`: wait, never exec */
	int sync;			   /* the orchestrator; -1 when run standalone */
	int fifo;			   /* the exec fifo (create); -1 for run or standalone */
	int result;	    /* where a failure after the start byte goes (create), or -1 */
	bool started;	    /* `start` wrote its byte: report failures on result */
	int console;	    /* where the terminal's master goes (process.terminal), or -1 */
	bool exec;	    /* started by `baton exec`: no /dev/console of our own */
	unsigned preserved; /* fds 3..3+preserved-1 belong to the user */
	bool new_keyring;
	char *executable; /* process.arg[0] resolved */
};

/*
 * Read the plan and the BPF program, from the BATON_FD_* contract or, when
 * run by a person, from `--plan FILE [--bpf FILE]`, plus the command-line
 * settings (BATON_PRESERVE_FDS, BATON_NO_NEW_KEYRING).
 */
int final_exec_load(struct final_exec *fx, int argc, char **argv, struct stage_error *err);
void final_exec_release(struct final_exec *fx);

#endif
