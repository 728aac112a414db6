/* jd-control-plane-request.h — what the control plane's handlers share
 * (jd-control-plane-handlers.c, jd-control-plane-groups.c): one request
 * being answered, its path, query and body readers, the replies and AWS's
 * error shapes, and the JSON shapes of jobs, executions and things. Private
 * to the service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jd-control-plane-handlers.h"
#include "jd-job-config.h"

G_BEGIN_DECLS

#define DEFAULT_PAGE_SIZE 250
#define MAX_PAGE_SIZE 250
#define MAX_DOCUMENT 32768
#define MAX_DESCRIPTION 2028
#define MAX_TIMEOUT_MINUTES 10080

/* The name a `thing/NAME` or `thinggroup/NAME` ARN of this account and
 * region gives. An ARN of another account or region names nothing here
 * (404); anything else is not such an ARN (400). */
typedef enum {
  TARGET_THING,
  TARGET_GROUP,
} TargetKind;

/* One request being answered. */
typedef struct {
  const JdCpContext *self;
  JdCpResponse      *resp;
  const char        *method;
  GHashTable        *query;      /* decoded name → value */
  JsonObject        *json;       /* the parsed body, {} when empty */
  char             **segments;   /* decoded path segments, without the leading "" */
  guint              n_segments;
} Request;

G_GNUC_INTERNAL void cp_request_clear (Request *r);
G_GNUC_INTERNAL void cp_reply_text (Request *r, guint status, const char *text);
G_GNUC_INTERNAL void cp_reply_builder (Request *r, JsonBuilder *builder);
G_GNUC_INTERNAL void cp_reply_empty (Request *r);
G_GNUC_INTERNAL void cp_reply_error_full (Request *r, guint status, const char *type, const char *message, const char *resource_id, const char *resource_arn);
G_GNUC_INTERNAL gboolean cp_reply_error (Request *r, guint status, const char *type, const char *format, ...);
G_GNUC_INTERNAL gboolean cp_invalid (Request *r, const char *format, ...);
G_GNUC_INTERNAL gboolean cp_reply_gerror (Request *r, GError *error, const char *resource_id, const char *resource_arn);
G_GNUC_INTERNAL char * cp_thing_arn (const JdCpContext *self, const char *thing_name);
G_GNUC_INTERNAL char * cp_job_arn (const JdCpContext *self, const char *job_id);
G_GNUC_INTERNAL char * cp_group_arn (const JdCpContext *self, const char *group_name);
G_GNUC_INTERNAL void cp_add_object (JsonBuilder *builder, const char *name, JsonObject *object);
G_GNUC_INTERNAL char * cp_quote_value (const char *value);
G_GNUC_INTERNAL gboolean cp_check_job_id (Request *r, const char *job_id);
G_GNUC_INTERNAL gboolean cp_check_thing_name (Request *r, const char *thing_name);
G_GNUC_INTERNAL gboolean cp_check_group_name (Request *r, const char *member, const char *group_name);
G_GNUC_INTERNAL const char * cp_query (Request *r, const char *name);
G_GNUC_INTERNAL gboolean cp_query_bool (Request *r, const char *name, gboolean *value);
G_GNUC_INTERNAL gboolean cp_query_int (Request *r, const char *name, gint64 min, gint64 max, gint64 fallback, gint64 *value);
G_GNUC_INTERNAL gboolean cp_page_params (Request *r, guint *limit, char **after);
G_GNUC_INTERNAL void cp_add_next_token (JsonBuilder *builder, gboolean more, const char *last_key);
G_GNUC_INTERNAL gboolean cp_body_string (Request *r, const char *name, gsize max, const char **value);
G_GNUC_INTERNAL gboolean cp_body_int (Request *r, JsonObject *object, const char *name, gboolean *present, gint64 *value);
G_GNUC_INTERNAL gboolean cp_check_string_map (Request *r, JsonNode *node, const char *name, gboolean key_pattern, gsize max_value);
G_GNUC_INTERNAL char * cp_job_config_to_store (const JdJobConfig *config);
G_GNUC_INTERNAL void cp_add_job (const JdCpContext *self, JsonBuilder *builder, JdStoreJob *job);
G_GNUC_INTERNAL void cp_add_job_summary (const JdCpContext *self, JsonBuilder *builder, JdStoreJob *job);
G_GNUC_INTERNAL void cp_add_execution_summary (JsonBuilder *builder, JdStoreExecution *e);
G_GNUC_INTERNAL void cp_add_thing (const JdCpContext *self, JsonBuilder *builder, JdStoreThing *thing, gboolean full);
G_GNUC_INTERNAL gboolean cp_parse_arn (Request *r, const char *arn, const char *member, gboolean thing_ok, gboolean group_ok, TargetKind *kind, char **name);
G_GNUC_INTERNAL gboolean cp_parse_targets (Request *r, GPtrArray *targets, GPtrArray *things, GPtrArray *groups);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, cp_request_clear)

/* jd-control-plane-groups.c: the thing-group operations. */
G_GNUC_INTERNAL gboolean cp_op_create_thing_group (Request *r, const char *group_name);
G_GNUC_INTERNAL gboolean cp_op_describe_thing_group (Request *r, const char *group_name);
G_GNUC_INTERNAL gboolean cp_op_list_thing_groups (Request *r);
G_GNUC_INTERNAL gboolean cp_op_delete_thing_group (Request *r, const char *group_name);
G_GNUC_INTERNAL gboolean cp_op_change_membership (Request *r, gboolean add);
G_GNUC_INTERNAL gboolean cp_op_list_things_in_thing_group (Request *r, const char *group_name);
G_GNUC_INTERNAL gboolean cp_op_list_thing_groups_for_thing (Request *r, const char *thing_name);
G_GNUC_INTERNAL gboolean cp_op_associate_targets (Request *r, const char *job_id);

G_END_DECLS
