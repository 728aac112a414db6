/* jd-job-cells.h — how a job reads in the Jobs table and its details: the
 * status with its outcome ("Completed · 1 failed", coloured by outcome), the
 * targets as things and groups, and its progress.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jd-job.h"

G_BEGIN_DECLS

/* "Completed · 1 failed"; the plain status while the counters are unknown. */
char       *jd_job_cells_status_text   (JdJob       *job);
/* The libadwaita style class: "error" once an execution failed, never
 * "success" before the counters say so. */
const char *jd_job_cells_status_style  (JdJob       *job);
void        jd_job_cells_status_pill   (GtkLabel    *label,
                                        JdJob       *job);
/* "MyThing, group Fleet"; NULL while the targets are unknown (a summary). */
char       *jd_job_cells_targets_text  (JdJob       *job);
/* Finished executions over all of them (0..1), or -1 without counters;
 * @text: "3 of 5 · 2 succeeded · 1 failed". */
double      jd_job_cells_progress      (JdJob       *job,
                                        char       **text);

G_END_DECLS
