/*
 * The validation rules of schemas/config-rules.md that are more than a type
 * check: small pure functions, one per rule, each failing with the JSON path.
 */
#ifndef PARSE_CONFIG_RULES_H
#define PARSE_CONFIG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

int rule_oci_version(const char *version, struct stage_error *err);
int rule_absolute_path(const char *path, const char *value, struct stage_error *err);
int rule_env_entry(const char *path, const char *value, struct stage_error *err);
int rule_nonempty_array(const char *path, int size, struct stage_error *err);
int rule_rlimit_order(const char *path, uint64_t soft, uint64_t hard, struct stage_error *err);
int rule_sysctl_key(const char *path, const char *key, struct stage_error *err);
/* ns_own: the NS_* bits of namespaces the container does not share with the runtime. */
int rule_sysctl_namespaced(const char *path, const char *key, unsigned ns_own,
			   struct stage_error *err);
int rule_sysctl_value(const char *path, const char *value, struct stage_error *err);
int rule_sysctl_names_agree(const char *path, const char *key, const char *value,
			    const char *hostname, const char *domainname, struct stage_error *err);
int rule_cgroup_access(const char *path, const char *access, struct stage_error *err);
int rule_unified_key(const char *path, const char *key, struct stage_error *err);
int rule_syscall_name(const char *path, const char *name, struct stage_error *err);
/* Resolve linux.cgroupsPath (NULL when absent) into out (size bytes). */
int rule_cgroups_path(const char *value, const char *id, char *out, size_t size,
		      struct stage_error *err);
/* The namespace is in linux.namespaces, new or joined. */
int rule_needs_ns(const char *path, unsigned ns_listed, unsigned bit, const char *ns_name,
		  struct stage_error *err);
int rule_needs_new_ns(const char *path, unsigned ns_new, unsigned bit, const char *ns_name,
		      struct stage_error *err);
int rule_mount_ns_for(const char *path, unsigned ns_listed, struct stage_error *err);
int rule_userns_mappings(unsigned ns_new, int nuid, int ngid, struct stage_error *err);
/* netdevices.c: a name the kernel takes for an interface (dev_valid_name) */
int rule_ifname(const char *path, const char *name, struct stage_error *err);

/* process.scheduler: SCHED_FIFO and SCHED_RR take 1..99, the others 0. */
int rule_sched_priority(const char *policy, int64_t priority, struct stage_error *err);
/* SCHED_DEADLINE: runtime <= deadline <= period (0: deadline), the kernel's bounds. */
int rule_sched_deadline(uint64_t runtime, uint64_t deadline, uint64_t period,
			struct stage_error *err);
/* A cpu or node list (`0-3,7`): well formed, every id below limit (what the host has). */
int rule_id_list(const char *path, const char *list, unsigned long limit, const char *what,
		 struct stage_error *err);
/* linux.mountLabel: ignored without SELinux; with it, not applied yet (the context= option). */
int rule_mount_label(const char *label, bool selinux_enabled, struct stage_error *err);
/* linux.intelRdt: refused, saying whether resctrl is there at all. */
int rule_intel_rdt(bool resctrl_mounted, struct stage_error *err);
/* linux.memoryPolicy: which modes take nodes, which flags go together (mm/mempolicy.c). */
int rule_mempolicy(const char *mode, unsigned flags, const char *nodes, struct stage_error *err);

#endif
