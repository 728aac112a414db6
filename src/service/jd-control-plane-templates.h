/* jd-control-plane-templates.h — the control plane's job-template,
 * managed-template and event-configuration operations, and what CreateJob,
 * DescribeJob and GetJobDocument do with templates. Private to the
 * service; jd-control-plane-handlers.c dispatches to these.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-control-plane-request.h"

G_BEGIN_DECLS

/* What a CreateJob with jobTemplateArn takes from its template. */
typedef struct _CpTemplateUse CpTemplateUse;

G_GNUC_INTERNAL void cp_template_use_free (CpTemplateUse *use);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CpTemplateUse, cp_template_use_free)

G_GNUC_INTERNAL gboolean cp_op_create_job_template (Request *r, const char *template_id);
G_GNUC_INTERNAL gboolean cp_op_describe_job_template (Request *r, const char *template_id);
G_GNUC_INTERNAL gboolean cp_op_list_job_templates (Request *r);
G_GNUC_INTERNAL gboolean cp_op_delete_job_template (Request *r, const char *template_id);
G_GNUC_INTERNAL gboolean cp_op_list_managed_job_templates (Request *r);
G_GNUC_INTERNAL gboolean cp_op_describe_managed_job_template (Request *r, const char *template_name);
G_GNUC_INTERNAL gboolean cp_op_update_event_configurations (Request *r);
G_GNUC_INTERNAL gboolean cp_op_describe_event_configurations (Request *r);

/* CreateJob, first: with jobTemplateArn, replaces r->json by the request
 * the template makes (its document, substituted for a managed one, its
 * description and settings, the request's own members winning) and sets
 * *use; without, refuses documentParameters. FALSE when it replied. */
G_GNUC_INTERNAL gboolean cp_templates_prepare_job (Request *r, CpTemplateUse **use);
/* CreateJob's store call: remembers the template when there is one. */
G_GNUC_INTERNAL JdStoreJob *cp_templates_create_job (Request *r, CpTemplateUse *use,
                                                     const JdStoreJobSpec *spec, GError **error);
/* DescribeJob: adds jobTemplateArn and documentParameters to @job. */
G_GNUC_INTERNAL void cp_templates_add_job_members (Request *r, const char *job_id, JsonObject *job);
/* GetJobDocument?beforeSubstitution=true: the document with its
 * placeholders, or NULL when the job was not made from a managed template. */
G_GNUC_INTERNAL char *cp_templates_document_before (Request *r, const char *job_id);

G_END_DECLS
