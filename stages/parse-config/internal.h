/* Shared between the section parsers of parse-config. */
#ifndef PARSE_CONFIG_INTERNAL_H
#define PARSE_CONFIG_INTERNAL_H

#include "jnode.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"
#include "plan.h"
#include "strbuf.h"

/* Namespace bits, in the order of the plan's TYPE names. */
enum ns_bit {
	NS_USER = 1 << 0,
	NS_PID = 1 << 1,
	NS_NETWORK = 1 << 2,
	NS_IPC = 1 << 3,
	NS_UTS = 1 << 4,
	NS_MOUNT = 1 << 5,
	NS_CGROUP = 1 << 6,
	NS_TIME = 1 << 7,
};

/* What one run of parse_config knows while it walks the config. */
struct pc {
	struct strbuf *out;
	struct stage_error *err;
	const char *bundle;
	const char *id;
	unsigned ns_listed; /* every namespace in linux.namespaces */
	unsigned ns_new;    /* those without a path: created for the container */
	unsigned ns_own;    /* new ones, and those joined by a path that is not the runtime's */
	const char *hostname, *domainname; /* as config.json gives them, or NULL */
	bool systemd;		     /* the systemd cgroup driver plans the cgroup (systemd.c) */
	bool root_readonly;	     /* root.readonly, checked against the namespaces */
	uint32_t proc_uid, proc_gid; /* process.user: the ids a default mapping must hold */
};

/* A name and its number, for capabilities, rlimits, mount flags... */
struct name_value {
	const char *name;
	uint64_t value;
};

const struct name_value *name_find(const struct name_value *table, size_t n, const char *name);
#define NAME_FIND(table, name) name_find(table, sizeof(table) / sizeof(table[0]), name)

/* Numbers as plan fields. */
const char *fmt_u64(char *buf, uint64_t v);
const char *fmt_i64(char *buf, int64_t v);
const char *fmt_hex(char *buf, uint64_t v);
#define NUM_MAX 32

/* Each member of the array arr (path) must be a string; emit key STRING. */
int emit_string_list(struct pc *pc, const struct jnode *arr, const char *path, const char *key,
		     int (*rule)(const char *path, const char *s, struct stage_error *err));

/* Fail with "PATH.KEY: not supported yet" when obj has key. */
int reject_unsupported(const struct jnode *obj, const char *path, const char *key,
		       struct stage_error *err);

/* MS_* flags of a propagation name (`rprivate`...); -1 if unknown. */
int propagation_flags(const char *name, unsigned long *out);

/* Sections, each emitting its records. */
int parse_namespaces(struct pc *pc, const struct jnode *linux_obj);
int parse_process(struct pc *pc, const struct jnode *config);
/* process.scheduler, process.ioPriority, process.execCPUAffinity (scheduler.c) */
int parse_process_sched(struct pc *pc, const struct jnode *proc);
/* linux.memoryPolicy (mempolicy.c) */
int parse_memory_policy(struct pc *pc, const struct jnode *linux_obj);
int parse_mounts(struct pc *pc, const struct jnode *config);
int parse_linux(struct pc *pc, const struct jnode *linux_obj);
int parse_resources(struct pc *pc, const struct jnode *linux_obj);
int parse_seccomp(struct pc *pc, const struct jnode *linux_obj);
int parse_hooks(struct pc *pc, const struct jnode *config);
int parse_net_devices(struct pc *pc, const struct jnode *linux_obj);
/* BATON_ROOTLESS=UID:GID: add the user namespace and mappings a rootless caller needs. */
int rootless_user_namespace(struct pc *pc, int *nuid, int *ngid);
/* A new user namespace without uidMappings or gidMappings: crun's default maps. */
int default_id_maps(struct pc *pc, int *nuid, int *ngid);

#endif
