/* The probe's placement facts (placement.c): scheduler, I/O priority, cpus, NUMA policy. */
#ifndef BATON_PROBE_PLACEMENT_H
#define BATON_PROBE_PLACEMENT_H

int probe_sched(void);
int probe_ioprio(void);
int probe_affinity(void);
int probe_mempolicy(void);

#endif
